import type { QuestionKind, SessionStatus } from '../api/types';

export function wordCount(text: string): number {
  const trimmed = text.trim();
  if (!trimmed) return 0;
  return trimmed.split(/\s+/u).length;
}

/** "0:07", "2:05", "1:02:03" */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || Number.isNaN(score)) return '—';
  return String(Math.round(score));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export type Tone = 'good' | 'ok' | 'weak';

/** Colour band for a 0-100 score; the thresholds match the feedback wording ("strong" ≥ 75). */
export function scoreTone(score: number | null | undefined): Tone {
  if (score === null || score === undefined) return 'weak';
  if (score >= 75) return 'good';
  if (score >= 50) return 'ok';
  return 'weak';
}

export function ordinal(n: number): string {
  const v = Math.round(n);
  const mod100 = v % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${v}th`;
  switch (v % 10) {
    case 1:
      return `${v}st`;
    case 2:
      return `${v}nd`;
    case 3:
      return `${v}rd`;
    default:
      return `${v}th`;
  }
}

export function kindLabel(kind: QuestionKind): string {
  switch (kind) {
    case 'core':
      return 'Core';
    case 'resume':
      return 'From your resume';
    case 'follow_up':
      return 'Follow-up';
    default:
      return kind.replace(/_/g, ' ');
  }
}

const STATUS_LABELS: Record<string, string> = {
  active: 'In progress',
  scoring: 'Scoring',
  scoring_failed: 'Scoring delayed',
  completed: 'Completed',
  abandoned: 'Abandoned',
  ended: 'Ended early',
};

export function statusLabel(status: SessionStatus): string {
  return STATUS_LABELS[status] ?? status.replace(/_/g, ' ');
}

const DIMENSION_LABELS: Record<string, string> = {
  relevance: 'Relevance',
  ideal_similarity: 'Closeness to ideal',
  coverage: 'Key-point coverage',
  structure: 'Structure',
  specificity: 'Specificity',
  length: 'Length',
};

export function dimensionLabel(name: string): string {
  return DIMENSION_LABELS[name] ?? name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function hasRole(roles: readonly string[] | undefined, ...wanted: string[]): boolean {
  return !!roles && roles.some((r) => wanted.includes(r));
}

export function initials(name: string | null | undefined, fallback = '?'): string {
  const parts = (name ?? '').trim().split(/\s+/u).filter(Boolean);
  if (parts.length === 0) return fallback;
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}
