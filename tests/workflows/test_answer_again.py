"""`answer_again`: a question already answered (or skipped) is asked again and its next answer is
recorded as a new attempt; the question it displaced comes back afterwards. Plus the job
description path of seeding. Same set-up as test_interview_session.py (time-skipping server, fakes).
"""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from talentsync.contracts import AnswerAgainInput, AnswerInput, EndInput, SkipInput
from tests.workflows.fakes import FakeActivities
from tests.workflows.test_interview_session import answer, open_session, rejection, state
from workflows.interview_session import MAX_ATTEMPTS_PER_QUESTION, InterviewSessionWorkflow


async def finish(handle) -> None:  # type: ignore[no-untyped-def]
    # Close the session while its workers run: a session left open would fire its idle timer
    # inside a later test's time skipping, with no worker to serve it.
    await handle.signal(InterviewSessionWorkflow.end, EndInput())
    await handle.result()


async def test_answer_again_records_a_new_attempt_then_returns_to_the_current_question(
    env: WorkflowEnvironment,
) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes, max_questions=3, max_followups_per_question=0) as (handle, opened, _):
        q1 = opened.question
        assert q1 is not None
        second = await answer(handle, q1.id, "First try.")
        q2 = second.question
        assert q2 is not None and q2.index == 1

        again = await handle.execute_update(InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=q1.id))
        assert again.question is not None
        assert again.question.id == q1.id and again.question.attempt == 2 and again.question.index == 0
        assert (await state(handle)).reasking is True
        # The displaced question cannot be answered while the re-ask is current.
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await answer(handle, q2.id)
        assert rejection(err) == "NotCurrentQuestion"
        # An answer that names the old attempt (a stale tab) is refused too.
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                InterviewSessionWorkflow.answer, AnswerInput(question_id=q1.id, text="stale", attempt=1)
            )
        assert rejection(err) == "NotCurrentQuestion"

        back = await handle.execute_update(
            InterviewSessionWorkflow.answer, AnswerInput(question_id=q1.id, text="Second try.", attempt=2)
        )
        assert back.question is not None and back.question.id == q2.id and back.question.attempt == 1
        s = await state(handle)
        assert s.answered == 1 and s.asked == 2, "a re-ask is neither a new question nor a new answer"
        assert s.reasking is False
        assert s.answered_question_ids == [q1.id]
        await finish(handle)

    attempts = [(c.session_question_id, c.attempt, c.text) for c in fakes.calls["record_response"]]
    assert attempts == [(q1.id, 1, "First try."), (q1.id, 2, "Second try.")]
    assert len(fakes.calls["score_answer"]) == 2, "each attempt is scored"
    # No follow-up search for a re-answer (and none here at all: the cap is 0).
    assert not fakes.calls["find_follow_up"]


async def test_answer_again_is_refused_for_unanswered_or_exhausted_questions(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes, max_questions=3, max_followups_per_question=0) as (handle, opened, _):
        q1 = opened.question
        assert q1 is not None
        # The current question has no answer yet: nothing to answer again.
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=q1.id))
        assert rejection(err) == "CannotAnswerAgain"
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id="not-a-question")
            )
        assert rejection(err) == "CannotAnswerAgain"

        await answer(handle, q1.id, "try 1")
        for n in range(2, MAX_ATTEMPTS_PER_QUESTION + 1):
            again = await handle.execute_update(
                InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=q1.id)
            )
            assert again.question is not None and again.question.attempt == n
            await handle.execute_update(
                InterviewSessionWorkflow.answer,
                AnswerInput(question_id=q1.id, text=f"try {n}", attempt=n),
                id=f"again-{n}",
            )
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=q1.id))
        assert rejection(err) == "CannotAnswerAgain"
        await finish(handle)
    assert [c.attempt for c in fakes.calls["record_response"]] == list(range(1, MAX_ATTEMPTS_PER_QUESTION + 1))


async def test_a_skipped_question_can_be_answered_later_and_skipping_a_reask_goes_back(
    env: WorkflowEnvironment,
) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes, max_questions=3, max_followups_per_question=0) as (handle, opened, _):
        q1 = opened.question
        assert q1 is not None
        nxt = await handle.execute_update(InterviewSessionWorkflow.skip, SkipInput(question_id=q1.id))
        q2 = nxt.question
        assert q2 is not None and (await state(handle)).skipped_question_ids == [q1.id]

        again = await handle.execute_update(InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=q1.id))
        assert again.question is not None and again.question.attempt == 1
        # Skipping the re-ask returns to q2 and marks nothing skipped a second time.
        back = await handle.execute_update(InterviewSessionWorkflow.skip, SkipInput(question_id=q1.id))
        assert back.question is not None and back.question.id == q2.id
        assert len(fakes.calls["mark_skipped"]) == 1

        await handle.execute_update(InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=q1.id))
        back = await answer(handle, q1.id, "Answered after all.")
        assert back.question is not None and back.question.id == q2.id
        s = await state(handle)
        assert s.answered == 1 and s.skipped == 0 and s.skipped_question_ids == []
        await finish(handle)


async def test_a_job_description_ranks_questions_before_seeding(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    jd = "Senior backend engineer: Python, PostgreSQL, distributed systems."
    async with open_session(env, fakes, job_description=jd) as (handle, opened, inp):
        assert opened.question is not None
        await finish(handle)
    assert [c.job_description for c in fakes.calls["rank_questions_for_job"]] == [jd]
    assert fakes.calls["seed_session"][0].preferred_question_ids == [102, 100]
    assert inp.job_description == jd


async def test_without_a_job_description_nothing_is_ranked(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes) as (handle, opened, _):
        assert opened.question is not None
        await finish(handle)
    assert not fakes.calls["rank_questions_for_job"]
    assert fakes.calls["seed_session"][0].preferred_question_ids == []
