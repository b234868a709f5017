import { describe, expect, it } from 'vitest';
import { formatClock, ordinal, scoreTone, wordCount, kindLabel, initials, dimensionLabel } from './format';
import { formatDetail } from '../api/client';

describe('wordCount', () => {
  it('counts words separated by any whitespace', () => {
    expect(wordCount('')).toBe(0);
    expect(wordCount('   \n ')).toBe(0);
    expect(wordCount('I led the\tmigration\n to Postgres.')).toBe(6);
  });
});

describe('formatClock', () => {
  it('pads seconds and adds hours only when needed', () => {
    expect(formatClock(7.9)).toBe('0:07');
    expect(formatClock(125)).toBe('2:05');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatClock(-3)).toBe('0:00');
  });
});

describe('ordinal', () => {
  it('handles the teen exceptions', () => {
    expect(['1', '2', '3', '4', '11', '12', '13', '21', '22', '63', '111'].map((n) => ordinal(Number(n)))).toEqual([
      '1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '63rd', '111th',
    ]);
  });
});

describe('scoreTone', () => {
  it('bands scores', () => {
    expect(scoreTone(80)).toBe('good');
    expect(scoreTone(75)).toBe('good');
    expect(scoreTone(60)).toBe('ok');
    expect(scoreTone(10)).toBe('weak');
    expect(scoreTone(null)).toBe('weak');
  });
});

describe('labels', () => {
  it('names question kinds and dimensions for people', () => {
    expect(kindLabel('resume')).toBe('From your resume');
    expect(kindLabel('follow_up')).toBe('Follow-up');
    expect(dimensionLabel('ideal_similarity')).toBe('Closeness to ideal');
    expect(dimensionLabel('star_method')).toBe('Star method');
    expect(initials('Ada  Lovelace')).toBe('AL');
    expect(initials('')).toBe('?');
  });
});

describe('formatDetail', () => {
  it('passes a string detail through', () => {
    expect(formatDetail('email already registered', 409)).toBe('email already registered');
  });
  it('joins FastAPI validation errors without the body prefix', () => {
    const detail = [
      { loc: ['body', 'password'], msg: 'Value error, password must be at least 10 characters', type: 'value_error' },
      { loc: ['body', 'email'], msg: 'value is not a valid email address', type: 'value_error' },
    ];
    expect(formatDetail(detail, 422)).toBe(
      'password: password must be at least 10 characters; email: value is not a valid email address',
    );
  });
  it('falls back to a status message', () => {
    expect(formatDetail(null, 413)).toBe('The file is too large.');
    expect(formatDetail(undefined, 418)).toBe('Request failed (418).');
  });
});
