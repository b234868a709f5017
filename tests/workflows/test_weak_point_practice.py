"""A "practise this" session: the workflow ranks questions for the candidate's weak listening points
on the retrieval queue before seeding, and falls back to the questions the points were missed on
when ranking is unavailable. Same set-up as test_interview_session.py (time-skipping, fakes)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from temporalio import activity
from temporalio.client import WithStartWorkflowOperation
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from talentsync.contracts import (
    EndInput,
    FocusPoint,
    OpenSessionInput,
    RankForFocusInput,
    RankForFocusResult,
)
from tests.workflows.fakes import FakeActivities, start_input
from workflows.interview_session import INTERVIEW_STATUS, InterviewSessionWorkflow

POINTS = [
    FocusPoint(point="Names the trade-off", listen_for="what was given up", bank_question_id=7, times_missed=3),
    FocusPoint(point="Gives a number", bank_question_id=9, times_missed=2),
    FocusPoint(point="Says what they learned", bank_question_id=7, times_missed=1),
]


class RankingFakes(FakeActivities):
    def __init__(self, ranked: list[int] | None) -> None:
        super().__init__()
        self.ranked = ranked  # None: the ranking activity fails

    @activity.defn(name="rank_questions_for_focus")
    async def rank_questions_for_focus(self, inp: RankForFocusInput) -> RankForFocusResult:
        self.calls["rank_questions_for_focus"].append(inp)
        if self.ranked is None:
            raise ApplicationError("vector store down", non_retryable=True)
        return RankForFocusResult(question_ids=self.ranked)


@asynccontextmanager
async def practice_session(env: WorkflowEnvironment, fakes: RankingFakes, **overrides: Any) -> AsyncIterator[None]:
    inp = start_input(f"wp{uuid.uuid4().hex[:10]}-", **overrides)
    q = inp.queues
    async with AsyncExitStack() as stack:
        for worker in (
            Worker(
                env.client,
                task_queue=q.interview,
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
                env.client, task_queue=q.retrieval, activities=[fakes.find_follow_up, fakes.rank_questions_for_focus]
            ),
        ):
            await stack.enter_async_context(worker)
        start = WithStartWorkflowOperation(
            InterviewSessionWorkflow.run,
            inp,
            id=f"session-{inp.session_id}",
            task_queue=q.interview,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=TypedSearchAttributes([SearchAttributePair(INTERVIEW_STATUS, "active")]),
        )
        opened = await env.client.execute_update_with_start_workflow(
            InterviewSessionWorkflow.open, OpenSessionInput(), start_workflow_operation=start
        )
        assert opened.question is not None
        handle = await start.workflow_handle()
        yield
        # No answers: ending it closes the session without scoring.
        await handle.signal(InterviewSessionWorkflow.end, EndInput())
        await handle.result()


async def test_weak_points_rank_questions_before_seeding(env: WorkflowEnvironment) -> None:
    fakes = RankingFakes(ranked=[9, 4, 7])
    async with practice_session(env, fakes, focus_points=POINTS, max_questions=3):
        pass
    (call,) = fakes.calls["rank_questions_for_focus"]
    assert [p.point for p in call.points] == [p.point for p in POINTS]
    assert fakes.calls["seed_session"][0].preferred_question_ids == [9, 4, 7]


async def test_without_ranking_the_questions_the_points_were_missed_on_come_first(env: WorkflowEnvironment) -> None:
    fakes = RankingFakes(ranked=None)
    async with practice_session(env, fakes, focus_points=POINTS, max_questions=3):
        pass
    assert len(fakes.calls["rank_questions_for_focus"]) == 1
    assert fakes.calls["seed_session"][0].preferred_question_ids == [7, 9]


async def test_an_ordinary_session_ranks_nothing(env: WorkflowEnvironment) -> None:
    fakes = RankingFakes(ranked=[1])
    async with practice_session(env, fakes, max_questions=2):
        pass
    assert not fakes.calls["rank_questions_for_focus"]
    assert fakes.calls["seed_session"][0].preferred_question_ids == []
