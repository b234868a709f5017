import { useEffect, useState } from 'react';
import { BarChart3, FileQuestion, Hourglass } from 'lucide-react';
import { Link, useParams } from 'react-router';
import { ApiError, api, errorMessage, requestRaw } from '../api/client';
import type { Report, ReportPending, SessionState } from '../api/types';
import { Alert, Badge, EmptyState, ErrorAlert, LoadingBlock, PageHeader, ProgressBar, ScoreRing } from '../components/ui';
import { formatDate, statusLabel } from '../lib/format';
import { AnswerCard, PercentileLine } from '../report/AnswerCard';
import { DimensionChart } from '../report/DimensionChart';

const POLL_MS = 1500;
/** A parked (scoring_failed) session only moves when staff retry it: check less often. */
const FAILED_POLL_MS = 10000;

type State =
  | { kind: 'loading' }
  | { kind: 'pending'; pending: ReportPending; since: number }
  | { kind: 'ready'; report: Report }
  | { kind: 'error'; error: unknown };

export function ReportPage() {
  const { id = '' } = useParams();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    document.title = 'Report · TalentSync';
  }, []);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    const ctrl = new AbortController();

    const poll = async () => {
      try {
        const res = await requestRaw<Report | ReportPending>('GET', `/api/sessions/${encodeURIComponent(id)}/report`, { signal: ctrl.signal });
        if (stopped) return;
        if (res.status === 202) {
          const pending = res.data as ReportPending;
          setState({ kind: 'pending', pending, since: started });
          timer = setTimeout(poll, pending.status === 'scoring_failed' ? FAILED_POLL_MS : POLL_MS);
          return;
        }
        setState({ kind: 'ready', report: res.data as Report });
      } catch (err) {
        if (stopped || (err instanceof DOMException && err.name === 'AbortError')) return;
        // 409: the interview is still running (e.g. a report link opened too early).
        setState({ kind: 'error', error: err });
      }
    };
    void poll();
    return () => {
      stopped = true;
      ctrl.abort();
      clearTimeout(timer);
    };
  }, [id, nonce]);

  if (state.kind === 'loading') return <LoadingBlock label="Loading your report…" />;
  if (state.kind === 'error') {
    const conflict = state.error instanceof ApiError && state.error.status === 409;
    if (conflict) return <NoReport sessionId={id} error={state.error} />;
    return (
      <div className="page narrow">
        <ErrorAlert error={state.error} onRetry={() => setNonce((n) => n + 1)} title="Could not load the report" />
        <div className="button-row">
          <Link className="btn btn-secondary" to="/sessions">
            All sessions
          </Link>
        </div>
      </div>
    );
  }
  if (state.kind === 'pending') return <Pending pending={state.pending} since={state.since} />;
  return <ReportView report={state.report} />;
}

/** 409: the interview is still running, or it ended before any answer was given. */
function NoReport({ sessionId, error }: { sessionId: string; error: unknown }) {
  const [active, setActive] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    api
      .get<SessionState>(`/api/sessions/${encodeURIComponent(sessionId)}`, ctrl.signal)
      .then((s) => setActive(s.status === 'active'))
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [sessionId]);
  return (
    <div className="page narrow">
      <EmptyState
        icon={<FileQuestion />}
        title={active ? 'The interview is still running' : 'No report for this session'}
        action={
          <div className="button-row">
            {active && (
              <Link className="btn btn-primary" to={`/sessions/${sessionId}`}>
                Back to the interview
              </Link>
            )}
            <Link className="btn btn-secondary" to="/">
              Start a new interview
            </Link>
          </div>
        }
      >
        {errorMessage(error)}
      </EmptyState>
    </div>
  );
}

