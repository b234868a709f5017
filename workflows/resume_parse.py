"""ResumeParseWorkflow (`resume-<id>`): parse an uploaded resume on the `ml` queue."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from talentsync.contracts import ParseResumeInput, ParseResumeResult


@workflow.defn
class ResumeParseWorkflow:
    @workflow.run
    async def run(self, inp: ParseResumeInput) -> ParseResumeResult:
        # Bad files are reported by the activity as a stored `failed` status, not as a failure,
        # so only infrastructure trouble is retried.
        return await workflow.execute_activity(
            "parse_resume",
            inp,
            result_type=ParseResumeResult,
            task_queue=inp.queues.ml,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=RetryPolicy(maximum_attempts=5),
        )
