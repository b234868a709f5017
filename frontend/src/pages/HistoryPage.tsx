import { useEffect } from 'react';
import { History } from 'lucide-react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { SessionSummary } from '../api/types';
import { Badge, EmptyState, ErrorAlert, LoadingBlock, PageHeader } from '../components/ui';
import { formatDate, formatScore, scoreTone, statusLabel } from '../lib/format';
import { useResource } from '../lib/useResource';

function statusTone(status: string): string {
  switch (status) {
    case 'completed':
      return 'good';
    case 'active':
      return 'brand';
    case 'scoring':
      return 'amber';
    case 'scoring_failed':
      return 'danger';
    default:
      return 'neutral';
  }
}

export function HistoryPage() {
  const sessions = useResource((s) => api.get<SessionSummary[]>('/api/sessions', s), []);

  useEffect(() => {
    document.title = 'History · TalentSync';
  }, []);

  // The API returns newest first already; sorting again keeps the page right if that changes.
  const list = [...(sessions.data ?? [])].sort((a, b) => b.created_at.localeCompare(a.created_at));

  return (
    <div className="page">
      <PageHeader title="Your interviews" subtitle="Every practice session, newest first. Open one to see its report." />
      {sessions.loading && !sessions.data && <LoadingBlock label="Loading your sessions…" />}
      <ErrorAlert error={sessions.error} onRetry={sessions.reload} title="Could not load your sessions" />
      {sessions.data && list.length === 0 && (
        <EmptyState
          icon={<History />}
          title="No interviews yet"
          action={
            <Link to="/" className="btn btn-primary">
              Start your first interview
            </Link>
          }
        >
          Once you practise, your sessions and scores show up here so you can track progress.
        </EmptyState>
      )}
      {list.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="history-table">
            <thead>
              <tr>
                <th scope="col">Module</th>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Answered
                </th>
                <th scope="col" className="num">
                  Score
                </th>
                <th scope="col">
                  <span className="sr-only">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => {
                const active = s.status === 'active';
                const href = active ? `/sessions/${s.id}` : `/sessions/${s.id}/report`;
                return (
                  <tr key={s.id} data-testid="history-row">
                    <td data-label="Module">
                      <Link to={href} className="row-link">
                        {s.module.name}
                      </Link>
                    </td>
                    <td data-label="Started">{formatDate(s.created_at)}</td>
                    <td data-label="Status">
                      <Badge tone={statusTone(s.status)}>{statusLabel(s.status)}</Badge>
                    </td>
                    <td data-label="Answered" className="num">
                      {s.answered}
                    </td>
                    <td data-label="Score" className="num">
                      {s.overall_score !== null && s.overall_score !== undefined ? (
                        <span className={`score-pill tone-${scoreTone(s.overall_score)}`}>{formatScore(s.overall_score)}</span>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="row-action">
                      <Link to={href} className="btn btn-secondary btn-sm">
                        {active ? 'Continue' : 'View report'}
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
