import { useEffect, useState } from 'react';
import { ExternalLink } from 'lucide-react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, errorMessage } from '../api/client';
import type { SessionTimeline } from '../api/consoleTypes';
import { useAuth } from '../auth/AuthContext';
import { StaffTabs } from '../components/StaffTabs';
import { Alert, Badge, ErrorAlert, LoadingBlock, PageHeader, Spinner } from '../components/ui';
import { temporalWorkflowUrl, useConfig } from '../lib/config';
import { formatDate, formatScore, hasRole, kindLabel, statusLabel } from '../lib/format';
import { useResource } from '../lib/useResource';
import { statusTone } from './StaffSessionsPage';

function time(iso: string | null): string {
  // 24-hour clock: seconds matter here (answer → score), and it fits the timeline's time column.
  return iso ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }) : '';
}

/** Staff: one session's timeline as PostgreSQL holds it, beside its workflow in the Temporal Web UI. */
export function StaffSessionPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const config = useConfig();
  const { user } = useAuth();
  const isAdmin = hasRole(user?.roles, 'admin');
  const timeline = useResource((s) => api.get<SessionTimeline>(`/api/admin/sessions/${encodeURIComponent(id)}`, s), [id]);
  const [action, setAction] = useState<{ busy: boolean; done?: string; error?: unknown }>({ busy: false });

  useEffect(() => {
    document.title = 'Session timeline · Staff · TalentSync';
  }, []);

  if (timeline.loading && !timeline.data) return <LoadingBlock label="Loading the session…" />;
  if (!timeline.data) {
    return (
      <div className="page narrow">
        <ErrorAlert error={timeline.error} onRetry={timeline.reload} title="Could not load the session" />
        <Link to="/admin/sessions" className="btn btn-secondary">
          Back to sessions
        </Link>
      </div>
    );
  }
  const { session: s, questions, events, temporal } = timeline.data;
  const workflowUrl = temporalWorkflowUrl(config.temporal_ui_url, temporal.workflow_id, temporal.namespace);

  async function run(label: string, call: () => Promise<unknown>) {
    setAction({ busy: true });
    try {
      await call();
      setAction({ busy: false, done: label });
      timeline.reload();
    } catch (err) {
      setAction({ busy: false, error: err });
    }
  }

  return (
    <div className="page">
      <StaffTabs />
      <p className="small">
        {/* Back to the search that led here (its filters are in that URL); a direct link has none. */}
        {location.key !== 'default' ? (
          <button type="button" className="link-btn" onClick={() => navigate(-1)}>
            ← Back to the search
          </button>
        ) : (
          <Link to="/admin/sessions">← Sessions</Link>
        )}
      </p>
      <PageHeader
        title={s.user.email}
        subtitle={
          <>
            {s.module.name} · started {formatDate(s.created_at)}
            {s.pipeline && <> · for pipeline “{s.pipeline.name}”</>}
          </>
        }
        actions={
          <div className="button-row">
            <a className="btn btn-primary" href={workflowUrl} target="_blank" rel="noreferrer" data-testid="temporal-link">
              <ExternalLink size={16} aria-hidden="true" /> Open in Temporal
            </a>
            <button type="button" className="btn btn-secondary" onClick={timeline.reload} disabled={timeline.loading}>
              {timeline.loading && <Spinner size="sm" label="Refreshing…" />}
              Refresh
            </button>
            {s.has_report && (
              <Link className="btn btn-secondary" to={`/sessions/${s.id}/report`}>
                Report
              </Link>
            )}
          </div>
        }
      />
      <div className="staff-facts card">
        <dl>
          <div>
            <dt>Status</dt>
            <dd>
              <Badge tone={statusTone(s.status)}>{statusLabel(s.status)}</Badge>
            </dd>
          </div>
          <div>
            <dt>Score</dt>
            <dd>{s.overall_score === null ? '—' : `${formatScore(s.overall_score)}/100`}</dd>
          </div>
          <div>
            <dt>Workflow</dt>
            <dd className="mono small">{temporal.workflow_id}</dd>
          </div>
          <div>
            <dt>Candidate</dt>
            <dd>
              {s.user.full_name}
              {s.user.is_test && (
                <>
                  {' '}
                  <Badge tone="amber">test account</Badge>
                </>
              )}
            </dd>
          </div>
        </dl>
        <div className="button-row">
          {s.status === 'scoring_failed' && (
            <button
              type="button"
              className="btn btn-primary btn-sm"
              disabled={action.busy}
              onClick={() => run('Retry requested: the workflow re-runs scoring.', () => api.post(`/api/admin/sessions/${s.id}/retry-scoring`))}
            >
              {action.busy && <Spinner size="sm" label="Retrying…" />}
              Retry scoring
            </button>
          )}
          {isAdmin && (
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              disabled={action.busy}
              data-testid="toggle-test-account"
              onClick={() =>
                run(
                  s.user.is_test
                    ? 'Counted again in percentiles computed from now on.'
                    : 'Marked as a test account: left out of percentiles computed from now on.',
                  () => api.patch(`/api/admin/users/${s.user.id}`, { is_test: !s.user.is_test }),
                )
              }
            >
              {s.user.is_test ? 'Unmark test account' : 'Mark as test account'}
            </button>
          )}
        </div>
        {action.done && <p className="success-text small" role="status">{action.done}</p>}
        {action.error !== undefined && <p className="error-text small">{errorMessage(action.error)}</p>}
      </div>

      <div className="staff-grid">
        <section className="card" aria-labelledby="timeline-h">
          <h2 id="timeline-h" className="card-title">
            Timeline
          </h2>
          <p className="small muted">From PostgreSQL. When each question was shown is in the Temporal history.</p>
          <ol className="staff-timeline" data-testid="staff-timeline">
            {events.map((e, i) => (
              <li key={i} className={`ev ev-${e.kind}`}>
                <time dateTime={e.at ?? undefined} className="mono small">
                  {e.at ? time(e.at) : 'now'}
                </time>
                <span>{e.text}</span>
              </li>
            ))}
          </ol>
        </section>
        <section className="card" aria-labelledby="questions-h">
          <h2 id="questions-h" className="card-title">
            Questions and answers
          </h2>
          <ol className="staff-questions">
            {questions.map((q) => (
              <li key={q.id} className={q.index === null ? 'is-queued' : ''}>
                <p className="staff-q">
                  <strong>{q.index === null ? 'Not asked' : `Q${q.index + 1}`}</strong>{' '}
                  <Badge tone="neutral">{kindLabel(q.kind)}</Badge> <Badge tone="neutral">{q.status}</Badge>
                </p>
                <p>{q.text}</p>
                {q.answers.map((a) => (
                  <div key={a.id} className="staff-answer">
                    <p className="small muted">
                      {time(a.at)} · {a.source} · {a.words} words{a.attempt > 1 ? ` · attempt ${a.attempt}` : ''}
                      {a.score ? ` · scored ${formatScore(a.score.overall)} (${a.score.scorer_version})` : ' · not scored'}
                    </p>
                    <blockquote>{a.text}</blockquote>
                  </div>
                ))}
              </li>
            ))}
          </ol>
        </section>
      </div>
      <Alert kind="info">
        The Temporal Web UI shows every step of this interview — inputs, results and retries — as JSON.
      </Alert>
    </div>
  );
}
