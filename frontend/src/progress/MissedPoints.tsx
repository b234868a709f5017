import { Badge } from '../components/ui';
import { formatDate } from '../lib/format';
import { missedText } from './progress';
import type { MissedPoint } from './types';

export function MissedPoints({ points }: { points: MissedPoint[] }) {
  return (
    <ol className="missed-points" data-testid="missed-points">
      {points.map((p) => (
        <li key={`${p.question.percentile_key}|${p.point}`} className="missed-point" data-testid="missed-point">
          <div className="missed-point-head">
            <strong>{p.point}</strong>
            {p.outstanding ? (
              <Badge tone="amber" title="Not covered since it was last missed">
                Still to cover
              </Badge>
            ) : (
              <Badge tone="good" title="Your latest answer covered it">
                Covered last time
              </Badge>
            )}
          </div>
          {p.listen_for && <p className="missed-point-listen">Listen for: {p.listen_for}</p>}
          <p className="muted small">
            {missedText(p)} · {p.module.name}
            {p.last_seen ? ` · last asked ${formatDate(p.last_seen)}` : ''}
          </p>
          <p className="missed-point-question small">“{p.question.text}”</p>
        </li>
      ))}
    </ol>
  );
}
