"""RetentionWorkflow: one storage-hygiene sweep, started by the `talentsync-retention` Schedule
(workflows/schedules.py) every `retention_interval_minutes`.

Three idempotent activities in a row (expired recordings, expired or failed resume files, orphaned
files). A sweep that fails after its retries shows as a failed run in the Web UI; the next run
starts from scratch and finishes the job, because nothing already deleted is selected again.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from talentsync.retention import PurgeResult, RetentionInput, RetentionResult

# Batches of 200 rows or 500 files heartbeat in well under a minute; the whole sweep ends before
# the next one is due (the schedule skips a run while one is still going).
SWEEP_TIMEOUT = timedelta(minutes=50)
SWEEP_HEARTBEAT = timedelta(minutes=2)
SWEEP_RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), maximum_attempts=3)


@workflow.defn
class RetentionWorkflow:
    @workflow.run
    async def run(self, inp: RetentionInput) -> RetentionResult:
        results: list[PurgeResult] = []
        # Activities run on this workflow's own task queue (the `interview` role).
        for name in ("purge_expired_audio", "purge_expired_resumes", "purge_orphan_media"):
            results.append(
                await workflow.execute_activity(
                    name,
                    inp,
                    result_type=PurgeResult,
                    start_to_close_timeout=SWEEP_TIMEOUT,
                    heartbeat_timeout=SWEEP_HEARTBEAT,
                    retry_policy=SWEEP_RETRY,
                )
            )
        return RetentionResult(audio=results[0], resumes=results[1], orphans=results[2])
