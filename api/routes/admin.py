"""Staff tools: find sessions whose scoring failed and retry them (a `retry_scoring` signal)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select

from api.deps import SessionDep, StaffUser, TemporalDep, parse_uuid
from api.errors import COMMON_ERRORS, error_responses
from api.interview import SESSION_STATUSES, workflow_call
from talentsync.contracts import RetryScoringInput
from talentsync.db.models import InterviewSession, Module, User
from workflows.interview_session import InterviewSessionWorkflow

router = APIRouter(prefix="/admin", tags=["staff"], responses={**COMMON_ERRORS, **error_responses(403, 404, 409)})


@router.get("/sessions")
async def list_sessions(
    db: SessionDep,
    staff: StaffUser,
    status: str | None = Query(None, max_length=20),
    limit: int = Query(100, ge=1, le=500),
) -> list[dict[str, Any]]:
    if status is not None and status not in SESSION_STATUSES:
        raise HTTPException(422, f"status must be one of {', '.join(SESSION_STATUSES)}")
    stmt = (
        select(InterviewSession, User.email, Module.name)
        .join(User, User.id == InterviewSession.user_id)
        .join(Module, Module.id == InterviewSession.module_id)
        .order_by(InterviewSession.created_at.desc())
        .limit(limit)
    )
    if status:
        stmt = stmt.where(InterviewSession.status == status)
    return [
        {
            "id": str(s.id),
            "workflow_id": s.workflow_id,
            "status": s.status,
            "user_email": email,
            "module": {"id": s.module_id, "name": name},
            "created_at": s.created_at.isoformat(),
            "overall_score": s.overall_score,
        }
        for s, email, name in (await db.execute(stmt)).all()
    ]


@router.post("/sessions/{session_id}/retry-scoring", status_code=202)
async def retry_scoring(session_id: str, db: SessionDep, staff: StaffUser, temporal: TemporalDep) -> dict[str, str]:
    sess = await db.get(InterviewSession, parse_uuid(session_id, "session"))
    if sess is None:
        raise HTTPException(404, "No such session.")
    if sess.status != "scoring_failed":
        raise HTTPException(409, f"The session is {sess.status}; only scoring_failed sessions can be retried.")
    await db.close()
    handle = temporal.get_workflow_handle(sess.workflow_id)
    await workflow_call(
        handle.signal(InterviewSessionWorkflow.retry_scoring, RetryScoringInput(requested_by=staff.email))
    )
    return {"status": "retrying", "workflow_id": sess.workflow_id}
