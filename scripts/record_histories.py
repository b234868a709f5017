"""Record InterviewSessionWorkflow histories for the replay test (tests/workflows/test_replay.py).

    .venv/bin/python scripts/record_histories.py            # rewrites tests/histories/*.json
    .venv/bin/python scripts/record_histories.py NAME ...   # records only those scenarios

Runs a few complete sessions against a throwaway Temporal dev server (the pip-installed `temporal`
CLI, InterviewStatus registered) with the fake activities from tests/workflows/fakes.py, and saves
each history as JSON. Regenerate only on purpose: the files are the record of what running
sessions look like, and the replay test's job is to fail when the workflow stops matching them.
Keep old files when adding new ones, so sessions started by older code keep being checked.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle  # noqa: E402
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from talentsync.contracts import (  # noqa: E402
    AnswerAgainInput,
    AnswerInput,
    AnswerResult,
    EndInput,
    OpenSessionInput,
    RetryScoringInput,
    SessionStartInput,
    SkipInput,
)
from tests.workflows.fakes import FakeActivities, session_workers, start_input  # noqa: E402
from workflows.interview_session import INTERVIEW_STATUS, InterviewSessionWorkflow  # noqa: E402

log = logging.getLogger("record_histories")
OUT = REPO / "tests" / "histories"
# Stable session ids keep regenerated files comparable in review (timestamps still change).
NAMESPACE = uuid.UUID("5d1c4c1e-0000-4000-8000-7a1e47500000")

Scenario = Callable[[WorkflowHandle, AnswerResult, FakeActivities], Awaitable[None]]


async def _answer(handle: WorkflowHandle, question_id: str, text: str) -> AnswerResult:
    return await handle.execute_update(InterviewSessionWorkflow.answer, AnswerInput(question_id=question_id, text=text))


async def _wait_status(handle: WorkflowHandle, status: str, within: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (await handle.query(InterviewSessionWorkflow.get_state)).status != status:
        if loop.time() > deadline:
            raise TimeoutError(f"session never reached {status}")
        await asyncio.sleep(0.1)


async def text_with_follow_up(handle: WorkflowHandle, opened: AnswerResult, fakes: FakeActivities) -> None:
    """Every question answered by text; the first core answer gets a follow-up."""
    question = opened.question
    while question is not None:
        question = (await _answer(handle, question.id, f"My answer to: {question.text}")).question


async def thin_follow_up_probed(handle: WorkflowHandle, opened: AnswerResult, fakes: FakeActivities) -> None:
    """A full answer gets a follow-up; a thin answer to it gets a second one; then the session runs out."""
    texts = iter(["A full answer that names a system and a number.", "Not sure.", "No idea.", "Another full one."])
    question = opened.question
    while question is not None:
        question = (await _answer(handle, question.id, next(texts))).question


async def skipped_then_ended(handle: WorkflowHandle, opened: AnswerResult, fakes: FakeActivities) -> None:
    """The candidate skips the first question, then ends the session before answering anything."""
    assert opened.question is not None
    await handle.execute_update(InterviewSessionWorkflow.skip, SkipInput(question_id=opened.question.id))
    await handle.signal(InterviewSessionWorkflow.end, EndInput(reason="candidate"))


async def scoring_failed_then_retried(handle: WorkflowHandle, opened: AnswerResult, fakes: FakeActivities) -> None:
    """Scoring fails for good, the session parks in scoring_failed, staff retry once it is fixed."""
    fakes.score_error, fakes.score_non_retryable = "scorer unavailable", True
    assert opened.question is not None
    await _answer(handle, opened.question.id, "An answer that cannot be scored yet.")
    await _wait_status(handle, "scoring_failed")
    fakes.score_error = None
    await handle.signal(InterviewSessionWorkflow.retry_scoring, RetryScoringInput(requested_by="staff"))


async def audio_then_idle(handle: WorkflowHandle, opened: AnswerResult, fakes: FakeActivities) -> None:
    """One spoken answer, then the candidate walks away and the idle timer abandons the session."""
    assert opened.question is not None
    await handle.execute_update(
        InterviewSessionWorkflow.answer, AnswerInput(question_id=opened.question.id, audio_key="audio/fake.webm")
    )


async def job_description_answer_again(handle: WorkflowHandle, opened: AnswerResult, fakes: FakeActivities) -> None:
    """Started with a job description (questions ranked first); the first question is answered,
    answered again after the second was asked, then the rest."""
    assert opened.question is not None
    first = opened.question
    second = (await _answer(handle, first.id, "First try.")).question
    assert second is not None
    await handle.execute_update(InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=first.id))
    back = await handle.execute_update(
        InterviewSessionWorkflow.answer, AnswerInput(question_id=first.id, text="Second try.", attempt=2)
    )
    question = back.question
    while question is not None:
        question = (await _answer(handle, question.id, f"My answer to: {question.text}")).question


async def finish_step_answer_again_last(handle: WorkflowHandle, opened: AnswerResult, fakes: FakeActivities) -> None:
    """Started with the finish step: both questions answered, the last one answered again while the
    session waits for "Finish", then the candidate finishes."""
    assert opened.question is not None
    last = (await _answer(handle, opened.question.id, "First.")).question
    assert last is not None
    await _answer(handle, last.id, "Last, first try.")
    await handle.execute_update(InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=last.id))
    await handle.execute_update(
        InterviewSessionWorkflow.answer, AnswerInput(question_id=last.id, text="Last, second try.", attempt=2)
    )
    await handle.signal(InterviewSessionWorkflow.end, EndInput(reason="candidate"))


SCENARIOS: dict[str, tuple[Scenario, dict, Callable[[FakeActivities], None]]] = {
    "text_with_follow_up": (text_with_follow_up, {"max_questions": 3}, lambda f: setattr(f, "follow_ups", True)),
    # The same session as text_with_follow_up, recorded after scoring started waiting for the follow-up.
    "score_after_follow_up": (text_with_follow_up, {"max_questions": 3}, lambda f: setattr(f, "follow_ups", True)),
    "thin_follow_up_probed": (
        thin_follow_up_probed,
        {"max_questions": 4, "followup_thin_words": 5},
        lambda f: setattr(f, "follow_ups", True),
    ),
    "skipped_then_ended": (skipped_then_ended, {"max_questions": 3}, lambda f: None),
    "scoring_failed_then_retried": (scoring_failed_then_retried, {"max_questions": 1}, lambda f: None),
    "audio_then_idle": (audio_then_idle, {"max_questions": 3, "idle_timeout_seconds": 2}, lambda f: None),
    "job_description_answer_again": (
        job_description_answer_again,
        {"max_questions": 2, "max_followups_per_question": 0, "job_description": "Backend engineer, Python."},
        lambda f: None,
    ),
    "finish_step_answer_again_last": (
        finish_step_answer_again_last,
        {"max_questions": 2, "max_followups_per_question": 0, "hold_for_finish": True},
        lambda f: None,
    ),
}
EXPECTED_STATUS = {
    "text_with_follow_up": "completed",
    "skipped_then_ended": "ended",
    "scoring_failed_then_retried": "completed",
    "audio_then_idle": "abandoned",
    "job_description_answer_again": "completed",
    "finish_step_answer_again_last": "completed",
    "thin_follow_up_probed": "completed",
    "score_after_follow_up": "completed",
}


async def record(client: Client, name: str) -> Path:
    scenario, overrides, setup = SCENARIOS[name]
    fakes = FakeActivities()
    setup(fakes)
    inp: SessionStartInput = start_input(f"record-{name}-", session_id=str(uuid.uuid5(NAMESPACE, name)), **overrides)
    workflow_id = f"session-{inp.session_id}"
    async with session_workers(client, fakes, inp.queues):
        start = WithStartWorkflowOperation(
            InterviewSessionWorkflow.run,
            inp,
            id=workflow_id,
            task_queue=inp.queues.interview,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=TypedSearchAttributes([SearchAttributePair(INTERVIEW_STATUS, "active")]),
        )
        opened = await client.execute_update_with_start_workflow(
            InterviewSessionWorkflow.open, OpenSessionInput(), start_workflow_operation=start
        )
        handle = await start.workflow_handle()
        await scenario(handle, opened, fakes)
        final = await asyncio.wait_for(handle.result(), 60)
        if final.status != EXPECTED_STATUS[name]:
            raise RuntimeError(f"{name}: ended {final.status}, expected {EXPECTED_STATUS[name]}")
        history = await handle.fetch_history()
    path = OUT / f"{name}.json"
    path.write_text(history.to_json() + "\n")
    log.info("recorded %s: %d events, status %s", path.relative_to(REPO), len(history.events), final.status)
    return path


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    OUT.mkdir(parents=True, exist_ok=True)
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(Path(sys.executable).parent / "temporal"),
        search_attributes=[INTERVIEW_STATUS],
        data_converter=pydantic_data_converter,
    ) as env:
        # Names on the command line record only those (new scenarios), leaving older files as they are.
        for name in sys.argv[1:] or SCENARIOS:
            await record(env.client, name)


if __name__ == "__main__":  # the workflow sandbox re-imports modules; never run on import
    asyncio.run(main())
