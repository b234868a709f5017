import { useEffect, useId, useState, type FormEvent } from 'react';
import { Building2 } from 'lucide-react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import type { JoinedPipeline } from '../api/consoleTypes';
import type { SessionCreated } from '../api/types';
import { Alert, ConfirmDialog, EmptyState, ErrorAlert, LoadingBlock, PageHeader, Spinner } from '../components/ui';
import { formatDate, formatScore, statusLabel } from '../lib/format';
import { useResource } from '../lib/useResource';

const QUESTION_COUNTS = [3, 5, 8];

/** Candidate: join an employer's pipeline with its invite code, take its interview, see who can
 * read which interviews, and withdraw — the employer loses access at once. */
export function SharingPage() {
  const joined = useResource((s) => api.get<JoinedPipeline[]>('/api/pipelines/joined', s), []);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [withdrawing, setWithdrawing] = useState<JoinedPipeline | null>(null);
  const codeId = useId();

  useEffect(() => {
    document.title = 'Employers · TalentSync';
  }, []);

  async function onJoin(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const p = await api.post<{ name: string }>('/api/pipelines/join', { invite_code: code.trim() });
      setCode('');
      setNotice(`You joined “${p.name}”. Interviews you start for it are shared with its recruiter.`);
      joined.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function withdraw(p: JoinedPipeline) {
    setBusy(true);
    setError(null);
    try {
      await api.del(`/api/pipelines/${p.id}/share`);
      setNotice(`Sharing with “${p.name}” withdrawn: its recruiter can no longer open your interviews.`);
      joined.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setWithdrawing(null);
    }
  }

  return (
    <div className="page narrow">
      <PageHeader
        title="Employers"
        subtitle="An employer can send you an invite code for a role. Interviews you take for that role are shared with them — only those, and only until you withdraw."
      />
      <form className="card join-form" onSubmit={onJoin} aria-label="Join a pipeline">
        <div className="field">
          <label htmlFor={codeId}>Invite code</label>
          <input
            id={codeId}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            required
            minLength={8}
            maxLength={64}
            placeholder="Paste the code the employer sent you"
            data-testid="invite-input"
          />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || code.trim().length < 8}>
          {busy && <Spinner size="sm" label="Joining…" />}
          Join
        </button>
      </form>
      <ErrorAlert error={error} title="Could not join" />
      {notice && (
        <Alert kind="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Alert>
      )}

      <h2 className="section-title">Shared with</h2>
      <ErrorAlert error={joined.error} onRetry={joined.reload} title="Could not load what you share" />
      {joined.loading && !joined.data && <LoadingBlock label="Loading…" />}
      {joined.data && joined.data.length === 0 && (
        <EmptyState icon={<Building2 />} title="Nothing shared">
          Your interviews are private. Nothing is shared until you join a pipeline and interview for it.
        </EmptyState>
      )}
      <ul className="shared-list">
        {(joined.data ?? []).map((p) => (
          <li key={p.id} className="card" data-testid="shared-pipeline">
            <div className="section-head">
              <div>
                <h3>{p.name}</h3>
                <p className="small muted">
                  {p.recruiter.full_name} · {p.module.name} interview · joined {formatDate(p.joined_at)}
                </p>
              </div>
              <div className="button-row">
                <StartPipelineInterview pipeline={p} />
                <button type="button" className="btn btn-danger btn-sm" onClick={() => setWithdrawing(p)}>
                  Withdraw
                </button>
              </div>
            </div>
            {p.shared_sessions.length === 0 ? (
              <p className="small muted">No interview shared yet.</p>
            ) : (
              <ul className="plain-list">
                {p.shared_sessions.map((s) => (
                  <li key={s.id} className="small">
                    {formatDate(s.created_at)} · {statusLabel(s.status)}
                    {s.overall_score !== null && ` · ${formatScore(s.overall_score)}/100`} ·{' '}
                    <Link to={s.status === 'active' ? `/sessions/${s.id}` : `/sessions/${s.id}/report`}>
                      {s.status === 'active' ? 'continue' : 'report'}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {withdrawing && (
        <ConfirmDialog
          open
          busy={busy}
          title={`Stop sharing with “${withdrawing.name}”?`}
          confirmLabel="Withdraw"
          danger
          onConfirm={() => withdraw(withdrawing)}
          onCancel={() => setWithdrawing(null)}
        >
          {withdrawing.recruiter.full_name} loses access to the {withdrawing.shared_sessions.length} interview
          {withdrawing.shared_sessions.length === 1 ? '' : 's'} you took for this role, at once. To share again later you
          would join again and take a new interview.
        </ConfirmDialog>
      )}
    </div>
  );
}

function StartPipelineInterview({ pipeline }: { pipeline: JoinedPipeline }) {
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [count, setCount] = useState(5);
  const countId = useId();

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const s = await api.post<SessionCreated>('/api/sessions', {
        module_id: pipeline.module.id,
        pipeline_id: pipeline.id,
        max_questions: count,
        finish_step: true,
      });
      navigate(`/sessions/${s.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <>
      <label className="sr-only" htmlFor={countId}>
        Questions
      </label>
      <select id={countId} className="count-select" value={count} onChange={(e) => setCount(Number(e.target.value))} data-testid="pipeline-question-count">
        {QUESTION_COUNTS.map((n) => (
          <option key={n} value={n}>
            {n} questions
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-primary btn-sm" onClick={start} disabled={busy} data-testid="start-pipeline-interview">
        {busy && <Spinner size="sm" label="Starting…" />}
        Take the interview
      </button>
      {error !== null && <ErrorAlert error={error} title="Could not start the interview" />}
    </>
  );
}
