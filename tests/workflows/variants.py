"""Edited copies of InterviewSessionWorkflow for the replay test: one extra timer before closing.

Kept apart from the test module because the workflow sandbox re-imports a workflow's module, and
this one only imports what a workflow may touch. The unguarded one is the mistake the replay test
exists to catch; the patched one is how the same change ships safely.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from talentsync.contracts import SessionStartInput, SessionState
    from workflows.interview_session import InterviewSessionWorkflow


@workflow.defn(name="InterviewSessionWorkflow")
class UnguardedChange(InterviewSessionWorkflow):
    @workflow.run
    async def run(self, inp: SessionStartInput) -> SessionState:
        return await super().run(inp)

    async def _finish(self, end_reason: str) -> SessionState:
        await workflow.sleep(1)  # a new command, unguarded
        return await super()._finish(end_reason)


@workflow.defn(name="InterviewSessionWorkflow")
class PatchedChange(InterviewSessionWorkflow):
    @workflow.run
    async def run(self, inp: SessionStartInput) -> SessionState:
        return await super().run(inp)

    async def _finish(self, end_reason: str) -> SessionState:
        if workflow.patched("grace-period-before-finish"):
            await workflow.sleep(1)
        return await super()._finish(end_reason)
