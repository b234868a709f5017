"""Pydantic inputs/outputs shared by workflows, activities and the API.

One model per workflow, activity, signal and update so fields can be added compatibly. Only ids,
keys and short texts travel through Temporal; bytes (audio, resumes) stay in the media store.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

QuestionKind = Literal["core", "resume", "follow_up"]
SessionStatus = Literal["active", "scoring", "scoring_failed", "completed", "abandoned", "ended"]

# Task queues, one per role (see ARCHITECTURE.md); prefixed by Settings.task_queue_prefix.
QUEUE_INTERVIEW = "interview"
QUEUE_TRANSCRIPTION = "transcription"
QUEUE_ML = "ml"
# Follow-up retrieval is on the answer's critical path; on its own queue it never waits behind the
# background scoring that shares the `ml` workers (bench/interview.py measured 12 s queue waits).
QUEUE_RETRIEVAL = "retrieval"
QUEUE_FEEDBACK = "feedback"
ALL_QUEUES = (QUEUE_INTERVIEW, QUEUE_TRANSCRIPTION, QUEUE_ML, QUEUE_RETRIEVAL, QUEUE_FEEDBACK)


class QueuedQuestion(BaseModel):
    id: str  # session_questions.id
    text: str
    kind: QuestionKind
    category: str
    bank_question_id: int | None = None  # for follow-up retrieval (templates hang off bank questions)
    parent_id: str | None = None


class AskedQuestion(BaseModel):
    id: str
    text: str
    kind: QuestionKind
    index: int
    # 2, 3, ...: the candidate chose to answer this question again; scored as a new attempt.
    attempt: int = 1


class TaskQueues(BaseModel):
    interview: str = QUEUE_INTERVIEW
    transcription: str = QUEUE_TRANSCRIPTION
    ml: str = QUEUE_ML
    retrieval: str = QUEUE_RETRIEVAL
    feedback: str = QUEUE_FEEDBACK

    @classmethod
    def with_prefix(cls, prefix: str) -> TaskQueues:
        return cls(**{name: f"{prefix}{name}" for name in cls.model_fields})


class FocusPoint(BaseModel):
    """A listening point the candidate keeps missing; a practice session picks questions for it."""

    point: str
    listen_for: str = ""
    bank_question_id: int | None = None  # the question it was missed on, when it was a bank question
    times_missed: int = 1  # missed or only partly covered, across sessions


class SessionStartInput(BaseModel):
    session_id: str
    user_id: str
    module_id: int
    domain: str
    resume_id: str | None = None
    max_questions: int = 8
    max_followups_per_question: int = 1
    followup_min_similarity: float = 0.40
    # An answer to a follow-up shorter than this (in words) earns one more follow-up; 0 turns that off.
    followup_thin_words: int = 40
    idle_timeout_seconds: int = 3600
    max_answer_chars: int = 20_000
    queues: TaskQueues = Field(default_factory=TaskQueues)
    # Steers which core questions are asked (by similarity); validated and capped by the API.
    job_description: str | None = None
    # A practice session: questions chosen for these weak points (rank_questions_for_focus).
    focus_points: list[FocusPoint] = Field(default_factory=list)
    # After the last question the session waits for "Finish" (workflows/finish_step.py); off for API
    # clients that expect `question: null` to mean the interview is over.
    hold_for_finish: bool = False
    finish_grace_seconds: int = 300


class OpenSessionInput(BaseModel):
    """Sent with update-with-start: returns the first (or, on a double-click, the current) question."""


class SeedSessionInput(BaseModel):
    session_id: str
    module_id: int
    resume_id: str | None = None
    max_questions: int
    # Bank question ids, most similar to the job description first (rank_questions_for_job).
    preferred_question_ids: list[int] = Field(default_factory=list)


class RankForJobInput(BaseModel):
    session_id: str
    module_id: int
    domain: str
    job_description: str


class RankForFocusInput(BaseModel):
    session_id: str
    module_id: int
    points: list[FocusPoint]


class RankForFocusResult(BaseModel):
    question_ids: list[int]  # best exercise for the points first
    scores: list[float] = Field(default_factory=list)


class RankForJobResult(BaseModel):
    question_ids: list[int]  # most similar first
    similarities: list[float] = Field(default_factory=list)


class SeedSessionResult(BaseModel):
    questions: list[QueuedQuestion]


class AnswerInput(BaseModel):
    question_id: str
    text: str | None = None
    audio_key: str | None = None  # media-store key; the workflow transcribes it first
    audio_filename: str | None = None
    # The attempt the client saw; a stale one (the question was re-asked since) is refused.
    attempt: int | None = None


class SkipInput(BaseModel):
    question_id: str


class AnswerAgainInput(BaseModel):
    """Re-ask a question already answered (or skipped) in this session; the next answer to it is
    recorded as a new attempt. The question that was current comes back afterwards."""

    question_id: str


class EndInput(BaseModel):
    reason: Literal["candidate", "staff", "idle"] = "candidate"


class RetryScoringInput(BaseModel):
    requested_by: str = "staff"


class TranscriptOut(BaseModel):
    text: str
    no_speech: bool = False
    duration_s: float = 0.0
    engine: str = ""


class AnswerResult(BaseModel):
    status: SessionStatus
    question: AskedQuestion | None
    response_id: str | None = None
    transcript: TranscriptOut | None = None


class SessionState(BaseModel):
    session_id: str
    status: SessionStatus
    question: AskedQuestion | None
    asked: int
    answered: int
    skipped: int
    max_questions: int
    scored: int = 0
    scoring_errors: list[str] = Field(default_factory=list)
    # Questions that can be answered again (see the workflow's `answer_again` update).
    answered_question_ids: list[str] = Field(default_factory=list)
    skipped_question_ids: list[str] = Field(default_factory=list)
    # The current question is one asked again; skipping it returns to the interrupted question.
    reasking: bool = False
    # Every question is done; the session waits for "Finish" (or answer again) before scoring.
    awaiting_finish: bool = False


class RecordResponseInput(BaseModel):
    session_id: str
    session_question_id: str
    text: str
    source: Literal["text", "audio"] = "text"
    audio_key: str | None = None
    transcript: dict | None = None
    attempt: int = 1


class RecordResponseResult(BaseModel):
    response_id: str


class MarkAskedInput(BaseModel):
    session_id: str
    question: AskedQuestion


class MarkSkippedInput(BaseModel):
    session_id: str
    session_question_id: str


class SetStatusInput(BaseModel):
    session_id: str
    status: SessionStatus
    detail: str | None = None


class FindFollowUpInput(BaseModel):
    session_id: str
    parent: QueuedQuestion
    answer_text: str
    domain: str
    exclude_template_ids: list[int] = Field(default_factory=list)
    min_similarity: float = 0.40


class FindFollowUpResult(BaseModel):
    question: QueuedQuestion | None
    similarity: float | None = None
    template_id: int | None = None
    embed_ms: float = 0.0
    search_ms: float = 0.0
    refine_ms: float = 0.0  # the optional LLM rewrite of the template, bounded by its own timeout
    # How the follow-up was worded: the template as written, tied to a thing the candidate named
    # (offline), or rewritten by the language model.
    worded: Literal["template", "answer_words", "model"] = "template"
    named: str | None = None  # the thing from the answer it names, when worded offline


class TranscribeInput(BaseModel):
    session_id: str
    audio_key: str


class PartialTranscriptStart(BaseModel):
    """Input of PartialTranscriptWorkflow: live transcription of one recording while it goes on."""

    session_id: str
    recording_id: str
    chunk_dir: str  # media-store prefix holding 00000.webm, 00001.webm, ...
    transcription_queue: str = QUEUE_TRANSCRIPTION
    interview_queue: str = QUEUE_INTERVIEW
    first_chunk: int = 0


class PartialChunkSignal(BaseModel):
    chunk_index: int  # chunks 0..chunk_index are stored


class TranscribePartialInput(BaseModel):
    session_id: str
    recording_id: str
    chunk_dir: str
    upto_chunk: int
    # Speech before this second is already settled in `committed_text`; only the rest is decoded.
    committed_until_s: float = 0.0
    committed_text: str = ""


class TranscribePartialResult(BaseModel):
    text: str  # the settled part plus the tail just heard
    committed_text: str
    committed_until_s: float
    audio_s: float
    decode_ms: float
    transcribe_ms: float


class DropPartialInput(BaseModel):
    chunk_dir: str


class TranscribeResult(BaseModel):
    text: str
    words: list[dict]
    duration_s: float
    no_speech: bool
    engine: str
    delivery: dict | None = None
    # Speech accounting: seconds VAD heard as speech vs seconds recognised words cover.
    speech_s: float | None = None
    speech_covered_s: float | None = None
    # Noise-like words the engine left out of the text, kept with the transcript (not dropped).
    doubtful_words: list[dict] = []


class ScoreAnswerInput(BaseModel):
    session_id: str
    response_id: str


class ScoreAnswerResult(BaseModel):
    response_id: str
    overall: float


class FinalizeSessionInput(BaseModel):
    session_id: str


class FinalizeSessionResult(BaseModel):
    overall: float | None
    percentile: float | None
    answered: int


class WriteFeedbackInput(BaseModel):
    session_id: str


class ParseResumeInput(BaseModel):
    resume_id: str
    queues: TaskQueues = Field(default_factory=TaskQueues)


class ParseResumeResult(BaseModel):
    status: Literal["parsed", "failed"]
    error: str | None = None


class SyncQuestionInput(BaseModel):
    question_id: int
    queues: TaskQueues = Field(default_factory=TaskQueues)


class SyncQuestionResult(BaseModel):
    upserted: int


class ScorePreviewInput(BaseModel):
    """Score an answer to a bank question exactly as a session would, without a session."""

    question_id: int
    answer: str
