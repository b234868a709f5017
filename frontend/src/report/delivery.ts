import type { Band, Delivery } from '../api/types';

export interface TimelineMark {
  kind: 'filler' | 'hedge' | 'pause';
  start: number;
  end?: number;
  label: string;
}

/** Every timed event of a spoken answer, ordered by time, for the delivery timeline. */
export function timelineMarks(d: Delivery): TimelineMark[] {
  const marks: TimelineMark[] = [
    ...(d.fillers ?? []).map((f) => ({ kind: 'filler' as const, start: f.start, label: `“${f.word}”` })),
    ...(d.hedges ?? []).map((h) => ({ kind: 'hedge' as const, start: h.start, label: `“${h.phrase}”` })),
    ...(d.long_pauses ?? []).map((p) => ({
      kind: 'pause' as const,
      start: p.start,
      end: p.end,
      label: `${p.duration.toFixed(1)} s pause`,
    })),
  ];
  return marks.sort((a, b) => a.start - b.start);
}

/** Length of the timeline: the recording's length when known, else the last event. */
export function timelineLength(d: Delivery): number {
  const total = (d.speaking_time_s ?? 0) + (d.silence_s ?? 0);
  const lastEvent = Math.max(0, ...timelineMarks(d).map((m) => m.end ?? m.start));
  return Math.max(total, lastEvent, 1);
}

export interface BandScale {
  min: number;
  max: number;
  /** Positions as 0..100 percentages along the gauge. */
  low: number;
  high: number;
  value: number;
}

/** Lays a value and its target band on a gauge with some room either side of the band. */
export function bandScale(band: Band): BandScale {
  const span = Math.max(band.target_high - band.target_low, 1);
  const min = Math.max(0, Math.min(band.value, band.target_low - span * 0.75));
  const max = Math.max(band.value, band.target_high + span * 0.75);
  const pos = (v: number) => ((v - min) / (max - min || 1)) * 100;
  return { min, max, low: pos(band.target_low), high: pos(band.target_high), value: Math.min(100, Math.max(0, pos(band.value))) };
}

export function verdictText(metric: string, verdict: string): string {
  if (verdict === 'ok') return 'On target';
  if (metric === 'wpm') return verdict === 'high' ? 'Too fast' : 'Too slow';
  if (metric === 'fillers_per_min') return verdict === 'high' ? 'Too many fillers' : 'Good';
  if (metric === 'hedges_per_min') return verdict === 'high' ? 'Too much hedging' : 'Good';
  if (metric === 'long_pauses_per_min') return verdict === 'high' ? 'Too many pauses' : 'Good';
  return verdict === 'high' ? 'Above target' : 'Below target';
}

/** Bands from the server, or the defaults it documents when an older report has none. */
export function deliveryBands(d: Delivery): Record<string, Band> {
  if (d.bands && Object.keys(d.bands).length > 0) return d.bands;
  const verdict = (v: number, lo: number, hi: number) => (v < lo ? 'low' : v > hi ? 'high' : 'ok');
  return {
    wpm: { value: d.wpm, target_low: 120, target_high: 160, verdict: verdict(d.wpm, 120, 160) },
    fillers_per_min: { value: d.fillers_per_min, target_low: 0, target_high: 2, verdict: verdict(d.fillers_per_min, 0, 2) },
  };
}
