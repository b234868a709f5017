import { Link } from 'react-router';
import type { SessionSummary } from '../api/types';
import { Badge } from '../components/ui';
import { formatDate, formatScore, scoreTone, statusLabel } from '../lib/format';

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

/** Every session, newest first; each opens its report (question, answer, transcript, audio, feedback). */
export function AttemptsTable({ sessions }: { sessions: SessionSummary[] }) {
  // The API returns newest first already; sorting again keeps the page right if that changes.
  const list = [...sessions].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return (
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
  );
}
