"""Score preview for question authors: what a session's report would hold for a given answer."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from api.deps import QuestionWriter, SettingsDep, TemporalDep
from api.validation import PathId, SafeText
from talentsync.contracts import QUEUE_ML, ScorePreviewInput
from talentsync.scoring import AnswerScore
from workflows.score_preview import ScorePreviewWorkflow

router = APIRouter(tags=["question bank"])

PREVIEW_TIMEOUT = timedelta(seconds=15)


class ScorePreviewIn(BaseModel):
    answer: SafeText = Field(min_length=1, max_length=20_000)


@router.post(
    "/questions/{question_id}/score-preview",
    response_model=AnswerScore,
    responses={404: {"description": "No such question"}, 503: {"description": "The scoring worker did not answer"}},
)
async def score_preview(
    question_id: PathId,
    body: ScorePreviewIn,
    _: QuestionWriter,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> AnswerScore:
    """Scores ``answer`` with the session scorer (same code, same references, same version)."""
    try:
        return await temporal.execute_workflow(
            ScorePreviewWorkflow.run,
            ScorePreviewInput(question_id=question_id, answer=body.answer),
            id=f"score-preview-{uuid.uuid4()}",
            task_queue=settings.task_queue(QUEUE_ML),
            execution_timeout=PREVIEW_TIMEOUT,
        )
    except WorkflowFailureError as err:
        cause: BaseException | None = err.cause
        while cause is not None:
            if isinstance(cause, ApplicationError) and "not found" in cause.message:
                raise HTTPException(404, "No such question.") from None
            cause = cause.__cause__
        raise HTTPException(503, "The scoring service did not answer in time; try again.") from None
    except RPCError:
        raise HTTPException(503, "The scoring service is not reachable; try again.") from None
