import type { MissedPoint, ModuleProgress, SeriesPoint } from './types';

export const DIMENSION_ORDER = ['relevance', 'ideal_similarity', 'coverage', 'structure', 'specificity', 'length'];

export interface ChartRow {
  n: number;
  label: string;
  date: string;
  session_id: string;
  [metric: string]: number | string | null;
}

/** One row per session, oldest first, numbered so same-day sessions stay apart on the x axis. */
export function seriesRows(series: SeriesPoint[]): ChartRow[] {
  return series.map((s, i) => {
    const row: ChartRow = { n: i + 1, label: `#${i + 1}`, date: s.created_at, session_id: s.session_id, overall: s.overall };
    for (const [name, value] of Object.entries(s.dimensions ?? {})) row[name] = value;
    return row;
  });
}

/** Dimensions present in any session of the series, in the report's order. */
export function dimensionsOf(series: SeriesPoint[]): string[] {
  const seen = new Set<string>();
  for (const s of series) for (const k of Object.keys(s.dimensions ?? {})) seen.add(k);
  const known = DIMENSION_ORDER.filter((d) => seen.has(d));
  return [...known, ...[...seen].filter((d) => !DIMENSION_ORDER.includes(d)).sort()];
}

/** First-to-latest change of one metric over the series, or null with fewer than two values. */
export function change(series: SeriesPoint[], metric: string): number | null {
  const values = series
    .map((s) => (metric === 'overall' ? s.overall : s.dimensions?.[metric]))
    .filter((v): v is number => typeof v === 'number');
  if (values.length < 2) return null;
  return Math.round((values[values.length - 1]! - values[0]!) * 10) / 10;
}

export function changeText(delta: number | null, compact = false): string {
  if (delta === null) return 'one session so far';
  if (Math.abs(delta) < 0.5) return compact ? 'no change yet' : 'no change since your first session';
  return `${delta > 0 ? '+' : '−'}${Math.abs(Math.round(delta))} since ${compact ? 'the first' : 'your first session'}`;
}

/** The points to show first: missed in two or more answers; if none yet, those still outstanding. */
export function pointsToShow(points: MissedPoint[], moduleId?: number): { repeated: boolean; points: MissedPoint[] } {
  const inModule = moduleId === undefined ? points : points.filter((p) => p.module.id === moduleId);
  const repeated = inModule.filter((p) => p.repeated);
  if (repeated.length > 0) return { repeated: true, points: repeated };
  return { repeated: false, points: inModule.filter((p) => p.outstanding) };
}

export function missedText(p: MissedPoint): string {
  const parts: string[] = [];
  if (p.times_missed > 0) parts.push(`missed ${p.times_missed}×`);
  if (p.times_partly > 0) parts.push(`partly covered ${p.times_partly}×`);
  const told = parts.join(', ');
  return `${told.charAt(0).toUpperCase()}${told.slice(1)} in ${p.asked} answer${p.asked === 1 ? '' : 's'}`;
}

/** The module to show first: the one practised most recently (the API sorts them that way). */
export function defaultModule(modules: ModuleProgress[]): ModuleProgress | undefined {
  return modules[0];
}
