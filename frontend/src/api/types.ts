// Shapes of the TalentSync HTTP API (see shared/API.md). Fields the UI does not rely on are
// optional so that a backend adding or omitting extras does not break rendering.

export type Role = 'candidate' | 'recruiter' | 'staff' | 'admin' | string;

export interface User {
  id: string | number;
  email: string;
  full_name: string;
  roles: Role[];
}

export interface Module {
  id: number;
  slug: string;
  name: string;
  domain: string;
  description: string;
  question_count: number;
}

export type QuestionKind = 'core' | 'resume' | 'follow_up' | string;

export interface Question {
  id: string;
  text: string;
  kind: QuestionKind;
  index: number;
}

export type SessionStatus =
  | 'active'
  | 'scoring'
  | 'scoring_failed'
  | 'completed'
  | 'abandoned'
  | 'ended'
  | string;

export interface ModuleRef {
  id: number;
  name: string;
}

export interface SessionCreated {
  id: string;
  status: SessionStatus;
  question: Question | null;
}

export interface SessionState {
  id: string;
  status: SessionStatus;
  module: ModuleRef;
  question: Question | null;
  asked: number;
  answered: number;
  max_questions: number;
  /** The last question is done; the session waits for "Finish" (sessions started with finish_step). */
  awaiting_finish?: boolean;
}

export interface AnswerResult {
  status: SessionStatus;
  question: Question | null;
}

export interface AudioAnswerResult extends AnswerResult {
  transcript: { text: string } | null;
}

export interface SessionSummary {
  id: string;
  module: ModuleRef;
  status: SessionStatus;
  created_at: string;
  overall_score: number | null;
  answered: number;
}

export interface ReportPending {
  status: SessionStatus;
  detail: string;
}

export interface DimensionScore {
  name: string;
  score: number;
  weight: number;
  explanation: string;
}

export interface KeyPoint {
  point: string;
  covered: boolean;
  similarity: number;
  evidence: string | null;
  /** covered: clear evidence; partly: touched on, vague or hedged; missed: nothing came near. */
  status?: 'covered' | 'partly' | 'missed';
  /** What evidence an interviewer listens for. */
  listen_for?: string;
  /** Why evidence was not counted in full: negated, hedged. */
  note?: string | null;
}

export interface AnswerScore {
  overall: number;
  dimensions: Record<string, DimensionScore>;
  key_points: KeyPoint[];
  word_count: number;
  scorer_version: string;
  flags: string[];
  seems_to_answer?: string | null;
  /** Points taken off the weighted sum of the dimensions for padding (0 when none). */
  padding_cost?: number;
}

export interface TimedWord {
  word: string;
  start: number;
}

export interface TimedPhrase {
  phrase: string;
  start: number;
}

export interface Pause {
  start: number;
  end: number;
  duration: number;
}

export interface Band {
  value: number;
  target_low: number;
  target_high: number;
  verdict: 'low' | 'ok' | 'high' | string;
}

export interface Delivery {
  wpm: number;
  fillers_per_min: number;
  filler_count?: number;
  fillers?: TimedWord[];
  long_pauses?: Pause[];
  speaking_time_s?: number;
  silence_s?: number;
  hedges?: TimedPhrase[];
  bands?: Record<string, Band>;
}

export interface Feedback {
  strengths: string[];
  improvements: string[];
  stronger_answer_outline: string[];
}

export interface ReportAnswer {
  question: Question;
  answer: string | null;
  transcript: string | { text: string } | null;
  scores: {
    overall: number;
    dimensions: Record<string, DimensionScore>;
    key_points: KeyPoint[];
    word_count: number;
    flags?: string[];
    seems_to_answer?: string | null;
    scorer_version?: string;
    padding_cost?: number;
  } | null;
  percentile: number | null;
  percentile_population?: number;
  percentile_min_population?: number;
  delivery: Delivery | null;
  audio_url: string | null;
  feedback: Feedback | null;
  skipped?: boolean;
  source?: 'text' | 'audio' | string;
}

export interface Report {
  session_id: string;
  module: ModuleRef;
  status: SessionStatus;
  created_at: string;
  overall: {
    score: number;
    percentile: number | null;
    population?: number;
    min_population?: number;
    dimensions: Record<string, number>;
  };
  answers: ReportAnswer[];
  summary: string;
  focus_areas: string[];
}

export interface ResumeSummary {
  id: string;
  filename: string;
  status: 'processing' | 'parsed' | 'failed' | string;
  created_at: string;
}

/** Where an extracted item came from: its first line in the extracted text, and that text. */
export interface ResumeSource {
  line: number;
  text?: string;
}

export interface ResumeProject {
  name: string;
  description?: string;
  technologies?: string[];
  bullets?: string[];
  link?: string | null;
  source?: ResumeSource | null;
}

export interface ResumeRole {
  title: string;
  employer: string;
  start?: string | null;
  end?: string | null;
  location?: string | null;
  bullets?: string[];
  source?: ResumeSource | null;
}

export interface ResumeAchievement {
  text: string;
  employer?: string | null;
  numbers?: string[];
  source?: ResumeSource | null;
}

export interface ResumeEducation {
  institution?: string | null;
  degree?: string | null;
  start?: string | null;
  end?: string | null;
  details?: string[];
  raw?: string;
  source?: ResumeSource | null;
}

export interface ParsedResume {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  summary?: string | null;
  skills: string[];
  roles: ResumeRole[];
  achievements: ResumeAchievement[];
  education: ResumeEducation[];
  projects?: ResumeProject[];
  certifications?: string[];
  publications?: string[];
  /** Source lines of plain-string items, by list and item text: sources.certifications["CKA"]. */
  sources?: Record<string, Record<string, ResumeSource>>;
  [extra: string]: unknown;
}

export interface ResumeDetail {
  id: string;
  filename?: string;
  status: 'processing' | 'parsed' | 'failed' | string;
  parsed: ParsedResume | null;
  error: string | null;
}

export interface AdminSession {
  id: string;
  workflow_id: string;
  status: SessionStatus;
  user_email: string;
  module: ModuleRef | string;
  created_at: string;
}

export interface EventMessage {
  type: 'question' | 'transcribing' | 'transcript' | 'scoring' | 'report_ready' | 'status' | string;
  data: unknown;
}

export interface ListeningPoint {
  point: string;
  listen_for: string;
  examples: string[];
}

export interface BankQuestion {
  id: number;
  module_id: number;
  slug: string;
  text: string;
  category: string;
  difficulty: number;
  ideal_answer?: string | null;
  reference_answers?: string[] | null;
  paraphrases?: string[] | null;
  key_points?: ListeningPoint[] | null;
  keywords?: string[] | null;
}
