"""QuestionSyncWorkflow (`question-sync-<id>`): embed a bank question into the vector namespaces."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from talentsync.contracts import SyncQuestionInput, SyncQuestionResult


@workflow.defn
class QuestionSyncWorkflow:
    @workflow.run
    async def run(self, inp: SyncQuestionInput) -> SyncQuestionResult:
        return await workflow.execute_activity(
            "sync_question_vectors",
            inp,
            result_type=SyncQuestionResult,
            task_queue=inp.queues.ml,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30)),
        )
