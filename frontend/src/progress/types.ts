// Shapes of GET /api/me/progress (api/routes/me.py, talentsync/progress.py).
import type { ModuleRef, SessionStatus } from '../api/types';

export interface ProgressSession {
  session_id: string;
  created_at: string;
  status: SessionStatus;
  module: ModuleRef & { slug?: string };
  overall: number | null;
  dimensions: Record<string, number | null>;
  answered: number;
  voice_answers: number;
}

export interface SeriesPoint {
  session_id: string;
  created_at: string;
  overall: number | null;
  dimensions: Record<string, number | null>;
}

export interface ModuleProgress {
  module: ModuleRef & { slug?: string };
  sessions: number;
  first: number | null;
  latest: number | null;
  best: number | null;
  change: number | null;
  outstanding_points: number;
  series: SeriesPoint[];
}

export interface MissedPoint {
  point: string;
  listen_for: string;
  question: { text: string; bank_question_id: number | null; percentile_key: string };
  module: ModuleRef;
  asked: number;
  times_missed: number;
  times_partly: number;
  times_not_covered: number;
  repeated: boolean;
  last_status: 'covered' | 'partly' | 'missed' | string;
  last_seen: string | null;
  outstanding: boolean;
}

export interface DeliveryPoint {
  session_id: string;
  created_at: string;
  module: ModuleRef;
  answers: number;
  wpm: number | null;
  fillers_per_min: number | null;
  long_pauses: number;
  long_pauses_per_min: number | null;
}

export interface Progress {
  sessions: ProgressSession[];
  modules: ModuleProgress[];
  missed_points: MissedPoint[];
  delivery: {
    answers: number;
    series: DeliveryPoint[];
    targets: Record<string, { low: number; high: number }>;
  };
}
