import { describe, expect, it } from 'vitest';
import { change, changeText, dimensionsOf, missedText, pointsToShow, seriesRows } from './progress';
import type { MissedPoint, SeriesPoint } from './types';

const series: SeriesPoint[] = [
  { session_id: 'a', created_at: '2026-11-01T10:00:00Z', overall: 40, dimensions: { coverage: 30, relevance: 60 } },
  { session_id: 'b', created_at: '2026-11-02T10:00:00Z', overall: 55.4, dimensions: { coverage: 50, relevance: 60, custom: 10 } },
];

function point(over: Partial<MissedPoint>): MissedPoint {
  return {
    point: 'Names the trade-off',
    listen_for: '',
    question: { text: 'Q', bank_question_id: 1, percentile_key: 'q:x' },
    module: { id: 1, name: 'Behavioral' },
    asked: 2,
    times_missed: 2,
    times_partly: 0,
    times_not_covered: 2,
    repeated: true,
    last_status: 'missed',
    last_seen: null,
    outstanding: true,
    ...over,
  };
}

describe('progress helpers', () => {
  it('numbers sessions and spreads dimensions into chart rows', () => {
    const rows = seriesRows(series);
    expect(rows.map((r) => r.label)).toEqual(['#1', '#2']);
    expect(rows[1]).toMatchObject({ overall: 55.4, coverage: 50, custom: 10, session_id: 'b' });
  });

  it('orders dimensions as the report does, unknown ones last', () => {
    expect(dimensionsOf(series)).toEqual(['relevance', 'coverage', 'custom']);
  });

  it('measures change from the first to the latest session', () => {
    expect(change(series, 'overall')).toBe(15.4);
    expect(change(series, 'relevance')).toBe(0);
    expect(change(series.slice(0, 1), 'overall')).toBeNull();
    expect(changeText(15.4)).toBe('+15 since your first session');
    expect(changeText(-3)).toBe('−3 since your first session');
    expect(changeText(0.2)).toBe('no change since your first session');
    expect(changeText(22, true)).toBe('+22 since the first');
    expect(changeText(0, true)).toBe('no change yet');
  });

  it('shows repeated misses first, else the outstanding ones', () => {
    const once = point({ repeated: false, times_missed: 1, asked: 1, times_not_covered: 1 });
    const covered = point({ repeated: false, outstanding: false, last_status: 'covered', times_missed: 1 });
    expect(pointsToShow([once, point({})]).repeated).toBe(true);
    expect(pointsToShow([once, covered])).toEqual({ repeated: false, points: [once] });
    expect(pointsToShow([point({})], 2).points).toEqual([]);
  });

  it('says how often a point was missed', () => {
    expect(missedText(point({ times_missed: 2, times_partly: 1, asked: 4 }))).toBe('Missed 2×, partly covered 1× in 4 answers');
    expect(missedText(point({ times_missed: 0, times_partly: 1, asked: 1 }))).toBe('Partly covered 1× in 1 answer');
  });
});
