import { useEffect, useId, useState, type FormEvent } from 'react';
import { Briefcase, Users } from 'lucide-react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Pipeline, RankedCandidate } from '../api/consoleTypes';
import type { Module } from '../api/types';
import { EmptyState, ErrorAlert, LoadingBlock, PageHeader, Spinner } from '../components/ui';
import { formatDate, formatScore, ordinal, scoreTone, statusLabel } from '../lib/format';
import { useResource } from '../lib/useResource';

/** Recruiter: pipelines (one per role), their invite codes, and the candidates who shared an
 * interview, ranked by their best score, with a link to each report. */
export function RecruiterPage() {
  const [params, setParams] = useSearchParams();
  const pipelines = useResource((s) => api.get<Pipeline[]>('/api/pipelines', s), []);
  const modules = useResource((s) => api.get<Module[]>('/api/modules', s), []);
  const selectedId = params.get('pipeline') ?? pipelines.data?.[0]?.id ?? null;
  const selected = pipelines.data?.find((p) => p.id === selectedId) ?? null;

  useEffect(() => {
    document.title = 'Pipelines · TalentSync';
  }, []);

  return (
    <div className="page">
      <PageHeader
        title="Hiring pipelines"
        subtitle="Open a pipeline for a role, send candidates its invite code, and compare the interviews they share with you."
      />
      <ErrorAlert error={pipelines.error} onRetry={pipelines.reload} title="Could not load your pipelines" />
      <div className="recruiter-layout">
        <aside className="stack">
          <NewPipeline
            modules={modules.data ?? []}
            onCreated={(p) => {
              pipelines.setData((prev) => [p, ...(prev ?? [])]);
              setParams({ pipeline: p.id });
            }}
          />
          {pipelines.loading && !pipelines.data && <LoadingBlock label="Loading pipelines…" />}
          {pipelines.data && pipelines.data.length > 0 && (
            <nav className="card pipeline-list" aria-label="Your pipelines">
              <ul>
                {pipelines.data.map((p) => (
                  <li key={p.id}>
                    <button
                      type="button"
                      className={`pipeline-item ${p.id === selectedId ? 'is-selected' : ''}`}
                      aria-current={p.id === selectedId ? 'true' : undefined}
                      onClick={() => setParams({ pipeline: p.id })}
                    >
                      <strong>{p.name}</strong>
                      <span className="small muted">
                        {p.module.name} · {p.candidate_count ?? 0} candidate{p.candidate_count === 1 ? '' : 's'}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </aside>
        <section aria-label="Selected pipeline">
          {selected ? (
            <PipelineDetail key={selected.id} pipeline={selected} />
          ) : (
            pipelines.data && (
              <EmptyState icon={<Briefcase />} title="No pipeline yet">
                Create one for the role you are hiring for; candidates join it with its invite code.
              </EmptyState>
            )
          )}
        </section>
      </div>
    </div>
  );
}

function NewPipeline({ modules, onCreated }: { modules: Module[]; onCreated: (p: Pipeline) => void }) {
  const [name, setName] = useState('');
  const [moduleId, setModuleId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ids = { name: useId(), module: useId() };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.post<Pipeline>('/api/pipelines', { name: name.trim(), module_id: Number(moduleId || modules[0]?.id) }));
      setName('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={onSubmit} aria-label="New pipeline">
      <h2 className="card-title">New pipeline</h2>
      <div className="field">
        <label htmlFor={ids.name}>Role</label>
        <input id={ids.name} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Backend engineer" />
      </div>
      <div className="field">
        <label htmlFor={ids.module}>Interview module</label>
        <select id={ids.module} value={moduleId} onChange={(e) => setModuleId(e.target.value)}>
          {modules.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      <ErrorAlert error={error} title="Could not create the pipeline" />
      <button type="submit" className="btn btn-primary btn-block" disabled={busy || !name.trim() || modules.length === 0}>
        {busy && <Spinner size="sm" label="Creating…" />}
        Create pipeline
      </button>
    </form>
  );
}

function PipelineDetail({ pipeline }: { pipeline: Pipeline }) {
  const candidates = useResource((s) => api.get<RankedCandidate[]>(`/api/pipelines/${pipeline.id}/candidates`, s), [pipeline.id]);
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(pipeline.invite_code);
      setCopied('ok');
    } catch {
      // No clipboard permission (e.g. an insecure origin): the code is selectable beside the button.
      setCopied('failed');
    }
  }

  const rows = candidates.data ?? [];
  return (
    <div className="stack">
      <div className="card invite-card">
        <div>
          <h2 className="card-title">{pipeline.name}</h2>
          <p className="small muted">
            {pipeline.module.name} interview · opened {formatDate(pipeline.created_at)}
          </p>
        </div>
        <div className="invite-code">
          <span className="small muted" id="invite-label">
            Invite code — candidates paste it under “Employers”
          </span>
          <div className="button-row">
            <code className="mono" aria-labelledby="invite-label" data-testid="invite-code">
              {pipeline.invite_code}
            </code>
            <button type="button" className="btn btn-secondary btn-sm" onClick={copy}>
              Copy
            </button>
            <span role="status" className="small">
              {copied === 'ok' ? '✓ Copied' : copied === 'failed' ? 'Select the code to copy it' : ''}
            </span>
          </div>
        </div>
      </div>
      <ErrorAlert error={candidates.error} onRetry={candidates.reload} title="Could not load the candidates" />
      {candidates.loading && !candidates.data && <LoadingBlock label="Loading candidates…" />}
      {candidates.data && rows.length === 0 && (
        <EmptyState icon={<Users />} title="No candidates yet">
          Candidates appear here once they join with the invite code; their scores once an interview is scored.
        </EmptyState>
      )}
      {rows.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="ranked-candidates">
            <caption className="sr-only">Candidates ranked by their best interview score</caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Candidate</th>
                <th scope="col">Best score</th>
                <th scope="col">Percentile</th>
                <th scope="col">Interviews</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.candidate.id} data-testid="candidate-row">
                  <td data-label="Rank">{c.rank ?? '—'}</td>
                  <td data-label="Candidate">
                    <strong>{c.candidate.full_name}</strong>
                    <div className="small muted">{c.candidate.email}</div>
                  </td>
                  <td data-label="Best score">
                    {c.best_score === null ? (
                      <span className="muted">not scored yet</span>
                    ) : (
                      <span className={`score-pill tone-${scoreTone(c.best_score)}`}>{formatScore(c.best_score)}</span>
                    )}
                  </td>
                  <td data-label="Percentile">{c.best_percentile === null ? '—' : ordinal(Math.round(c.best_percentile))}</td>
                  <td data-label="Interviews">
                    <ul className="plain-list">
                      {c.sessions.map((s) => (
                        <li key={s.id} className="small">
                          {formatDate(s.created_at)} ·{' '}
                          {s.has_report ? (
                            <Link to={`/sessions/${s.id}/report`} data-testid="open-report">
                              Report ({formatScore(s.overall_score)})
                            </Link>
                          ) : (
                            statusLabel(s.status)
                          )}
                        </li>
                      ))}
                      {c.sessions.length === 0 && <li className="small muted">joined {formatDate(c.joined_at)}, no interview yet</li>}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
