"""Staff console: find any session (by part of the candidate's email, module, status, dates), read its
timeline from PostgreSQL, retry failed scoring (one session or every parked one, by `retry_scoring`
signals), and mark test accounts so percentiles leave them out."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement
from temporalio.client import Client

from api.deps import SessionDep, SettingsDep, StaffUser, TemporalDep, parse_uuid, require
from api.errors import COMMON_ERRORS, error_responses
from api.interview import SESSION_STATUSES, workflow_call
from api.timeline import session_timeline
from talentsync.contracts import RetryScoringInput
from talentsync.db.models import InterviewSession, Module, User
from talentsync.db.models import Response as AnswerRow
from workflows.interview_session import InterviewSessionWorkflow

router = APIRouter(prefix="/admin", tags=["staff"], responses={**COMMON_ERRORS, **error_responses(403, 404, 409)})
log = logging.getLogger(__name__)

# Signals sent at once by "retry all": enough to clear a backlog quickly, few enough that a burst
# does not crowd out interviews in progress on the same Temporal frontend.
RETRY_CONCURRENCY = 8
AdminUser = Annotated[User, require("users:manage")]


def _email_filter(email: str, match: str) -> ColumnElement[bool]:
    # Emails are stored lower-cased; ILIKE keeps the search case-insensitive whatever is typed, and
    # the trigram index on users.email serves both forms. LIKE wildcards typed by staff are literal.
    needle = email.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"{needle}%" if match == "prefix" else f"%{needle}%"
    return User.email.ilike(pattern, escape="\\")


@router.get("/sessions")
async def list_sessions(
    response: Response,
    db: SessionDep,
    staff: StaffUser,
    status: str | None = Query(None, max_length=20),
    email: str | None = Query(None, min_length=1, max_length=320, description="part of the candidate's email"),
    email_match: Literal["contains", "prefix"] = "contains",
    module_id: int | None = Query(None, ge=1, le=2**31 - 1),
    created_from: date | None = Query(None, description="started on or after this day (UTC)"),
    created_to: date | None = Query(None, description="started on or before this day (UTC)"),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=100_000),
) -> list[dict[str, Any]]:
    """Newest first. `X-Total-Count` holds the number of matches, for paging with `offset`."""
    if status is not None and status not in SESSION_STATUSES:
        raise HTTPException(422, f"status must be one of {', '.join(SESSION_STATUSES)}")
    if created_from and created_to and created_from > created_to:
        raise HTTPException(422, "created_from is after created_to.")
    where: list[ColumnElement[bool]] = []
    if status:
        where.append(InterviewSession.status == status)
    if email and email.strip():
        where.append(_email_filter(email, email_match))
    if module_id is not None:
        where.append(InterviewSession.module_id == module_id)
    if created_from:
        where.append(InterviewSession.created_at >= created_from)
    if created_to:
        where.append(InterviewSession.created_at < created_to + timedelta(days=1))
    base = select(InterviewSession.id).join(User, User.id == InterviewSession.user_id).where(*where)
    total = await db.scalar(select(func.count()).select_from(base.subquery()))
    stmt = (
        select(InterviewSession, User.email, User.is_test, Module.name)
        .join(User, User.id == InterviewSession.user_id)
        .join(Module, Module.id == InterviewSession.module_id)
        .where(*where)
        .order_by(InterviewSession.created_at.desc(), InterviewSession.id)
        .limit(limit)
        .offset(offset)
    )
    rows = (await db.execute(stmt)).all()
    answered: dict[Any, int] = dict(
        (
            await db.execute(
                select(AnswerRow.session_id, func.count(func.distinct(AnswerRow.session_question_id)))
                .where(AnswerRow.session_id.in_([s.id for s, *_ in rows]))
                .group_by(AnswerRow.session_id)
            )
        ).all()  # type: ignore[arg-type]
    )
    response.headers["X-Total-Count"] = str(total or 0)
    return [
        {
            "id": str(s.id),
            "workflow_id": s.workflow_id,
            "status": s.status,
            "user_id": str(s.user_id),
            "user_email": user_email,
            "user_is_test": is_test,
            "module": {"id": s.module_id, "name": name},
            "created_at": s.created_at.isoformat(),
            "ended_at": s.ended_at.isoformat() if s.ended_at else None,
            "overall_score": s.overall_score,
            "answered": int(answered.get(s.id, 0)),
            "max_questions": s.max_questions,
        }
        for s, user_email, is_test, name in rows
    ]


@router.get("/sessions/{session_id}")
async def session_detail(session_id: str, db: SessionDep, staff: StaffUser, settings: SettingsDep) -> dict[str, Any]:
    """The session's timeline as PostgreSQL records it, and where its workflow lives in Temporal."""
    sess = await db.get(InterviewSession, parse_uuid(session_id, "session"))
    if sess is None:
        raise HTTPException(404, "No such session.")
    body = await session_timeline(db, sess)
    body["temporal"] = {"namespace": settings.temporal_namespace, "workflow_id": sess.workflow_id}
    return body


@router.post("/sessions/retry-scoring", status_code=202)
async def retry_all_scoring(
    db: SessionDep,
    staff: StaffUser,
    temporal: TemporalDep,
    limit: int = Query(100, ge=1, le=500, description="at most this many sessions per call"),
) -> dict[str, Any]:
    """Signal `retry_scoring` to every session parked in `scoring_failed`, oldest first, at most
    `limit` per call; `remaining` says how many are left for the next call."""
    parked = select(InterviewSession.workflow_id).where(InterviewSession.status == "scoring_failed")
    total = await db.scalar(select(func.count()).select_from(parked.subquery())) or 0
    workflow_ids = list(await db.scalars(parked.order_by(InterviewSession.created_at).limit(limit)))
    await db.close()  # no pooled connection held while signalling
    gate = asyncio.Semaphore(RETRY_CONCURRENCY)
    results = await asyncio.gather(*(_signal_retry(temporal, gate, wid, staff.email) for wid in workflow_ids))
    failed = [{"workflow_id": wid, "error": err} for wid, err in zip(workflow_ids, results, strict=True) if err]
    signalled = [wid for wid, err in zip(workflow_ids, results, strict=True) if not err]
    return {"signalled": signalled, "failed": failed, "remaining": max(0, total - len(workflow_ids))}


async def _signal_retry(temporal: Client, gate: asyncio.Semaphore, workflow_id: str, who: str) -> str | None:
    async with gate:
        try:
            await workflow_call(
                temporal.get_workflow_handle(workflow_id).signal(
                    InterviewSessionWorkflow.retry_scoring, RetryScoringInput(requested_by=who)
                )
            )
        except HTTPException as err:
            log.warning("retry_scoring signal failed", extra={"workflow_id": workflow_id, "error": err.detail})
            return str(err.detail)
    return None


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


class UserPatch(BaseModel):
    is_test: bool


@router.patch("/users/{user_id}")
async def patch_user(user_id: str, body: UserPatch, db: SessionDep, admin: AdminUser) -> dict[str, Any]:
    """Mark or unmark a test account: its answers leave (or rejoin) the populations of percentiles
    computed from now on; percentiles already written stay as they were."""
    user = await db.get(User, parse_uuid(user_id, "user"))
    if user is None:
        raise HTTPException(404, "No such user.")
    user.is_test = body.is_test
    await db.commit()
    return {"id": str(user.id), "email": user.email, "is_test": user.is_test}
