import { useEffect, useMemo, useState } from 'react';
import { History, LineChart as LineChartIcon, Mic, Target } from 'lucide-react';
import { Link, useNavigate } from 'react-router';
import { api, errorMessage } from '../api/client';
import type { SessionCreated, SessionSummary } from '../api/types';
import { Alert, EmptyState, ErrorAlert, LoadingBlock, PageHeader, Spinner } from '../components/ui';
import { formatScore } from '../lib/format';
import { useResource } from '../lib/useResource';
import { AttemptsTable } from '../progress/AttemptsTable';
import { MissedPoints } from '../progress/MissedPoints';
import { changeText, defaultModule, pointsToShow } from '../progress/progress';
import { DeliveryTrends, DimensionTrends, OverallTrend } from '../progress/TrendCharts';
import type { ModuleProgress, Progress } from '../progress/types';

const PRACTICE_QUESTIONS = 3;

function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function ProgressPage() {
  const progress = useResource((s) => api.get<Progress>('/api/me/progress', s), []);
  const sessions = useResource((s) => api.get<SessionSummary[]>('/api/sessions', s), []);
  const [moduleId, setModuleId] = useState<number | null>(null);

  useEffect(() => {
    document.title = 'Progress · TalentSync';
  }, []);

  const modules = progress.data?.modules ?? [];
  const selected = useMemo(
    () => modules.find((m) => m.module.id === moduleId) ?? defaultModule(modules),
    [modules, moduleId],
  );

  const loading = (progress.loading && !progress.data) || (sessions.loading && !sessions.data);
  const noReports = progress.data && progress.data.sessions.length === 0;

  return (
    <div className="page progress-page">
      <PageHeader
        title="Your progress"
        subtitle="Scores over time for each module, the listening points you keep missing, how your spoken delivery develops, and every past interview."
      />
      {loading && <LoadingBlock label="Loading your progress…" />}
      <ErrorAlert error={progress.error} onRetry={progress.reload} title="Could not load your progress" />

      {noReports && (
        <EmptyState
          icon={<LineChartIcon />}
          title="No scored interviews yet"
          action={
            <Link to="/" className="btn btn-primary">
              Start an interview
            </Link>
          }
        >
          Once an interview is scored, your scores, missed listening points and delivery show up here, session after session.
        </EmptyState>
      )}

      {selected && (
        <>
          {modules.length > 1 && (
            <div className="module-switch" role="group" aria-label="Module">
              {modules.map((m) => (
                <button
                  key={m.module.id}
                  type="button"
                  className={`btn btn-sm ${m.module.id === selected.module.id ? 'btn-primary' : 'btn-secondary'}`}
                  aria-pressed={m.module.id === selected.module.id}
                  onClick={() => setModuleId(m.module.id)}
                >
                  {m.module.name}
                </button>
              ))}
            </div>
          )}
          <ModuleSection module={selected} progress={progress.data!} />
        </>
      )}

      {progress.data && progress.data.sessions.length > 0 && (
        <section className="card" aria-labelledby="delivery-h">
          <h2 id="delivery-h" className="card-title">
            <Mic size={18} aria-hidden="true" /> Delivery in voice answers
          </h2>
          {progress.data.delivery.answers === 0 ? (
            <p className="muted" data-testid="delivery-empty">
              Answer by voice to see your pace, filler words and long pauses develop from session to session.
            </p>
          ) : (
            <>
              <p className="muted small">
                Averages over your voice answers in each session ({progress.data.delivery.answers} answer
                {progress.data.delivery.answers === 1 ? '' : 's'} so far). The shaded band is the target.
              </p>
              <DeliveryTrends series={progress.data.delivery.series} targets={progress.data.delivery.targets} />
            </>
          )}
        </section>
      )}

      <h2 className="section-title">Past interviews</h2>
      <ErrorAlert error={sessions.error} onRetry={sessions.reload} title="Could not load your sessions" />
      {sessions.data && sessions.data.length === 0 && (
        <EmptyState icon={<History />} title="No interviews yet">
          Your interviews appear here; each opens its report with your answers, recordings and feedback.
        </EmptyState>
      )}
      {sessions.data && sessions.data.length > 0 && <AttemptsTable sessions={sessions.data} />}
    </div>
  );
}

function ModuleSection({ module, progress }: { module: ModuleProgress; progress: Progress }) {
  const shown = pointsToShow(progress.missed_points, module.module.id);
  return (
    <>
      <section className="card" aria-labelledby="scores-h" data-testid="module-progress">
        <div className="module-progress-head">
          <h2 id="scores-h" className="card-title">
            {module.module.name}
          </h2>
          <dl className="progress-stats">
            <div>
              <dt>Sessions</dt>
              <dd>{module.sessions}</dd>
            </div>
            <div>
              <dt>Latest</dt>
              <dd>{formatScore(module.latest)}</dd>
            </div>
            <div>
              <dt>Best</dt>
              <dd>{formatScore(module.best)}</dd>
            </div>
          </dl>
        </div>
        <p className="muted small" data-testid="overall-change">
          Overall score per session · {changeText(module.change)}
        </p>
        <OverallTrend module={module} />
        <h3 className="subhead">Each dimension</h3>
        <DimensionTrends module={module} />
      </section>

      <section className="card" aria-labelledby="missed-h">
        <div className="module-progress-head">
          <h2 id="missed-h" className="card-title">
            <Target size={18} aria-hidden="true" />{' '}
            {shown.repeated ? 'Listening points you keep missing' : 'Listening points to cover next'}
          </h2>
          {module.outstanding_points > 0 && <PractiseButton module={module} />}
        </div>
        {shown.points.length === 0 ? (
          <p className="muted" data-testid="no-missed-points">
            Nothing outstanding in {module.module.name}: every listening point you missed has been covered in a later answer.
          </p>
        ) : (
          <>
            <p className="muted small">
              {shown.repeated
                ? 'Missed or only partly covered in more than one answer. They come back in later interviews until you cover them.'
                : 'Missed or only partly covered last time. They come back in later interviews until you cover them.'}
            </p>
            <MissedPoints points={shown.points.slice(0, 8)} />
          </>
        )}
      </section>
    </>
  );
}

function PractiseButton({ module }: { module: ModuleProgress }) {
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [key] = useState(newKey);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<SessionCreated>(
        '/api/sessions',
        { module_id: module.module.id, max_questions: PRACTICE_QUESTIONS, focus: 'weak_points', finish_step: true },
        { 'Idempotency-Key': key },
      );
      navigate(`/sessions/${created.id}`, { state: { created, maxQuestions: PRACTICE_QUESTIONS } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <div className="practise-box">
      <button type="button" className="btn btn-primary" onClick={start} disabled={busy} data-testid="practise-button">
        {busy && <Spinner size="sm" label="Choosing questions…" />}
        {busy ? 'Choosing questions…' : `Practise this · ${PRACTICE_QUESTIONS} questions`}
      </button>
      {error !== null && (
        <Alert kind="error" onDismiss={() => setError(null)}>
          {errorMessage(error)}
        </Alert>
      )}
    </div>
  );
}
