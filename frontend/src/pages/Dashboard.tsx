import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { BarChart3, BrainCircuit, Cloud, Compass, Library, MessagesSquare, Network, Palette, SearchX, Server, Target, type LucideIcon } from 'lucide-react';
import { Link, useNavigate } from 'react-router';
import { api, errorMessage } from '../api/client';
import type { Module, ResumeSummary, SessionCreated, SessionSummary } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { Alert, Badge, EmptyState, ErrorAlert, LoadingBlock, Modal, PageHeader, Spinner } from '../components/ui';
import { formatDate } from '../lib/format';
import { useResource } from '../lib/useResource';
import { loadPrefs, savePrefs, type TimerMinutes } from '../interview/roomPrefs';
import { speechAvailable } from '../interview/useReadAloud';

/** As the API accepts it (talentsync/job_match.py). */
const JD_MAX = 6000;
const JD_MIN = 20;

const DOMAIN_ICONS: [RegExp, LucideIcon][] = [
  [/behav|soft|leader/i, MessagesSquare],
  [/system|design|architect/i, Network],
  [/data|analytic|science/i, BarChart3],
  [/ml|machine|ai\b/i, BrainCircuit],
  [/front|ui|web/i, Palette],
  [/devops|infra|cloud|sre/i, Cloud],
  [/product|manage/i, Compass],
  [/back|python|java|go|api|engineer/i, Server],
];

function DomainIcon({ domain }: { domain: string }) {
  const Icon = DOMAIN_ICONS.find(([re]) => re.test(domain))?.[1] ?? Target;
  return <Icon size={22} strokeWidth={2} aria-hidden="true" />;
}

export function Dashboard() {
  const { user } = useAuth();
  const modules = useResource((s) => api.get<Module[]>('/api/modules', s), []);
  const sessions = useResource((s) => api.get<SessionSummary[]>('/api/sessions', s).catch(() => []), []);
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<Module | null>(null);
  const searchId = useId();

  useEffect(() => {
    document.title = 'Practice · TalentSync';
  }, []);

  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = modules.data ?? [];
    if (!q) return list;
    return list.filter((m) => `${m.name} ${m.domain} ${m.description}`.toLowerCase().includes(q));
  }, [modules.data, query]);

  const active = (sessions.data ?? []).find((s) => s.status === 'active');
  const firstName = user?.full_name?.split(/\s+/)[0];

  return (
    <div className="page">
      <PageHeader
        title={firstName ? `Hi ${firstName}, ready to practise?` : 'Ready to practise?'}
        subtitle="Pick a module. You'll get core questions, questions from your resume if you attach one, and follow-ups on what you say."
      />

      {active && (
        <Alert
          kind="info"
          title="You have an interview in progress"
          action={
            <Link className="btn btn-primary btn-sm" to={`/sessions/${active.id}`}>
              Continue
            </Link>
          }
        >
          {active.module.name} · started {formatDate(active.created_at)} · {active.answered} answered
        </Alert>
      )}

      {modules.loading && !modules.data && <LoadingBlock label="Loading modules…" />}
      <ErrorAlert error={modules.error} onRetry={modules.reload} title="Could not load modules" />

      {modules.data && modules.data.length > 0 && (
        <>
          {modules.data.length > 4 && (
            <div className="toolbar">
              <label htmlFor={searchId} className="sr-only">
                Filter modules
              </label>
              <input
                id={searchId}
                type="search"
                className="search-input"
                placeholder="Filter modules…"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
              />
            </div>
          )}
          <ul className="module-grid" aria-label="Interview modules">
            {filtered.map((m) => (
              <li key={m.id} className="card module-card" data-testid="module-card">
                <div className="module-card-top">
                  <span className="module-icon" aria-hidden="true">
                    <DomainIcon domain={m.domain} />
                  </span>
                  <Badge tone="brand">{m.domain.replace(/_/g, ' ')}</Badge>
                </div>
                <h2 className="module-name">{m.name}</h2>
                <p className="module-desc">{m.description}</p>
                <div className="module-card-foot">
                  <span className="muted small">{m.question_count} questions in bank</span>
                  <button type="button" className="btn btn-primary" onClick={() => setChosen(m)} aria-label={`Start interview: ${m.name}`}>
                    Start interview
                  </button>
                </div>
              </li>
            ))}
          </ul>
          {filtered.length === 0 && (
            <EmptyState icon={<SearchX />} title="No modules match">
              Try another word, or clear the filter.
            </EmptyState>
          )}
        </>
      )}
      {modules.data && modules.data.length === 0 && (
        <EmptyState icon={<Library />} title="No modules yet">
          The question bank is empty. An admin can load question packs to create modules.
        </EmptyState>
      )}

      <StartInterviewDialog module={chosen} onClose={() => setChosen(null)} />
    </div>
  );
}

