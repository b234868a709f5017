"""Ranking the core questions before the first one is asked: for a job description or for weak points.

Both are niceties run on the retrieval queue: when ranking fails or is slow, the session starts with
the module's usual order (or the questions the points were missed on) instead of waiting.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from talentsync.contracts import (
        RankForFocusInput,
        RankForFocusResult,
        RankForJobInput,
        RankForJobResult,
        SessionStartInput,
    )

# Never hold the first question long for a ranking.
RANK_TIMEOUT = timedelta(seconds=8)


async def _ranked(
    activity: str, arg: object, result_type: type[RankForFocusResult | RankForJobResult], queue: str
) -> list[int] | None:
    """The ranked question ids, or None when ranking failed (the caller says what happens instead)."""
    try:
        ranked = await workflow.execute_activity(
            activity,
            arg,
            result_type=result_type,
            task_queue=queue,
            schedule_to_close_timeout=RANK_TIMEOUT,
            start_to_close_timeout=timedelta(seconds=5),
            retry_policy=RetryPolicy(maximum_attempts=2),
        )
    except ActivityError:
        return None
    return ranked.question_ids


async def rank_for_focus(inp: SessionStartInput) -> list[int]:
    ranked = await _ranked(
        "rank_questions_for_focus",
        RankForFocusInput(session_id=inp.session_id, module_id=inp.module_id, points=inp.focus_points),
        RankForFocusResult,
        inp.queues.retrieval,
    )
    if ranked is not None:
        return ranked
    # Without the vector search, the questions the points were missed on still exercise them.
    workflow.logger.warning("ranking questions for weak points failed; asking where they were missed")
    return list(dict.fromkeys(p.bank_question_id for p in inp.focus_points if p.bank_question_id is not None))


async def rank_for_job(inp: SessionStartInput) -> list[int]:
    ranked = await _ranked(
        "rank_questions_for_job",
        RankForJobInput(
            session_id=inp.session_id,
            module_id=inp.module_id,
            domain=inp.domain,
            job_description=inp.job_description or "",
        ),
        RankForJobResult,
        inp.queues.retrieval,
    )
    if ranked is not None:
        return ranked
    workflow.logger.warning("ranking questions for the job description failed; the usual order is used")
    return []
