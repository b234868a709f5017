"""Replay recorded InterviewSessionWorkflow histories against the current workflow code.

A session lives for up to an hour (longer while parked in `scoring_failed`), so a deploy always
meets running sessions. A worker that picks one up rebuilds its state by re-running the workflow
code against the session's history, and the code must issue the same commands — schedule this
activity, start that timer, record that local-activity marker — in the same order as before.
If it does not, the worker fails with a nondeterminism error and the session is stuck.

So any change to the workflow's commands (a new or removed activity, timer, local activity or
search-attribute upsert, or the same ones in another order) must be guarded:

    if workflow.patched("followup-refine-v2"):
        ...new commands...
    else:
        ...old commands...

`workflow.patched()` is False while replaying a history recorded before the change, and True
(recording a marker) for new executions. Once no session started before the change can still be
running, the old branch is removed with `workflow.deprecate_patch()`.

This test replays every history in tests/histories/ (recorded by scripts/record_histories.py)
and fails on nondeterminism; the last two tests show that it catches an unguarded change and
accepts the same change behind `workflow.patched()` (tests/workflows/variants.py). Changes that
keep the commands (new queries, refactors, different values in activity inputs) replay fine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.workflows.variants import PatchedChange, UnguardedChange
from workflows.interview_session import InterviewSessionWorkflow

HISTORIES = Path(__file__).resolve().parent.parent / "histories"
FILES = sorted(HISTORIES.glob("*.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(f"replay-{path.stem}", path.read_text())


def test_the_recorded_histories_are_there() -> None:
    # Without this an emptied folder would make the replay test pass by checking nothing.
    # v1_*: recorded before follow-up retrieval moved to its own queue (workflow.patched guards it).
    names = {"text_with_follow_up", "skipped_then_ended", "scoring_failed_then_retried", "audio_then_idle"}
    assert {p.stem for p in FILES} >= names | {f"v1_{n}" for n in names}
    # Recorded after "answer again" and job-description ranking existed (workflow.patched markers).
    assert "job_description_answer_again" in {p.stem for p in FILES}
    # Recorded after the finish step existed: the last question answered again before "Finish".
    assert "finish_step_answer_again_last" in {p.stem for p in FILES}
    # Recorded after a thin answer to a follow-up could earn a second one.
    assert "thin_follow_up_probed" in {p.stem for p in FILES}
    # Recorded after scoring started waiting for the follow-up (score-after-follow-up marker).
    assert "score_after_follow_up" in {p.stem for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_history_replays_without_nondeterminism(path: Path) -> None:
    replayer = Replayer(workflows=[InterviewSessionWorkflow], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(load(path))  # raises on nondeterminism
    assert result.replay_failure is None


async def test_an_unguarded_command_change_is_caught() -> None:
    replayer = Replayer(workflows=[UnguardedChange], data_converter=pydantic_data_converter)
    with pytest.raises(workflow.NondeterminismError):
        await replayer.replay_workflow(load(HISTORIES / "text_with_follow_up.json"))


async def test_the_same_change_behind_patched_replays() -> None:
    replayer = Replayer(workflows=[PatchedChange], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(load(HISTORIES / "text_with_follow_up.json"))
    assert result.replay_failure is None
