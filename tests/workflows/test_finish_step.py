"""The finish step (workflows/finish_step.py): a session started with `hold_for_finish` stays open
after its last question, so the last answer can be answered again too; "Finish" (the `end` signal)
or the finish grace closes it as completed. Without the flag the last answer still closes the session.
Same set-up as test_interview_session.py (time-skipping server, fake activities).
"""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from talentsync.contracts import AnswerAgainInput, AnswerInput, EndInput, SkipInput
from tests.workflows.fakes import FakeActivities
from tests.workflows.test_interview_session import answer, open_session, rejection, state
from workflows.interview_session import InterviewSessionWorkflow


async def test_last_question_can_be_answered_again_before_finish(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    opts = {"max_questions": 2, "max_followups_per_question": 0, "hold_for_finish": True}
    async with open_session(env, fakes, **opts) as (handle, opened, _):
        assert opened.question is not None
        q2 = (await answer(handle, opened.question.id, "First.")).question
        assert q2 is not None
        last = await answer(handle, q2.id, "Last, first try.")
        # The queue is done, but the session waits for the candidate instead of scoring.
        assert last.status == "active" and last.question is None
        s = await state(handle)
        assert s.awaiting_finish is True and s.status == "active" and s.answered == 2
        assert fakes.calls["finalize_session"] == []

        again = await handle.execute_update(InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=q2.id))
        assert again.question is not None and again.question.id == q2.id and again.question.attempt == 2
        assert (await state(handle)).awaiting_finish is False, "a re-ask is a question again, not the finish step"
        back = await handle.execute_update(
            InterviewSessionWorkflow.answer, AnswerInput(question_id=q2.id, text="Last, second try.", attempt=2)
        )
        assert back.status == "active" and back.question is None
        s = await state(handle)
        assert s.awaiting_finish is True and s.answered == 2 and s.asked == 2

        # A skipped re-ask keeps the earlier answer and returns to the finish step as well.
        await handle.execute_update(
            InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=opened.question.id)
        )
        await handle.execute_update(InterviewSessionWorkflow.skip, SkipInput(question_id=opened.question.id))
        assert (await state(handle)).awaiting_finish is True

        await handle.signal(InterviewSessionWorkflow.end, EndInput(reason="candidate"))
        final = await handle.result()
    assert final.status == "completed" and final.awaiting_finish is False
    attempts = [(c.session_question_id, c.attempt) for c in fakes.calls["record_response"]]
    assert attempts == [(opened.question.id, 1), (q2.id, 1), (q2.id, 2)]
    assert len(fakes.calls["finalize_session"]) == 1


async def test_walking_away_from_the_finish_step_completes_after_the_grace(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    opts = {"max_questions": 1, "max_followups_per_question": 0, "hold_for_finish": True}
    async with open_session(env, fakes, idle_timeout_seconds=3600, finish_grace_seconds=300, **opts) as (
        handle,
        opened,
        _,
    ):
        assert opened.question is not None
        await answer(handle, opened.question.id)
        await env.sleep(250)
        assert (await state(handle)).status == "active", "still inside the grace"
        await env.sleep(100)
        final = await handle.result()
    # Not "abandoned": every question was answered; the grace is far shorter than the idle hour.
    assert final.status == "completed"


async def test_without_the_flag_the_last_answer_closes_the_session(env: WorkflowEnvironment) -> None:
    fakes = FakeActivities()
    async with open_session(env, fakes, max_questions=1, max_followups_per_question=0) as (handle, opened, _):
        assert opened.question is not None
        last = await answer(handle, opened.question.id)
        assert last.question is None and last.status == "scoring"
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=opened.question.id)
            )
        assert rejection(err) == "SessionNotActive"
        final = await handle.result()
    assert final.status == "completed"
