"""Fake activities for InterviewSessionWorkflow, registered under the real activity names.

The workflow refers to its activities by name only, so these stand in for the database, ML and LLM
code while the workflow itself, the Temporal server and the pydantic data converter are all real.
Every call is recorded, so tests can count side effects (e.g. `record_response` ran once).

Shared by the workflow tests and `scripts/record_histories.py`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from talentsync.contracts import (
    FinalizeSessionInput,
    FinalizeSessionResult,
    FindFollowUpInput,
    FindFollowUpResult,
    MarkAskedInput,
    MarkSkippedInput,
    QueuedQuestion,
    RankForJobInput,
    RankForJobResult,
    RecordResponseInput,
    RecordResponseResult,
    ScoreAnswerInput,
    ScoreAnswerResult,
    SeedSessionInput,
    SeedSessionResult,
    SessionStartInput,
    SetStatusInput,
    TaskQueues,
    TranscribeInput,
    TranscribeResult,
    WriteFeedbackInput,
)
from workflows.interview_session import InterviewSessionWorkflow


def core_questions(session_id: str, n: int) -> list[QueuedQuestion]:
    sid = uuid.UUID(session_id)
    return [
        QueuedQuestion(
            id=str(uuid.uuid5(sid, f"core:{i}")),
            text=f"Core question {i}?",
            kind="core",
            category="general",
            bank_question_id=100 + i,
        )
        for i in range(n)
    ]


def start_input(prefix: str, **overrides: Any) -> SessionStartInput:
    values: dict[str, Any] = {
        "session_id": str(uuid.uuid4()),
        "user_id": str(uuid.uuid4()),
        "module_id": 1,
        "domain": "general",
        "max_questions": 3,
        "max_followups_per_question": 1,
        "followup_thin_words": 0,  # tests that want a second follow-up for a thin answer set it
        "queues": TaskQueues.with_prefix(prefix),
    }
    values.update(overrides)
    return SessionStartInput(**values)


class FakeActivities:
    """Scriptable stand-ins; flip the public attributes between calls to change behaviour."""

    def __init__(self, n_questions: int = 3) -> None:
        self.n_questions = n_questions
        self.calls: defaultdict[str, list[Any]] = defaultdict(list)
        self.follow_ups = False  # find_follow_up returns a follow-up for every core question
        self.score_error: str | None = None  # score_answer raises this message while set
        self.score_non_retryable = False
        self.report_error: str | None = None  # finalize_session raises this message while set
        self.score_gate: asyncio.Event | None = None  # score_answer waits for it when set
        self.status_gate: dict[str, asyncio.Event] = {}  # set_session_status(status) waits for it
        self.transcript_text = "I transcribed this answer."

    def statuses(self) -> list[str]:
        return [c.status for c in self.calls["set_session_status"]]

    @activity.defn(name="seed_session")
    async def seed_session(self, inp: SeedSessionInput) -> SeedSessionResult:
        self.calls["seed_session"].append(inp)
        return SeedSessionResult(questions=core_questions(inp.session_id, self.n_questions)[: inp.max_questions])

    @activity.defn(name="record_response")
    async def record_response(self, inp: RecordResponseInput) -> RecordResponseResult:
        self.calls["record_response"].append(inp)
        rid = uuid.uuid5(uuid.UUID(inp.session_id), f"response:{inp.session_question_id}:{inp.attempt}")
        return RecordResponseResult(response_id=str(rid))

    @activity.defn(name="mark_asked")
    async def mark_asked(self, inp: MarkAskedInput) -> None:
        self.calls["mark_asked"].append(inp)

    @activity.defn(name="mark_skipped")
    async def mark_skipped(self, inp: MarkSkippedInput) -> None:
        self.calls["mark_skipped"].append(inp)

    @activity.defn(name="set_session_status")
    async def set_session_status(self, inp: SetStatusInput) -> None:
        self.calls["set_session_status"].append(inp)
        gate = self.status_gate.get(inp.status)
        if gate is not None:
            await gate.wait()

    @activity.defn(name="find_follow_up")
    async def find_follow_up(self, inp: FindFollowUpInput) -> FindFollowUpResult:
        self.calls["find_follow_up"].append(inp)
        parent = inp.parent
        if not self.follow_ups or parent.bank_question_id is None:
            return FindFollowUpResult(question=None)
        # Templates of a parent are numbered bank id * 10 + n; the n-th follow-up to it uses the n-th.
        template_id = parent.bank_question_id * 10
        template_id += sum(1 for t in inp.exclude_template_ids if t // 10 == parent.bank_question_id)
        fu = QueuedQuestion(
            id=str(uuid.uuid5(uuid.UUID(inp.session_id), f"fu:{template_id}:{parent.id}")),
            text=f"Tell me more about {parent.text}",
            kind="follow_up",
            category=parent.category,
            parent_id=parent.id,
        )
        return FindFollowUpResult(question=fu, similarity=0.8, template_id=template_id)

    @activity.defn(name="rank_questions_for_job")
    async def rank_questions_for_job(self, inp: RankForJobInput) -> RankForJobResult:
        self.calls["rank_questions_for_job"].append(inp)
        return RankForJobResult(question_ids=[102, 100])

    @activity.defn(name="transcribe_audio")
    async def transcribe_audio(self, inp: TranscribeInput) -> TranscribeResult:
        self.calls["transcribe_audio"].append(inp)
        text = self.transcript_text
        return TranscribeResult(text=text, words=[], duration_s=3.0, no_speech=not text.strip(), engine="fake")

    @activity.defn(name="score_answer")
    async def score_answer(self, inp: ScoreAnswerInput) -> ScoreAnswerResult:
        self.calls["score_answer"].append(inp)
        if self.score_gate is not None:
            await self.score_gate.wait()
        if self.score_error is not None:
            raise ApplicationError(self.score_error, non_retryable=self.score_non_retryable)
        return ScoreAnswerResult(response_id=inp.response_id, overall=72.5)

    @activity.defn(name="finalize_session")
    async def finalize_session(self, inp: FinalizeSessionInput) -> FinalizeSessionResult:
        self.calls["finalize_session"].append(inp)
        if self.report_error is not None:
            raise ApplicationError(self.report_error, non_retryable=True)
        return FinalizeSessionResult(overall=72.5, percentile=50.0, answered=len(self.calls["record_response"]))

    @activity.defn(name="write_feedback")
    async def write_feedback(self, inp: WriteFeedbackInput) -> None:
        self.calls["write_feedback"].append(inp)


@asynccontextmanager
async def session_workers(client: Client, fakes: FakeActivities, queues: TaskQueues) -> AsyncIterator[None]:
    """One worker per task queue, as worker.py lays them out (local activities sit with the workflow)."""
    async with AsyncExitStack() as stack:
        for worker in (
            Worker(
                client,
                task_queue=queues.interview,
                workflows=[InterviewSessionWorkflow],
                activities=[
                    fakes.seed_session,
                    fakes.record_response,
                    fakes.mark_asked,
                    fakes.mark_skipped,
                    fakes.set_session_status,
                ],
            ),
            Worker(
                client,
                task_queue=queues.ml,
                activities=[fakes.score_answer, fakes.finalize_session],
            ),
            Worker(
                client, task_queue=queues.retrieval, activities=[fakes.find_follow_up, fakes.rank_questions_for_job]
            ),
            Worker(client, task_queue=queues.feedback, activities=[fakes.write_feedback]),
            Worker(client, task_queue=queues.transcription, activities=[fakes.transcribe_audio]),
        ):
            await stack.enter_async_context(worker)
        yield