function Pending({ pending, since }: { pending: ReportPending; since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, []);
  const secs = Math.round((now - since) / 1000);

  if (pending.status === 'scoring_failed') {
    return (
      <div className="page narrow">
        <div className="card pending-card" data-testid="report-failed">
          <div className="pending-icon warn" aria-hidden="true">
            <Hourglass size={34} />
          </div>
          <h1>Your report is delayed</h1>
          <p>
            Scoring hit a problem and has been paused. Our support staff have been notified and will retry it — <strong>your answers are saved and safe</strong>, and
            nothing needs to be redone.
          </p>
          <p className="muted small">This page checks again automatically; you can also come back later from your history.</p>
          <Link className="btn btn-secondary" to="/sessions">
            Back to your sessions
          </Link>
        </div>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <div className="card pending-card" data-testid="report-pending" aria-busy="true">
        <div className="pending-icon" aria-hidden="true">
          <BarChart3 size={34} />
        </div>
        <h1>Scoring your interview…</h1>
        <p className="muted">{pending.detail || 'We are scoring each answer, comparing it with other candidates and writing your feedback.'}</p>
        <ProgressBar label="Scoring in progress" />
        <ol className="pending-steps">
          <li className="done">Answers received</li>
          <li className={secs > 1 ? 'active' : ''}>Scoring each answer</li>
          <li className={secs > 4 ? 'active' : ''}>Comparing with other candidates</li>
          <li className={secs > 7 ? 'active' : ''}>Writing your feedback</li>
        </ol>
        <p className="muted small" aria-live="off">
          {secs}s elapsed · usually under a minute
        </p>
      </div>
    </div>
  );
}

function ReportView({ report }: { report: Report }) {
  const pct = report.overall.percentile;
  // Skipped questions are listed too (without a score); the header counts them apart.
  const skipped = report.answers.filter((a) => a.skipped).length;
  const answered = report.answers.length - skipped;
  const dims = report.overall.dimensions ?? {};
  return (
    <div className="page report">
      <PageHeader
        title={
          <>
            {report.module?.name ?? 'Interview'} <span className="muted">report</span>
          </>
        }
        subtitle={
          <>
            {formatDate(report.created_at)} · <Badge tone="neutral">{statusLabel(report.status)}</Badge> · {answered} answered
            {skipped > 0 ? ` · ${skipped} skipped` : ''}
          </>
        }
        actions={
          <>
            <button type="button" className="btn btn-ghost" onClick={() => window.print()}>
              Print / PDF
            </button>
            <Link to="/" className="btn btn-primary">
              Practise again
            </Link>
          </>
        }
      />

      <section className="card overview" aria-label="Overall result">
        <div className="overview-score" data-testid="overall-score">
          <ScoreRing score={report.overall.score} size={148} />
          <div>
            <p className="overview-label">Overall score</p>
            <PercentileLine
              value={pct}
              population={report.overall.population}
              minimum={report.overall.min_population}
              noun="session"
            />
          </div>
        </div>
        <div className="overview-chart">
          <h2 className="subhead">By dimension</h2>
          <DimensionChart dimensions={dims} />
        </div>
      </section>

      {(report.summary || report.focus_areas.length > 0) && (
        <section className="card summary-card" aria-labelledby="summary-h">
          <h2 id="summary-h">Summary</h2>
          {report.summary && <p className="summary-text">{report.summary}</p>}
          {report.focus_areas.length > 0 && (
            <>
              <h3 className="subhead">Focus on next</h3>
              <ol className="focus-list" data-testid="focus-areas">
                {report.focus_areas.map((f, i) => (
                  <li key={i}>
                    <span className="focus-num" aria-hidden="true">
                      {i + 1}
                    </span>
                    <span>{f}</span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </section>
      )}

      <h2 className="section-title">Question by question</h2>
      {report.answers.length === 0 && <Alert kind="info">No questions were answered in this session.</Alert>}
      <div className="answers">
        {report.answers.map((a, i) => (
          <AnswerCard key={a.question.id ?? i} item={a} number={i + 1} />
        ))}
      </div>
    </div>
  );
}
