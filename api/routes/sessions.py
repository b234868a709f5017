"""Interview sessions: every state change is an Update or Signal to the session's workflow."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy
from temporalio.service import RPCError

from api.deps import CurrentUser, MediaDep, SessionDep, SettingsDep, TemporalDep, parse_uuid
from api.errors import COMMON_ERRORS, error_responses
from api.interview import module_name, owned_session, workflow_call
from api.limits import rate_limit
from api.reports import build_report
from api.sharing import pipeline_for_start, readable_session
from api.threaded import sync_read
from api.validation import DbId, SafeText
from talentsync.contracts import (
    AnswerResult,
    EndInput,
    OpenSessionInput,
    SessionStartInput,
    SessionState,
    TaskQueues,
)
from talentsync.db.models import FeedbackReportRow, InterviewSession, Module, Response, Resume, SessionQuestion, User
from talentsync.events import current_key
from talentsync.job_match import MAX_JOB_DESCRIPTION_CHARS, MIN_JOB_DESCRIPTION_CHARS, clean_job_description
from talentsync.progress import practice_focus
from workflows.interview_session import INTERVIEW_STATUS, InterviewSessionWorkflow

router = APIRouter(tags=["sessions"], responses={**COMMON_ERRORS, **error_responses(403, 404, 409)})
log = logging.getLogger(__name__)

QUERY_TIMEOUT = timedelta(seconds=2)
START_UNANSWERED = "The interview service did not answer, so the interview did not start. Try again in a moment."
AUDIO_TYPES = {
    "webm": "audio/webm",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "flac": "audio/flac",
}


class StartIn(BaseModel):
    module_id: DbId
    resume_id: str | None = Field(default=None, max_length=64)
    max_questions: int | None = Field(default=None, ge=1, le=20)
    # Optional: the posting the candidate is preparing for; core questions are ordered by similarity.
    job_description: SafeText | None = Field(default=None, max_length=MAX_JOB_DESCRIPTION_CHARS)
    # "weak_points": a short session on the listening points the caller keeps missing in this module.
    focus: Literal["weak_points"] | None = None
    # An interview for an employer pipeline the caller joined: shared with its recruiter.
    pipeline_id: str | None = Field(default=None, max_length=64)
    # The room's finish step: after the last question the session stays open (answer again, then
    # "Finish") instead of closing; clients that take `question: null` as the end leave it off.
    finish_step: bool = False


@router.post("/sessions", status_code=201)
async def start_session(
    body: StartIn,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    temporal: TemporalDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(max_length=100, pattern=r"^[\x21-\x7e]+$")] = None,
) -> dict[str, Any]:
    module = await db.get(Module, body.module_id)
    if module is None:
        raise HTTPException(404, "No such module.")
    parsed = None
    resume_id = None
    if body.resume_id:
        resume = await db.get(Resume, parse_uuid(body.resume_id, "resume"))
        if resume is None or resume.user_id != user.id:
            raise HTTPException(404, "No such resume.")
        if resume.status != "parsed":
            raise HTTPException(409, f"That resume is {resume.status}; wait until it is parsed.")
        parsed, resume_id = resume.parsed, resume.id
    pipeline_id = await pipeline_for_start(db, user, body.pipeline_id, module.id) if body.pipeline_id else None
    max_q = body.max_questions or settings.default_max_questions
    job_description = clean_job_description(body.job_description or "") or None
    if job_description is not None and len(job_description) < MIN_JOB_DESCRIPTION_CHARS:
        raise HTTPException(
            422,
            "The job description is too short to match questions to; paste at least "
            f"{MIN_JOB_DESCRIPTION_CHARS} characters or leave it empty.",
        )
    focus = await sync_read(request, lambda s: practice_focus(s, user.id, module.id)) if body.focus else []
    if body.focus and not focus:
        raise HTTPException(
            409, "Nothing to practise in this module yet: no listening point you missed is still uncovered."
        )
    # A retried or double-clicked start (same Idempotency-Key) lands on the same session and workflow.
    session_id = uuid.uuid5(user.id, idempotency_key) if idempotency_key else uuid.uuid4()
    workflow_id = f"session-{session_id}"
    existing = await db.get(InterviewSession, session_id) if idempotency_key else None
    is_retry = existing is not None and existing.status != "failed_to_start"
    if not is_retry:
        await rate_limit(request, "session_start", str(user.id), "Too many interviews started")
        await _check_active_cap(db, user, settings.max_active_sessions_per_user)
    if existing is not None and not is_retry:  # an earlier attempt never started: this one may
        existing.status, existing.ended_at = "active", None
    elif existing is None:
        await db.execute(
            insert(InterviewSession)
            .values(
                id=session_id,
                user_id=user.id,
                module_id=module.id,
                resume_id=resume_id,
                parsed_resume_data=parsed,
                workflow_id=workflow_id,
                status="active",
                max_questions=max_q,
                pipeline_id=pipeline_id,
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )
    await db.commit()
    module_info = {"id": module.id, "name": module.name, "slug": module.slug}
    await db.close()  # no pooled connection held while the workflow seeds the first question
    start = WithStartWorkflowOperation(
        InterviewSessionWorkflow.run,
        SessionStartInput(
            session_id=str(session_id),
            user_id=str(user.id),
            module_id=module.id,
            domain=module.domain,
            resume_id=str(resume_id) if resume_id else None,
            max_questions=max_q,
            max_followups_per_question=settings.max_followups_per_question,
            followup_thin_words=settings.followup_thin_words,
            followup_min_similarity=settings.followup_min_similarity,
            idle_timeout_seconds=settings.session_idle_timeout_minutes * 60,
            max_answer_chars=settings.max_answer_chars,
            queues=TaskQueues.with_prefix(settings.task_queue_prefix),
            job_description=job_description,
            focus_points=focus,
            hold_for_finish=body.finish_step,
            finish_grace_seconds=settings.session_finish_grace_minutes * 60,
        ),
        id=workflow_id,
        task_queue=settings.task_queue("interview"),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=TypedSearchAttributes([SearchAttributePair(INTERVIEW_STATUS, "active")]),
    )
    try:
        result: AnswerResult = await workflow_call(
            temporal.execute_update_with_start_workflow(
                InterviewSessionWorkflow.open, OpenSessionInput(), start_workflow_operation=start
            ),
            START_UNANSWERED,
        )
    except HTTPException:
        if not is_retry:
            await _unless_started_mark_failed(request.app.state.db_factory, temporal, session_id, workflow_id)
        raise
    return {
        "id": str(session_id),
        "status": result.status,
        "max_questions": max_q,
        "module": module_info,
        "question": result.question.model_dump() if result.question else None,
    }


async def _check_active_cap(db: AsyncSession, user: User, cap: int) -> None:
    # Row lock on the user: concurrent starts by one user queue here, so the count cannot be raced.
    await db.execute(select(User.id).where(User.id == user.id).with_for_update())
    active = await db.scalar(
        select(func.count())
        .select_from(InterviewSession)
        .where(InterviewSession.user_id == user.id, InterviewSession.status == "active")
    )
    if (active or 0) >= cap:
        raise HTTPException(
            429,
            f"You already have {active} interviews in progress (the limit is {cap}); finish or end one first.",
            headers={"Retry-After": "60"},
        )


async def _unless_started_mark_failed(
    factory: async_sessionmaker[AsyncSession], temporal: Client, session_id: uuid.UUID, workflow_id: str
) -> None:
    """The row exists but the open failed. If the workflow is running it owns the row and will move
    it on; otherwise nothing ever will, so the row must not stay `active` (a phantom that also counts
    against the user's cap)."""
    try:
        desc = await temporal.get_workflow_handle(workflow_id).describe(rpc_timeout=timedelta(seconds=3))
        if desc.status == WorkflowExecutionStatus.RUNNING:
            return
    except Exception:  # noqa: S110 - not found or Temporal unreachable: either way no workflow owns it
        pass
    async with factory() as db:
        await db.execute(
            update(InterviewSession)
            .where(InterviewSession.id == session_id, InterviewSession.status == "active")
            .values(status="failed_to_start", ended_at=func.now())
        )
        await db.commit()
    log.warning("session failed to start", extra={"session_id": str(session_id), "workflow_id": workflow_id})


@router.get("/sessions")
async def list_sessions(db: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    answered = (
        select(Response.session_id, func.count(func.distinct(Response.session_question_id)).label("n"))
        .group_by(Response.session_id)
        .subquery()
    )
    rows = (
        await db.execute(
            select(InterviewSession, Module.name, answered.c.n)
            .join(Module, Module.id == InterviewSession.module_id)
            .outerjoin(answered, answered.c.session_id == InterviewSession.id)
            .where(InterviewSession.user_id == user.id)
            .order_by(InterviewSession.created_at.desc())
            .limit(200)
        )
    ).all()
    return [
        {
            "id": str(s.id),
            "status": s.status,
            "module": {"id": s.module_id, "name": name},
            "created_at": s.created_at.isoformat(),
            "ended_at": s.ended_at.isoformat() if s.ended_at else None,
            "overall_score": s.overall_score,
            "answered": int(n or 0),
            "max_questions": s.max_questions,
        }
        for s, name, n in rows
    ]


@router.get("/sessions/{session_id}")
async def get_session(
    session_id: str, request: Request, db: SessionDep, user: CurrentUser, temporal: TemporalDep
) -> dict[str, Any]:
    sess = await owned_session(db, user, session_id)
    base = {
        "id": str(sess.id),
        "module": await module_name(db, sess.module_id),
        "workflow_id": sess.workflow_id,
        "created_at": sess.created_at.isoformat(),
        "max_questions": sess.max_questions,
    }
    await db.commit()  # release the connection during the query; reopened only for the fallback
    try:
        # A query needs a worker; right after a worker crash it would wait out the sticky-queue
        # timeout (~10 s). Answer from PostgreSQL and the Redis mirror instead of hanging the page.
        state: SessionState = await temporal.get_workflow_handle(sess.workflow_id).query(
            InterviewSessionWorkflow.get_state, rpc_timeout=QUERY_TIMEOUT
        )
        return {**base, **state.model_dump(mode="json", exclude={"session_id"})}
    except RPCError:
        return {**base, **await _state_from_storage(request, db, sess), "degraded": True}


async def _state_from_storage(request: Request, db: AsyncSession, sess: InterviewSession) -> dict[str, Any]:
    counts: dict[str, int] = dict(
        (
            await db.execute(
                select(SessionQuestion.status, func.count())
                .where(SessionQuestion.session_id == sess.id)
                .group_by(SessionQuestion.status)
            )
        ).all()
    )
    question = None
    if sess.status == "active":
        raw = await request.app.state.redis.get(current_key(str(sess.id)))
        question = json.loads(raw)["data"] if raw else None
    answered, skipped = int(counts.get("answered", 0)), int(counts.get("skipped", 0))
    return {
        "status": sess.status,
        "question": question,
        "asked": answered + skipped + int(counts.get("asked", 0)),
        "answered": answered,
        "skipped": skipped,
        "scored": 0,
        "scoring_errors": [],
    }


@router.post("/sessions/{session_id}/end", status_code=202)
async def end(session_id: str, db: SessionDep, user: CurrentUser, temporal: TemporalDep) -> dict[str, Any]:
    sess = await owned_session(db, user, session_id)
    if sess.user_id != user.id:
        raise HTTPException(403, "Only the candidate can end this session.")
    if sess.status not in ("active",):
        raise HTTPException(409, f"The session is already {sess.status}.")
    await db.close()
    await workflow_call(
        temporal.get_workflow_handle(sess.workflow_id).signal(
            InterviewSessionWorkflow.end, EndInput(reason="candidate")
        )
    )
    return {"status": "ending"}


@router.get("/sessions/{session_id}/report")
async def report(session_id: str, db: SessionDep, user: CurrentUser, settings: SettingsDep) -> JSONResponse:
    sess = await readable_session(db, user, session_id)
    fb = await db.get(FeedbackReportRow, sess.id)
    if fb is None:
        if sess.status == "failed_to_start":
            raise HTTPException(409, "This interview never started, so there is no report.")
        if sess.status in ("ended",) or (
            sess.status == "abandoned"
            and sess.overall_score is None
            and sess.ended_at is not None
            and await _no_answers(db, sess)
        ):
            raise HTTPException(409, "This session ended without answers, so there is no report.")
        detail = {
            "active": "The interview is still running.",
            "scoring": "Scoring your answers…",
            "scoring_failed": "Scoring hit a problem and is waiting for a retry by staff; your answers are safe.",
        }.get(sess.status, "Preparing the report…")
        return JSONResponse({"status": sess.status, "detail": detail}, status_code=202)
    # build_report is plain SQLAlchemy shared with the worker; run_sync drives it over the asyncio
    # connection (greenlet), so its queries await instead of blocking.
    body = await db.run_sync(lambda sync_db: build_report(sync_db, sess, fb, settings.percentile_min_population))
    return JSONResponse(body)


async def _no_answers(db: AsyncSession, sess: InterviewSession) -> bool:
    return not await db.scalar(select(func.count()).select_from(Response).where(Response.session_id == sess.id))


@router.get("/sessions/{session_id}/responses/{response_id}/audio", response_model=None)
async def response_audio(
    session_id: str, response_id: str, db: SessionDep, user: CurrentUser, media: MediaDep
) -> FileResponse:
    sess = await readable_session(db, user, session_id)
    resp = await db.get(Response, parse_uuid(response_id, "response"))
    if resp is None or resp.session_id != sess.id or not resp.audio_key:
        raise HTTPException(404, "No recording for that answer.")
    path = media.path(resp.audio_key)
    if not await asyncio.to_thread(path.exists):
        raise HTTPException(404, "The recording is no longer stored.")
    return FileResponse(path, media_type=AUDIO_TYPES.get(path.suffix.lstrip("."), "application/octet-stream"))
