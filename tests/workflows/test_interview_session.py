"""InterviewSessionWorkflow on Temporal's time-skipping test server, with fake activities.

The workflow, server, SDK and data converter are real; the activities are fakes registered under the
real names (tests/workflows/fakes.py), so each test controls failures and counts side effects.
An hour-long idle timer or a minute of scoring back-off takes milliseconds here.

Time moves through `env.sleep()`. (On this test server, awaiting `handle.result()` after an
`env.sleep()` no longer skips time — it waits for the timer in real time — so every test that sleeps
sleeps past its timers first and only then awaits the result.)
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from temporalio.client import WithStartWorkflowOperation, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from talentsync.contracts import (
    AnswerInput,
    AnswerResult,
    EndInput,
    OpenSessionInput,
    RetryScoringInput,
    SessionStartInput,
    SessionState,
    SkipInput,
)
from tests.workflows.fakes import FakeActivities, core_questions, session_workers, start_input
from workflows.interview_session import INTERVIEW_STATUS, InterviewSessionWorkflow

Handle = WorkflowHandle[Any, SessionState]


@asynccontextmanager
async def open_session(
    env: WorkflowEnvironment, fakes: FakeActivities, task_timeout: timedelta | None = None, **overrides: Any
) -> AsyncIterator[tuple[Handle, AnswerResult, SessionStartInput]]:
    """Workers on fresh task queues, then the API's update-with-start: the first question comes back."""
    inp = start_input(f"t{uuid.uuid4().hex[:10]}-", **overrides)
    async with session_workers(env.client, fakes, inp.queues):
        start = WithStartWorkflowOperation(
            InterviewSessionWorkflow.run,
            inp,
            id=f"session-{inp.session_id}",
            task_queue=inp.queues.interview,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_timeout=task_timeout,
            search_attributes=TypedSearchAttributes([SearchAttributePair(INTERVIEW_STATUS, "active")]),
        )
        opened = await env.client.execute_update_with_start_workflow(
            InterviewSessionWorkflow.open, OpenSessionInput(), start_workflow_operation=start
        )
        handle = await start.workflow_handle()
        yield handle, opened, inp


async def answer(handle: Handle, question_id: str, text: str = "A concrete answer.", **kw: Any) -> AnswerResult:
    return await handle.execute_update(
        InterviewSessionWorkflow.answer, AnswerInput(question_id=question_id, text=text), **kw
    )


async def state(handle: Handle) -> SessionState:
    return await handle.query(InterviewSessionWorkflow.get_state)


