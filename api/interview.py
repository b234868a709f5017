"""What the session, answer and event routes share: ownership checks and talking to the workflow."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import HTTPException
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.exceptions import ApplicationError, TemporalError
from temporalio.service import RPCError, RPCStatusCode

from api.deps import parse_uuid
from talentsync.db.models import InterviewSession, Module, User
from workflows.interview_session import (
    ERR_CANNOT_REASK,
    ERR_INVALID_ANSWER,
    ERR_NO_SPEECH,
    ERR_NOT_ACTIVE,
    ERR_NOT_CURRENT,
)

log = logging.getLogger(__name__)

# `failed_to_start`: the row was written but the workflow never started (Temporal unreachable).
SESSION_STATUSES = ("active", "scoring", "scoring_failed", "completed", "abandoned", "ended", "failed_to_start")
ERROR_STATUS = {
    ERR_NOT_CURRENT: 409,
    ERR_NOT_ACTIVE: 409,
    ERR_INVALID_ANSWER: 422,
    ERR_NO_SPEECH: 422,
    ERR_CANNOT_REASK: 409,
    "AudioError": 422,
    # activities/transcription.py: the speech-to-text service failed (after retries, or for good).
    "SpeechServiceUnavailable": 503,
}
UNANSWERED = "The interview service did not answer; this may not have taken effect. Try again in a moment."
ANSWER_UNANSWERED = (
    "The interview service did not answer; your answer may not have been saved. Send it again — "
    "an answer sent twice is recorded once."
)


async def owned_session(db: AsyncSession, user: User, session_id: str) -> InterviewSession:
    sess = await db.get(InterviewSession, parse_uuid(session_id, "session"))
    # Someone else's session looks exactly like a missing one: no existence leak.
    if sess is None or (sess.user_id != user.id and "reports:any" not in user.permission_codes):
        raise HTTPException(404, "No such session.")
    return sess


async def module_name(db: AsyncSession, module_id: int) -> dict[str, Any]:
    m = await db.get(Module, module_id)
    return {"id": module_id, "name": m.name if m else "", "slug": m.slug if m else ""}


def workflow_error(err: BaseException, unanswered: str = UNANSWERED) -> HTTPException:
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, ApplicationError) and cause.type in ERROR_STATUS:
            status = ERROR_STATUS[cause.type]
            if cause.type == "AudioError" and cause.details and isinstance(cause.details[0], int):
                status = cause.details[0]
            return HTTPException(status, cause.message)
        if isinstance(cause, RPCError) and cause.status == RPCStatusCode.NOT_FOUND:
            return HTTPException(409, "This session has ended; it takes no more answers.")
        cause = cause.__cause__
    log.error("workflow call failed", exc_info=err)
    # We do not know whether the workflow acted on it: say exactly that, never "nothing was lost".
    return HTTPException(503, unanswered, headers={"Retry-After": "2"})


async def workflow_call(coro: Any, unanswered: str = UNANSWERED) -> Any:
    try:
        return await coro
    except (TemporalError, RPCError) as err:  # update failures, RPC errors, RPC timeouts
        raise workflow_error(err, unanswered) from err
