import { describe, expect, it } from 'vitest';
import { bandScale, deliveryBands, timelineLength, timelineMarks, verdictText } from './delivery';
import type { Delivery } from '../api/types';

const delivery: Delivery = {
  wpm: 172,
  fillers_per_min: 3.1,
  filler_count: 2,
  fillers: [
    { word: 'um', start: 3.2 },
    { word: 'like', start: 22.5 },
  ],
  long_pauses: [{ start: 10.1, end: 12.9, duration: 2.8 }],
  hedges: [{ phrase: 'I think', start: 1.0 }],
  speaking_time_s: 30,
  silence_s: 8,
};

describe('timelineMarks', () => {
  it('merges fillers, hedges and pauses in time order', () => {
    const marks = timelineMarks(delivery);
    expect(marks.map((m) => [m.kind, m.start])).toEqual([
      ['hedge', 1.0],
      ['filler', 3.2],
      ['pause', 10.1],
      ['filler', 22.5],
    ]);
    expect(marks[2]?.label).toBe('2.8 s pause');
  });

  it('uses the recording length, or the last event when that is longer', () => {
    expect(timelineLength(delivery)).toBe(38);
    expect(timelineLength({ ...delivery, speaking_time_s: 5, silence_s: 1 })).toBe(22.5);
    expect(timelineLength({ wpm: 0, fillers_per_min: 0 })).toBe(1);
  });
});

describe('bandScale', () => {
  it('places the target band inside the gauge and the value on it', () => {
    const s = bandScale({ value: 142, target_low: 120, target_high: 160, verdict: 'ok' });
    expect(s.low).toBeGreaterThan(0);
    expect(s.high).toBeLessThan(100);
    expect(s.value).toBeGreaterThan(s.low);
    expect(s.value).toBeLessThan(s.high);
  });
  it('stretches to show an out-of-band value', () => {
    const s = bandScale({ value: 260, target_low: 120, target_high: 160, verdict: 'high' });
    expect(s.value).toBe(100);
    expect(s.high).toBeLessThan(100);
  });
});

describe('deliveryBands', () => {
  it('derives verdicts when the server sent none', () => {
    const bands = deliveryBands(delivery);
    expect(bands.wpm?.verdict).toBe('high');
    expect(bands.fillers_per_min?.verdict).toBe('high');
    expect(verdictText('wpm', 'high')).toBe('Too fast');
    expect(verdictText('wpm', 'ok')).toBe('On target');
  });
});