async def wait_for(predicate: Any, within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


def rejection(err: pytest.ExceptionInfo[WorkflowUpdateFailedError]) -> str | None:
    cause = err.value.cause
    assert isinstance(cause, ApplicationError), cause
    return cause.type


# ---------------------------------------------------------------------------------------------- idle


async def test_idle_session_without_answers_is_abandoned(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes, idle_timeout_seconds=3600) as (handle, opened, _):
        assert opened.status == "active" and opened.question is not None
        # Just short of the timeout the session is still waiting for the candidate; just past it, not.
        await env.sleep(3500)
        assert (await state(handle)).status == "active"
        await env.sleep(200)
        final = await handle.result()
    assert final.status == "abandoned" and final.answered == 0
    assert fakes.statuses() == ["abandoned"]
    assert not fakes.calls["score_answer"] and not fakes.calls["write_feedback"]


async def test_idle_after_one_answer_scores_and_writes_feedback(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes, idle_timeout_seconds=3600) as (handle, opened, _):
        assert opened.question is not None
        await env.sleep(3000)
        nxt = await answer(handle, opened.question.id)
        assert nxt.status == "active" and nxt.question is not None and nxt.question.index == 1
        # The answer restarted the idle timer: 3000 s after it the session is still open.
        await env.sleep(3000)
        assert (await state(handle)).status == "active"
        await env.sleep(700)
        final = await handle.result()
    assert final.status == "abandoned" and final.answered == 1 and final.scored == 1
    assert fakes.statuses() == ["scoring", "abandoned"]
    assert len(fakes.calls["finalize_session"]) == len(fakes.calls["write_feedback"]) == 1


# ----------------------------------------------------------------------------------- scoring failure


@pytest.mark.parametrize("non_retryable", [True, False], ids=["non-retryable", "retries-exhausted"])
async def test_scoring_failure_parks_until_retry_scoring(env: WorkflowEnvironment, non_retryable: bool) -> None:
    fakes = FakeActivities()
    fakes.score_error, fakes.score_non_retryable = "scorer is down", non_retryable
    async with open_session(env, fakes, max_questions=1) as (handle, opened, _):
        assert opened.question is not None
        last = await answer(handle, opened.question.id)
        assert last.question is None and last.status == "scoring"
        await env.sleep(120)  # skips SCORING_RETRY's back-off (1+2+4+8 s)
        await wait_for(lambda: _status_is(handle, "scoring_failed"))
        parked = await state(handle)
        assert parked.scored == 0 and any("scorer is down" in e for e in parked.scoring_errors)
        assert len(fakes.calls["score_answer"]) == (1 if non_retryable else 5)
        desc = await handle.describe()
        assert desc.typed_search_attributes.get(INTERVIEW_STATUS) == "scoring_failed"
        assert not fakes.calls["finalize_session"]

        # A retry while the cause persists parks again instead of completing.
        await handle.signal(InterviewSessionWorkflow.retry_scoring, RetryScoringInput())
        await env.sleep(120)
        await wait_for(lambda: _status_is(handle, "scoring_failed"))
        assert fakes.statuses() == ["scoring", "scoring_failed", "scoring", "scoring_failed"]

        fakes.score_error = None
        await handle.signal(InterviewSessionWorkflow.retry_scoring, RetryScoringInput(requested_by="ops"))
        final = await handle.result()
    assert final.status == "completed" and final.scored == 1 and final.scoring_errors == []
    assert fakes.statuses() == ["scoring", "scoring_failed", "scoring", "scoring_failed", "scoring", "completed"]
    assert len(fakes.calls["record_response"]) == 1  # the answer is recorded once, whatever scoring did
    assert len(fakes.calls["write_feedback"]) == 1


async def test_report_failure_retries_the_report_without_rescoring(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    fakes.report_error = "percentile table locked"
    async with open_session(env, fakes, max_questions=1) as (handle, opened, _):
        assert opened.question is not None
        await answer(handle, opened.question.id)
        await wait_for(lambda: _status_is(handle, "scoring_failed"))
        assert any("percentile table locked" in e for e in (await state(handle)).scoring_errors)
        fakes.report_error = None
        await handle.signal(InterviewSessionWorkflow.retry_scoring, RetryScoringInput())
        final = await handle.result()
    assert final.status == "completed"
    assert len(fakes.calls["score_answer"]) == 1  # the score that succeeded is kept
    assert len(fakes.calls["finalize_session"]) == 2


async def test_retry_signal_during_status_write_is_not_lost(env: WorkflowEnvironment) -> None:
    """Staff see `scoring_failed` in PostgreSQL as soon as set_session_status commits, and may signal
    while that local activity is still running (a slow write, or a worker crash before the workflow
    task completes). A short task timeout makes the SDK heartbeat the task so the signal lands then."""
    fakes = FakeActivities()
    fakes.score_error, fakes.score_non_retryable = "scorer is down", True
    gate = asyncio.Event()
    fakes.status_gate["scoring_failed"] = gate
    async with open_session(env, fakes, task_timeout=timedelta(seconds=1), max_questions=1) as (handle, opened, _):
        assert opened.question is not None
        await answer(handle, opened.question.id)

        async def writing_failed_status() -> bool:
            return "scoring_failed" in fakes.statuses()

        await wait_for(writing_failed_status)
        fakes.score_error = None
        await handle.signal(InterviewSessionWorkflow.retry_scoring, RetryScoringInput())
        await asyncio.sleep(1.5)  # past the local-activity heartbeat (80% of the task timeout)
        gate.set()
        final = await asyncio.wait_for(handle.result(), 15)
    assert final.status == "completed"


async def _status_is(handle: Handle, status: str) -> bool:
    return (await state(handle)).status == status


# ---------------------------------------------------------------------------------------- follow-ups


async def test_follow_up_is_asked_next_and_max_questions_holds(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities(n_questions=3)
    fakes.follow_ups = True
    async with open_session(env, fakes, max_questions=3, max_followups_per_question=1) as (handle, opened, _):
        asked = [opened.question]
        current = opened.question
        while current is not None:
            result = await answer(handle, current.id, f"My answer to {current.text}")
            current = result.question
            asked.append(current)
        final = await handle.result()
    asked_qs = [q for q in asked if q is not None]
    assert [q.kind for q in asked_qs] == ["core", "follow_up", "core"]
    assert [q.index for q in asked_qs] == [0, 1, 2]
    parent, follow_up = asked_qs[0], asked_qs[1]
    assert follow_up.text == f"Tell me more about {parent.text}"
    # Retrieval ran for the first core question only: never for a follow-up, and not once the
    # session had asked max_questions (the follow-up could not have been asked).
    assert [c.parent.id for c in fakes.calls["find_follow_up"]] == [parent.id]
    assert fakes.calls["find_follow_up"][0].answer_text == f"My answer to {parent.text}"
    assert final.status == "completed" and final.asked == 3 and final.answered == 3
    assert len(fakes.calls["mark_asked"]) == 3


async def test_follow_ups_per_question_cap(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities(n_questions=3)
    fakes.follow_ups = True
    async with open_session(env, fakes, max_questions=10, max_followups_per_question=1) as (handle, opened, _):
        kinds, parents = [], []
        current = opened.question
        while current is not None:
            kinds.append(current.kind)
            current = (await answer(handle, current.id)).question
        parents = [c.parent.id for c in fakes.calls["find_follow_up"]]
    assert kinds == ["core", "follow_up"] * 3
    assert len(parents) == len(set(parents)) == 3  # at most one follow-up per parent question
    # The template already used is excluded from later retrievals.
    assert fakes.calls["find_follow_up"][2].exclude_template_ids == [1000, 1010]


async def test_a_thin_answer_to_a_follow_up_earns_one_more(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities(n_questions=2)
    fakes.follow_ups = True
    full = "A full answer with a system, a number and a result."
    texts = iter([full, "Not sure.", "No idea.", full, full])
    overrides = {"max_questions": 10, "max_followups_per_question": 1, "followup_thin_words": 5}
    async with open_session(env, fakes, **overrides) as (handle, opened, inp):
        kinds = []
        current = opened.question
        while current is not None:
            kinds.append(current.kind)
            current = (await answer(handle, current.id, next(texts))).question
    core = core_questions(inp.session_id, 2)
    calls = fakes.calls["find_follow_up"]
    # core 0 → follow-up → (thin) a second follow-up → (thin again, but two is the most) core 1 → follow-up
    assert kinds == ["core", "follow_up", "follow_up", "core", "follow_up"]
    assert [c.parent.id for c in calls] == [core[0].id, core[0].id, core[1].id]
    # The second is found from all that was said on the question, not from the two words alone.
    assert calls[1].answer_text == f"{full} Not sure." and calls[1].exclude_template_ids == [1000]
    # ...and takes any follow-up the question has left: no similarity floor for a thin answer.
    assert [c.min_similarity for c in calls] == [inp.followup_min_similarity, 0.0, inp.followup_min_similarity]


async def test_no_follow_ups_when_the_cap_is_zero(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities(n_questions=2)
    fakes.follow_ups = True
    async with open_session(env, fakes, max_questions=5, max_followups_per_question=0) as (handle, opened, _):
        assert opened.question is not None
        second = await answer(handle, opened.question.id)
        assert second.question is not None and second.question.kind == "core"
    assert not fakes.calls["find_follow_up"]


# ---------------------------------------------------------------------------------------- validators


async def test_validators_reject_bad_updates_without_side_effects(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes, max_answer_chars=100) as (handle, opened, _):
        assert opened.question is not None
        qid = opened.question.id
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await answer(handle, str(uuid.uuid4()))
        assert rejection(err) == "NotCurrentQuestion"
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await answer(handle, qid, "   ")
        assert rejection(err) == "InvalidAnswer"
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await answer(handle, qid, "x" * 101)
        assert rejection(err) == "InvalidAnswer"
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(InterviewSessionWorkflow.skip, SkipInput(question_id=str(uuid.uuid4())))
        assert rejection(err) == "NotCurrentQuestion"
        assert not fakes.calls["record_response"] and not fakes.calls["mark_skipped"]

        # The question that was current before an answer is no longer current after it.
        await answer(handle, qid)
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await answer(handle, qid, "a second answer to the same question")
        assert rejection(err) == "NotCurrentQuestion"
        assert len(fakes.calls["record_response"]) == 1


async def test_answers_after_end_are_rejected(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    fakes.score_gate = asyncio.Event()  # keep the workflow in `scoring` so it is still there to reject
    async with open_session(env, fakes) as (handle, opened, _):
        assert opened.question is not None
        nxt = await answer(handle, opened.question.id)
        assert nxt.question is not None
        await handle.signal(InterviewSessionWorkflow.end, EndInput())
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await answer(handle, nxt.question.id)
        assert rejection(err) == "SessionNotActive"
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(InterviewSessionWorkflow.skip, SkipInput(question_id=nxt.question.id))
        assert rejection(err) == "SessionNotActive"
        fakes.score_gate.set()
        final = await handle.result()
    assert final.status == "completed" and final.answered == 1 and final.question is None
    assert len(fakes.calls["record_response"]) == 1


async def test_same_update_id_is_handled_once(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes) as (handle, opened, _):
        assert opened.question is not None
        first = await answer(handle, opened.question.id, "the same answer", id="answer-q0-abc")
        again = await answer(handle, opened.question.id, "the same answer", id="answer-q0-abc")
    assert again == first and first.response_id is not None
    assert first.question is not None and first.question.index == 1
    assert len(fakes.calls["record_response"]) == 1 and len(fakes.calls["score_answer"]) == 1


async def test_open_twice_returns_the_current_question(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes) as (handle, opened, _):
        again = await handle.execute_update(InterviewSessionWorkflow.open, OpenSessionInput())
    assert again == opened
    assert len(fakes.calls["seed_session"]) == 1


# --------------------------------------------------------------------------------------- end / skip


async def test_end_without_answers_is_ended(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes) as (handle, _, _):
        await handle.signal(InterviewSessionWorkflow.end, EndInput())
        await handle.signal(InterviewSessionWorkflow.end, EndInput(reason="staff"))  # the first one wins
        final = await handle.result()
    assert final.status == "ended" and final.question is None
    # Local activities are at least once: the second signal can arrive while the final workflow task
    # completes, the server then rejects that completion and set_session_status runs again.
    assert set(fakes.statuses()) == {"ended"}
    assert not fakes.calls["score_answer"] and not fakes.calls["write_feedback"]


async def test_skip_then_answer_then_end_completes(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes) as (handle, opened, _):
        assert opened.question is not None
        skipped = await handle.execute_update(InterviewSessionWorkflow.skip, SkipInput(question_id=opened.question.id))
        assert skipped.question is not None and skipped.question.index == 1
        await answer(handle, skipped.question.id)
        await handle.signal(InterviewSessionWorkflow.end, EndInput())
        final = await handle.result()
    assert final.status == "completed" and final.skipped == 1 and final.answered == 1
    assert [c.session_question_id for c in fakes.calls["mark_skipped"]] == [opened.question.id]


async def test_skipping_every_question_ends_without_a_report(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities(n_questions=2)
    async with open_session(env, fakes, max_questions=2) as (handle, opened, _):
        current = opened.question
        while current is not None:
            skipped = await handle.execute_update(InterviewSessionWorkflow.skip, SkipInput(question_id=current.id))
            current = skipped.question
        final = await handle.result()
    assert final.status == "ended" and final.skipped == 2
    assert not fakes.calls["finalize_session"]


# -------------------------------------------------------------------------------------------- audio


async def test_audio_answer_is_transcribed_then_recorded(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes) as (handle, opened, inp):
        assert opened.question is not None
        result = await handle.execute_update(
            InterviewSessionWorkflow.answer, AnswerInput(question_id=opened.question.id, audio_key="audio/a.webm")
        )
        assert result.transcript is not None and result.transcript.text == fakes.transcript_text
        (rec,) = fakes.calls["record_response"]
        assert rec.source == "audio" and rec.text == fakes.transcript_text and rec.audio_key == "audio/a.webm"

        fakes.transcript_text = "  "
        assert result.question is not None
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                InterviewSessionWorkflow.answer, AnswerInput(question_id=result.question.id, audio_key="audio/b.webm")
            )
        assert rejection(err) == "NoSpeechDetected"
        # Silence records nothing and leaves the question open for another try.
        assert len(fakes.calls["record_response"]) == 1
        assert (await state(handle)).question == result.question
    assert fakes.calls["transcribe_audio"][0].session_id == inp.session_id


async def test_answer_moves_on_when_no_retrieval_worker_is_running(env: WorkflowEnvironment) -> None:
    """Follow-up retrieval is bounded: with nobody polling the retrieval queue, the answer still returns
    the next core question (after the 8 s schedule-to-close timeout) instead of hanging."""
    fakes = FakeActivities()
    fakes.follow_ups = True
    inp = start_input(f"t{uuid.uuid4().hex[:10]}-")
    inp.queues.retrieval = f"nobody-polls-{uuid.uuid4().hex[:8]}"
    async with session_workers(env.client, fakes, inp.queues.model_copy(update={"retrieval": "unused"})):
        handle = await env.client.start_workflow(
            InterviewSessionWorkflow.run,
            inp,
            id=f"session-{inp.session_id}",
            task_queue=inp.queues.interview,
            search_attributes=TypedSearchAttributes([SearchAttributePair(INTERVIEW_STATUS, "active")]),
        )
        first = await handle.execute_update(InterviewSessionWorkflow.open, OpenSessionInput())
        assert first.question is not None
        pending = asyncio.ensure_future(answer(handle, first.question.id))
        await env.sleep(timedelta(seconds=10))
        result = await asyncio.wait_for(pending, timeout=30)
        assert result.question is not None and result.question.kind == "core"
        assert fakes.calls["find_follow_up"] == []
        await handle.signal(InterviewSessionWorkflow.end, EndInput())
