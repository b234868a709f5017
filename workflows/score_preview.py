"""ScorePreviewWorkflow (`score-preview-<uuid>`): a question author tries an answer.

It runs on the `ml` task queue, where the embedding model lives, and scores in a local activity:
one workflow task, so a preview costs one Temporal round trip plus the scoring itself. The API
stays free of models, and the preview is scored by the very code a session's report uses.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from talentsync.contracts import ScorePreviewInput
    from talentsync.scoring.models import AnswerScore


@workflow.defn
class ScorePreviewWorkflow:
    @workflow.run
    async def run(self, inp: ScorePreviewInput) -> AnswerScore:
        return await workflow.execute_local_activity(
            "preview_score",
            inp,
            result_type=AnswerScore,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=2),
        )
