// Shapes of the staff console and employer pipeline endpoints (api/routes/admin.py,
// api/routes/bank_sync.py, api/routes/pipelines.py).
import type { ModuleRef, SessionStatus } from './types';

export interface StaffSessionRow {
  id: string;
  workflow_id: string;
  status: SessionStatus;
  user_id: string;
  user_email: string;
  user_is_test: boolean;
  module: ModuleRef;
  created_at: string;
  ended_at: string | null;
  overall_score: number | null;
  answered: number;
  max_questions: number;
}

export interface TimelineAnswer {
  id: string;
  attempt: number;
  source: string;
  at: string;
  text: string;
  words: number;
  score: { overall: number; scorer_version: string; flags: string[]; at: string } | null;
}

export interface TimelineQuestion {
  id: string;
  index: number | null;
  kind: string;
  text: string;
  status: string;
  answers: TimelineAnswer[];
}

export interface TimelineEvent {
  at: string | null;
  kind: 'started' | 'answer' | 'score' | 'ended' | 'ranked' | 'report' | 'status' | string;
  text: string;
}

export interface SessionTimeline {
  session: {
    id: string;
    workflow_id: string;
    status: SessionStatus;
    created_at: string;
    ended_at: string | null;
    overall_score: number | null;
    max_questions: number;
    module: ModuleRef;
    user: { id: string; email: string; full_name: string; is_test: boolean };
    pipeline: { id: string; name: string } | null;
    has_report: boolean;
  };
  questions: TimelineQuestion[];
  events: TimelineEvent[];
  temporal: { namespace: string; workflow_id: string };
}

export interface RetryAllResult {
  signalled: string[];
  failed: { workflow_id: string; error: string }[];
  remaining: number;
}

export type SyncState = 'synced' | 'stale' | 'missing' | 'syncing' | 'failed' | 'unknown';

export interface QuestionSync {
  question_id: number;
  updated_at: string | null;
  state: SyncState;
  vectors: { expected: number; missing: string[]; outdated: string[] } | null;
  last_sync: { workflow_id: string; status: string; started_at: string; closed_at: string | null } | null;
}

export interface SyncStatus {
  module_id: number;
  vector_store: string;
  vectors_checked: boolean;
  temporal_error: string | null;
  questions: QuestionSync[];
}

export interface Pipeline {
  id: string;
  name: string;
  module: ModuleRef;
  invite_code: string;
  created_at: string;
  candidate_count?: number;
}

export interface PipelineSession {
  id: string;
  status: SessionStatus;
  overall_score: number | null;
  percentile: number | null;
  has_report: boolean;
  report_url: string | null;
  created_at: string;
}

export interface RankedCandidate {
  rank: number | null;
  candidate: { id: string; full_name: string; email: string };
  joined_at: string;
  best_score: number | null;
  best_percentile: number | null;
  best_session_id: string | null;
  sessions: PipelineSession[];
}

export interface JoinedPipeline {
  id: string;
  name: string;
  module: ModuleRef;
  recruiter: { full_name: string };
  joined_at: string;
  shared_sessions: { id: string; status: SessionStatus; overall_score: number | null; created_at: string }[];
}
