"""The finish step: after the last question, a session can stay open until the candidate finishes.

Without it, answering the last question closed the session at once, so the last answer was the only
one that could never be answered again. Sessions started with `hold_for_finish` (the web room asks
for it) stay `active` with no current question once the queue is done: the candidate may answer
any question again, the last one included, and closes the interview with "Finish" (the `end`
signal). A candidate who walks away is not an abandoned interview (every question was answered or
skipped), so the session then closes itself as completed after `finish_grace_seconds`.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from talentsync.contracts import SessionStartInput

FINISH_STEP_PATCH = "finish-step-after-last-question"


def holds_for_finish(inp: SessionStartInput, end_requested: bool) -> bool:
    """True when the finished queue should wait for the candidate instead of closing the session."""
    # Sessions without the flag (every history recorded before it existed) never reach patched(), and
    # ones that have it record the marker, so both replay the commands they ran.
    return inp.hold_for_finish and not end_requested and workflow.patched(FINISH_STEP_PATCH)


def wait_timeout(inp: SessionStartInput, awaiting_finish: bool) -> timedelta:
    """How long the main loop waits for activity: the short grace while waiting for "Finish"."""
    idle = timedelta(seconds=inp.idle_timeout_seconds)
    return min(idle, timedelta(seconds=inp.finish_grace_seconds)) if awaiting_finish else idle