function newKey(): string {
  // crypto.randomUUID needs a secure context; plain-http LAN installs fall back to random bytes.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function StartInterviewDialog({ module, onClose }: { module: Module | null; onClose: () => void }) {
  const navigate = useNavigate();
  const [maxQuestions, setMaxQuestions] = useState(8);
  const [resumeId, setResumeId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [resumes, setResumes] = useState<ResumeSummary[] | null>(null);
  const [resumeError, setResumeError] = useState<unknown>(null);
  const ids = { max: useId(), resume: useId(), maxHelp: useId(), timer: useId(), timerHelp: useId(), jd: useId(), jdHelp: useId(), autoRead: useId() };
  const [prefs, setPrefs] = useState(loadPrefs);
  const [jobDescription, setJobDescription] = useState('');
  const jdLength = jobDescription.trim().length;
  const jdTooShort = jdLength > 0 && jdLength < JD_MIN;
  const [idempotencyKey, setIdempotencyKey] = useState('');

  useEffect(() => {
    if (!module) return;
    setIdempotencyKey(newKey());
    setError(null);
    setBusy(false);
    setResumes(null);
    setResumeError(null);
    const ctrl = new AbortController();
    api
      .get<ResumeSummary[]>('/api/resumes', ctrl.signal)
      .then((list) => {
        setResumes(list);
        // Offer the newest parsed resume by default: resume questions are the point of attaching one.
        const parsed = [...list].filter((r) => r.status === 'parsed').sort((a, b) => b.created_at.localeCompare(a.created_at));
        setResumeId(parsed[0]?.id ?? '');
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setResumeError(err);
      });
    return () => ctrl.abort();
  }, [module]);

  // Different choices make a different interview: only identical retries share a key.
  useEffect(() => setIdempotencyKey(newKey()), [maxQuestions, resumeId, jobDescription]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!module || jdTooShort) return;
    setBusy(true);
    setError(null);
    savePrefs(prefs);
    try {
      // finish_step: the last question can be answered again before the candidate finishes.
      const body: Record<string, unknown> = { module_id: module.id, max_questions: maxQuestions, finish_step: true };
      if (resumeId) body.resume_id = resumeId;
      if (jdLength > 0) body.job_description = jobDescription.trim();
      // One key per dialog opening: a retried or double-sent start lands on the same session.
      const created = await api.post<SessionCreated>('/api/sessions', body, { 'Idempotency-Key': idempotencyKey });
      navigate(`/sessions/${created.id}`, { state: { created, maxQuestions } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const parsedResumes = (resumes ?? []).filter((r) => r.status === 'parsed');

  return (
    <Modal
      open={!!module}
      title={module ? `Start: ${module.name}` : 'Start interview'}
      onClose={() => !busy && onClose()}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form="start-form" className="btn btn-primary" disabled={busy || jdTooShort}>
            {busy && <Spinner size="sm" label="Preparing your interview…" />}
            {busy ? 'Preparing questions…' : 'Start interview'}
          </button>
        </>
      }
    >
      <form id="start-form" onSubmit={onSubmit} className="stack">
        {error !== null && <Alert kind="error">{errorMessage(error)}</Alert>}
        <div className="field">
          <label htmlFor={ids.max}>Number of questions</label>
          <div className="range-row">
            <input
              id={ids.max}
              name="max_questions"
              type="range"
              min={1}
              max={20}
              value={maxQuestions}
              onChange={(e) => setMaxQuestions(Number(e.target.value))}
              aria-describedby={ids.maxHelp}
            />
            <input
              type="number"
              className="range-number"
              min={1}
              max={20}
              value={maxQuestions}
              aria-label="Number of questions"
              data-testid="max-questions"
              onChange={(e) => {
                const n = Number(e.target.value);
                if (Number.isFinite(n)) setMaxQuestions(Math.min(20, Math.max(1, Math.round(n))));
              }}
            />
          </div>
          <p className="hint" id={ids.maxHelp}>
            About {Math.max(1, Math.round(maxQuestions * 2))} minutes. Follow-up questions count toward this number.
          </p>
        </div>
        <div className="field">
          <label htmlFor={ids.resume}>Resume (optional)</label>
          {resumes === null && !resumeError && (
            <p className="muted small">
              <Spinner size="sm" label="Loading resumes…" /> Loading your resumes…
            </p>
          )}
          {resumeError !== null && <p className="error-text">Could not load resumes: {errorMessage(resumeError)}</p>}
          {resumes !== null && (
            <>
              <select id={ids.resume} name="resume_id" value={resumeId} onChange={(e) => setResumeId(e.target.value)}>
                <option value="">No resume — module questions only</option>
                {parsedResumes.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.filename} · {formatDate(r.created_at)}
                  </option>
                ))}
              </select>
              <p className="hint">
                {parsedResumes.length === 0 ? (
                  <>
                    No parsed resume yet. <Link to="/resumes">Upload one</Link> to get questions about your own experience.
                  </>
                ) : (
                  'With a resume you also get questions about your own roles and achievements.'
                )}
              </p>
            </>
          )}
        </div>
        <div className="field">
          <label htmlFor={ids.timer}>Time per answer</label>
          <select
            id={ids.timer}
            name="timer"
            value={prefs.timerMinutes}
            aria-describedby={ids.timerHelp}
            onChange={(e) => setPrefs((p) => ({ ...p, timerMinutes: Number(e.target.value) as TimerMinutes }))}
            data-testid="timer-select"
          >
            <option value={0}>No timer</option>
            <option value={1}>1 minute</option>
            <option value={2}>2 minutes</option>
            <option value={3}>3 minutes</option>
          </select>
          <p className="hint" id={ids.timerHelp}>
            A countdown per question that warns at 15 seconds. It never sends for you.
          </p>
        </div>
        {speechAvailable() && (
          <div className="field field-check">
            <input
              id={ids.autoRead}
              type="checkbox"
              checked={prefs.autoRead}
              onChange={(e) => setPrefs((p) => ({ ...p, autoRead: e.target.checked }))}
              data-testid="auto-read"
            />
            <label htmlFor={ids.autoRead}>Read each question aloud when it appears</label>
          </div>
        )}
        <div className="field">
          <label htmlFor={ids.jd}>Job description (optional)</label>
          <textarea
            id={ids.jd}
            name="job_description"
            rows={4}
            maxLength={JD_MAX}
            value={jobDescription}
            onChange={(e) => setJobDescription(e.target.value)}
            aria-describedby={ids.jdHelp}
            aria-invalid={jdTooShort || undefined}
            placeholder="Paste the posting you are preparing for"
            data-testid="job-description"
          />
          <p className={`hint ${jdTooShort ? 'error-text' : ''}`} id={ids.jdHelp}>
            {jdTooShort
              ? `Add a little more (at least ${JD_MIN} characters), or leave it empty.`
              : `The questions closest to it are asked first. ${jdLength.toLocaleString()} / ${JD_MAX.toLocaleString()} characters.`}
          </p>
        </div>
      </form>
    </Modal>
  );
}
