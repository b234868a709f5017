"""Employer pipelines: a recruiter opens one per role (a module) and hands out its invite code; a
candidate joins with the code and the interviews they start *for that pipeline* are shared with its
recruiter, ranked. The candidate can withdraw at any time; access ends with the next request."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from api.deps import CurrentUser, SessionDep, parse_uuid, require
from api.errors import COMMON_ERRORS, error_responses
from api.limits import rate_limit
from api.validation import DbId, SafeLine
from talentsync.db.models import (
    FeedbackReportRow,
    InterviewSession,
    Module,
    Percentile,
    Pipeline,
    PipelineMember,
    User,
)

router = APIRouter(tags=["pipelines"], responses={**COMMON_ERRORS, **error_responses(403, 404, 409)})

Recruiter = Annotated[User, require("pipelines:manage")]
# 24 random bytes: a code nobody can guess, short enough to paste into an email.
INVITE_CODE_BYTES = 24
NO_SUCH_PIPELINE = "No such pipeline."


class PipelineIn(BaseModel):
    name: SafeLine = Field(min_length=1, max_length=200)
    module_id: DbId


class JoinIn(BaseModel):
    invite_code: SafeLine = Field(min_length=8, max_length=64)


def _pipeline_out(p: Pipeline, module_name: str, candidate_count: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(p.id),
        "name": p.name,
        "module": {"id": p.module_id, "name": module_name},
        "invite_code": p.invite_code,
        "created_at": p.created_at.isoformat(),
    }
    if candidate_count is not None:
        out["candidate_count"] = candidate_count
    return out


@router.post("/pipelines", status_code=201)
async def create_pipeline(body: PipelineIn, db: SessionDep, user: Recruiter) -> dict[str, Any]:
    module = await db.get(Module, body.module_id)
    if module is None:
        raise HTTPException(404, "No such module.")
    pipeline = Pipeline(
        recruiter_id=user.id,
        name=body.name.strip(),
        module_id=module.id,
        invite_code=secrets.token_urlsafe(INVITE_CODE_BYTES),
    )
    db.add(pipeline)
    await db.commit()
    await db.refresh(pipeline)
    return _pipeline_out(pipeline, module.name, 0)


@router.get("/pipelines")
async def list_pipelines(db: SessionDep, user: Recruiter) -> list[dict[str, Any]]:
    members = (
        select(PipelineMember.pipeline_id, func.count().label("n")).group_by(PipelineMember.pipeline_id).subquery()
    )
    rows = (
        await db.execute(
            select(Pipeline, Module.name, members.c.n)
            .join(Module, Module.id == Pipeline.module_id)
            .outerjoin(members, members.c.pipeline_id == Pipeline.id)
            .where(Pipeline.recruiter_id == user.id)
            .order_by(Pipeline.created_at.desc())
        )
    ).all()
    return [_pipeline_out(p, name, int(n or 0)) for p, name, n in rows]


@router.get("/pipelines/joined")
async def joined_pipelines(db: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    """The pipelines the caller shares interviews with, and which of their sessions each one sees."""
    rows = (
        await db.execute(
            select(Pipeline, Module.name, User.full_name, PipelineMember.joined_at)
            .join(PipelineMember, PipelineMember.pipeline_id == Pipeline.id)
            .join(Module, Module.id == Pipeline.module_id)
            .join(User, User.id == Pipeline.recruiter_id)
            .where(PipelineMember.user_id == user.id)
            .order_by(PipelineMember.joined_at.desc())
        )
    ).all()
    sessions = (
        await db.execute(
            select(InterviewSession)
            .where(InterviewSession.user_id == user.id, InterviewSession.pipeline_id.in_([p.id for p, *_ in rows]))
            .order_by(InterviewSession.created_at.desc())
        )
    ).scalars()
    by_pipeline: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for s in sessions:
        by_pipeline.setdefault(s.pipeline_id, []).append(  # type: ignore[arg-type]
            {
                "id": str(s.id),
                "status": s.status,
                "overall_score": s.overall_score,
                "created_at": s.created_at.isoformat(),
            }
        )
    return [
        {
            "id": str(p.id),
            "name": p.name,
            "module": {"id": p.module_id, "name": module_name},
            "recruiter": {"full_name": recruiter_name},
            "joined_at": joined_at.isoformat(),
            "shared_sessions": by_pipeline.get(p.id, []),
        }
        for p, module_name, recruiter_name, joined_at in rows
    ]


@router.post("/pipelines/join")
async def join_pipeline(body: JoinIn, request: Request, db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    # Codes are unguessable; the limit only keeps anyone from trying many per minute anyway.
    await rate_limit(request, "login", f"pipeline-join:{user.id}", "Too many invite codes tried")
    pipeline = await db.scalar(select(Pipeline).where(Pipeline.invite_code == body.invite_code.strip()))
    if pipeline is None:
        raise HTTPException(404, "No pipeline has that invite code; check it with the person who sent it.")
    if pipeline.recruiter_id == user.id:
        raise HTTPException(409, "This is your own pipeline; candidates join it with the code.")
    module = await db.get(Module, pipeline.module_id)
    if await db.get(PipelineMember, (pipeline.id, user.id)) is None:
        db.add(PipelineMember(pipeline_id=pipeline.id, user_id=user.id))
        try:
            await db.commit()
        except IntegrityError:  # a double-click joined first: the result is the same
            await db.rollback()
    return {
        "id": str(pipeline.id),
        "name": pipeline.name,
        "module": {"id": pipeline.module_id, "name": module.name if module else ""},
        "joined": True,
    }


@router.delete("/pipelines/{pipeline_id}/share", status_code=204)
async def withdraw(pipeline_id: str, db: SessionDep, user: CurrentUser) -> Response:
    """Leave the pipeline. Its sessions stop being shared at once and stay unshared even if the
    candidate joins again later: a new interview is needed to share again."""
    pid = parse_uuid(pipeline_id, "pipeline")
    gone = await db.execute(
        delete(PipelineMember).where(PipelineMember.pipeline_id == pid, PipelineMember.user_id == user.id)
    )
    if not gone.rowcount:  # type: ignore[attr-defined]
        raise HTTPException(404, "You are not sharing with that pipeline.")
    await db.execute(
        update(InterviewSession)
        .where(InterviewSession.user_id == user.id, InterviewSession.pipeline_id == pid)
        .values(pipeline_id=None)
    )
    await db.commit()
    return Response(status_code=204)


@router.get("/pipelines/{pipeline_id}/candidates")
async def candidates(pipeline_id: str, db: SessionDep, user: Recruiter) -> list[dict[str, Any]]:
    """Members ranked by their best scored interview for this pipeline (unscored ones last)."""
    pipeline = await db.get(Pipeline, parse_uuid(pipeline_id, "pipeline"))
    if pipeline is None or pipeline.recruiter_id != user.id:
        raise HTTPException(404, NO_SUCH_PIPELINE)
    members = (
        await db.execute(
            select(User.id, User.full_name, User.email, PipelineMember.joined_at)
            .join(PipelineMember, PipelineMember.user_id == User.id)
            .where(PipelineMember.pipeline_id == pipeline.id)
        )
    ).all()
    has_report = exists().where(FeedbackReportRow.session_id == InterviewSession.id)
    rows = (
        await db.execute(
            select(InterviewSession, Percentile.value, has_report.label("has_report"))
            .join(
                PipelineMember,
                and_(
                    PipelineMember.pipeline_id == InterviewSession.pipeline_id,
                    PipelineMember.user_id == InterviewSession.user_id,
                ),
            )
            .outerjoin(
                Percentile,
                and_(Percentile.session_id == InterviewSession.id, Percentile.subject_key == "session"),
            )
            .where(InterviewSession.pipeline_id == pipeline.id)
            .order_by(InterviewSession.created_at.desc())
        )
    ).all()
    sessions: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for s, pct, report in rows:
        sessions.setdefault(s.user_id, []).append(
            {
                "id": str(s.id),
                "status": s.status,
                "overall_score": s.overall_score if report else None,
                "percentile": pct if report else None,
                "has_report": bool(report),
                "report_url": f"/api/sessions/{s.id}/report" if report else None,
                "created_at": s.created_at.isoformat(),
            }
        )
    out = []
    for uid, full_name, email, joined_at in members:
        mine = sessions.get(uid, [])
        scored = [s for s in mine if s["overall_score"] is not None]
        best = max(scored, key=lambda s: s["overall_score"]) if scored else None
        out.append(
            {
                "candidate": {"id": str(uid), "full_name": full_name, "email": email},
                "joined_at": joined_at.isoformat(),
                "best_score": best["overall_score"] if best else None,
                "best_percentile": best["percentile"] if best else None,
                "best_session_id": best["id"] if best else None,
                "sessions": mine,
            }
        )
    out.sort(key=_ranking)
    for i, c in enumerate(out, start=1):
        c["rank"] = i if c["best_score"] is not None else None
    return out


def _ranking(c: dict[str, Any]) -> tuple[bool, float, float]:
    """Best score first; candidates without a scored interview last; ties by who joined first."""
    best: float | None = c["best_score"]
    return (best is None, -(best or 0.0), datetime.fromisoformat(c["joined_at"]).timestamp())
