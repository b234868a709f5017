"""Interview sessions: every state change is an Update or Signal to the session's workflow."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    File,
    Form,
    Header,
    HTTPException,
    Request,
    UploadFile,
    WebSocket,
    WebSocketDisconnect,
)
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from temporalio.client import WithStartWorkflowOperation, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.deps import CurrentUser, MediaDep, SessionDep, SettingsDep, TemporalDep, parse_uuid, user_from_token
from api.limits import rate_limit
from api.reports import build_report
from talentsync.contracts import (
    AnswerInput,
    AnswerResult,
    EndInput,
    OpenSessionInput,
    SessionStartInput,
    SessionState,
    SkipInput,
    TaskQueues,
)
from talentsync.db.models import (
    FeedbackReportRow,
    InterviewSession,
    Module,
    Response,
    Resume,
    SessionQuestion,
    User,
)
from talentsync.events import channel, current_key
from workflows.interview_session import (
    ERR_INVALID_ANSWER,
    ERR_NO_SPEECH,
    ERR_NOT_ACTIVE,
    ERR_NOT_CURRENT,
    INTERVIEW_STATUS,
    InterviewSessionWorkflow,
)

router = APIRouter(tags=["sessions"])
log = logging.getLogger(__name__)

ERROR_STATUS = {
    ERR_NOT_CURRENT: 409,
    ERR_NOT_ACTIVE: 409,
    ERR_INVALID_ANSWER: 422,
    ERR_NO_SPEECH: 422,
    "AudioError": 422,
}
QUERY_TIMEOUT = timedelta(seconds=2)
AUDIO_EXTENSIONS = {"webm": "webm", "ogg": "ogg", "mp3": "mp3", "mp4": "m4a", "wav": "wav", "flac": "flac"}


class StartIn(BaseModel):
    module_id: int
    resume_id: str | None = None
    max_questions: int | None = Field(default=None, ge=1, le=20)


class AnswerIn(BaseModel):
    question_id: str = Field(min_length=1, max_length=64)
    text: str = Field(max_length=200_000)


class SkipIn(BaseModel):
    question_id: str = Field(min_length=1, max_length=64)


def owned_session(db: Session, user: User, session_id: str) -> InterviewSession:
    sess = db.get(InterviewSession, parse_uuid(session_id, "session"))
    # Someone else's session looks exactly like a missing one: no existence leak.
    if sess is None or (sess.user_id != user.id and "reports:any" not in user.permission_codes):
        raise HTTPException(404, "No such session.")
    return sess


def _workflow_error(err: BaseException) -> HTTPException:
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
    return HTTPException(503, "The interview service is busy or restarting; your answer was not lost — try again.")


async def _call(coro: Any) -> Any:
    try:
        return await coro
    except (WorkflowUpdateFailedError, RPCError) as err:
        raise _workflow_error(err) from err


def module_name(db: Session, module_id: int) -> dict[str, Any]:
    m = db.get(Module, module_id)
    return {"id": module_id, "name": m.name if m else "", "slug": m.slug if m else ""}


def _result_json(result: AnswerResult) -> dict[str, Any]:
    return result.model_dump(mode="json")


@router.post("/sessions", status_code=201)
async def start_session(
    body: StartIn,
    db: SessionDep,
    user: CurrentUser,
    temporal: TemporalDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> dict[str, Any]:
    module = db.get(Module, body.module_id)
    if module is None:
        raise HTTPException(404, "No such module.")
    parsed = None
    resume_id = None
    if body.resume_id:
        resume = db.get(Resume, parse_uuid(body.resume_id, "resume"))
        if resume is None or resume.user_id != user.id:
            raise HTTPException(404, "No such resume.")
        if resume.status != "parsed":
            raise HTTPException(409, f"That resume is {resume.status}; wait until it is parsed.")
        parsed, resume_id = resume.parsed, resume.id
    max_q = body.max_questions or settings.default_max_questions
    # A retried or double-clicked start (same Idempotency-Key) lands on the same session and workflow.
    session_id = uuid.uuid5(user.id, idempotency_key) if idempotency_key else uuid.uuid4()
    workflow_id = f"session-{session_id}"
    db.execute(
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
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )
    db.commit()
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
            followup_min_similarity=settings.followup_min_similarity,
            idle_timeout_seconds=settings.session_idle_timeout_minutes * 60,
            max_answer_chars=settings.max_answer_chars,
            queues=TaskQueues.with_prefix(settings.task_queue_prefix),
        ),
        id=workflow_id,
        task_queue=settings.task_queue("interview"),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=TypedSearchAttributes([SearchAttributePair(INTERVIEW_STATUS, "active")]),
    )
    result: AnswerResult = await _call(
        temporal.execute_update_with_start_workflow(
            InterviewSessionWorkflow.open, OpenSessionInput(), start_workflow_operation=start
        )
    )
    return {
        "id": str(session_id),
        "status": result.status,
        "max_questions": max_q,
        "module": module_name(db, module.id),
        "question": result.question.model_dump() if result.question else None,
    }


def _handle(temporal: TemporalDep, sess: InterviewSession) -> WorkflowHandle[Any, Any]:
    return temporal.get_workflow_handle(sess.workflow_id)


@router.get("/sessions")
def list_sessions(db: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    answered = (
        select(Response.session_id, func.count(func.distinct(Response.session_question_id)).label("n"))
        .group_by(Response.session_id)
        .subquery()
    )
    rows = db.execute(
        select(InterviewSession, Module.name, answered.c.n)
        .join(Module, Module.id == InterviewSession.module_id)
        .outerjoin(answered, answered.c.session_id == InterviewSession.id)
        .where(InterviewSession.user_id == user.id)
        .order_by(InterviewSession.created_at.desc())
        .limit(200)
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
    sess = await run_in_threadpool(owned_session, db, user, session_id)
    base = {
        "id": str(sess.id),
        "module": module_name(db, sess.module_id),
        "workflow_id": sess.workflow_id,
        "created_at": sess.created_at.isoformat(),
        "max_questions": sess.max_questions,
    }
    try:
        # A query needs a worker; right after a worker crash it would wait out the sticky-queue
        # timeout (~10 s). Answer from PostgreSQL and the Redis mirror instead of hanging the page.
        state: SessionState = await _handle(temporal, sess).query(
            InterviewSessionWorkflow.get_state, rpc_timeout=QUERY_TIMEOUT
        )
        return {**base, **state.model_dump(mode="json", exclude={"session_id"})}
    except RPCError:
        return {**base, **await _state_from_storage(request, db, sess), "degraded": True}


async def _state_from_storage(request: Request, db: Session, sess: InterviewSession) -> dict[str, Any]:
    counts = dict(
        db.execute(
            select(SessionQuestion.status, func.count())
            .where(SessionQuestion.session_id == sess.id)
            .group_by(SessionQuestion.status)
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


def _answer_update_id(question_id: str, content: bytes) -> str:
    # Derived from the answer, so a client retry of the same answer is answered once.
    return f"answer-{question_id}-{hashlib.sha256(content).hexdigest()[:24]}"


@router.post("/sessions/{session_id}/answers")
async def answer(
    session_id: str,
    body: AnswerIn,
    db: SessionDep,
    user: CurrentUser,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    sess = await run_in_threadpool(owned_session, db, user, session_id)
    if sess.user_id != user.id:
        raise HTTPException(403, "Only the candidate can answer in this session.")
    text = body.text.strip()
    if not text:
        raise HTTPException(422, "The answer is empty; type an answer or skip the question.")
    if len(text) > settings.max_answer_chars:
        raise HTTPException(
            422,
            f"The answer is {len(text):,} characters; the limit is {settings.max_answer_chars:,}. Shorten it.",
        )
    db.close()  # release the connection while the workflow works
    result: AnswerResult = await _call(
        _handle(temporal, sess).execute_update(
            InterviewSessionWorkflow.answer,
            AnswerInput(question_id=body.question_id, text=text),
            id=_answer_update_id(body.question_id, text.encode()),
        )
    )
    return _result_json(result)


@router.post("/sessions/{session_id}/answers/audio")
async def answer_audio(
    session_id: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    temporal: TemporalDep,
    media: MediaDep,
    settings: SettingsDep,
    question_id: Annotated[str, Form(max_length=64)],
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    from talentsync.speech.audio import sniff_audio

    sess = await run_in_threadpool(owned_session, db, user, session_id)
    if sess.user_id != user.id:
        raise HTTPException(403, "Only the candidate can answer in this session.")
    rate_limit(request, "upload", f"audio:{user.id}")
    data = await file.read(settings.max_audio_bytes + 1)
    if len(data) > settings.max_audio_bytes:
        raise HTTPException(413, f"The recording is over {settings.max_audio_bytes // (1024 * 1024)} MB.")
    if not data:
        raise HTTPException(422, "The recording is empty.")
    kind = sniff_audio(data[:64])
    if kind is None:
        raise HTTPException(415, "That file is not audio we can read (webm/opus, ogg, mp3, m4a, wav or flac).")
    key = media.new_key("audio", AUDIO_EXTENSIONS.get(kind, "bin"))
    await asyncio.to_thread(media.write, key, data)
    db.close()
    result: AnswerResult = await _call(
        _handle(temporal, sess).execute_update(
            InterviewSessionWorkflow.answer,
            AnswerInput(question_id=question_id, audio_key=key, audio_filename=(file.filename or "")[:200]),
            id=_answer_update_id(question_id, data),
        )
    )
    return _result_json(result)


@router.post("/sessions/{session_id}/skip")
async def skip(
    session_id: str, body: SkipIn, db: SessionDep, user: CurrentUser, temporal: TemporalDep
) -> dict[str, Any]:
    sess = await run_in_threadpool(owned_session, db, user, session_id)
    if sess.user_id != user.id:
        raise HTTPException(403, "Only the candidate can skip in this session.")
    result: AnswerResult = await _call(
        _handle(temporal, sess).execute_update(
            InterviewSessionWorkflow.skip,
            SkipInput(question_id=body.question_id),
            id=f"skip-{body.question_id}",
        )
    )
    return _result_json(result)


@router.post("/sessions/{session_id}/end", status_code=202)
async def end(session_id: str, db: SessionDep, user: CurrentUser, temporal: TemporalDep) -> dict[str, Any]:
    sess = await run_in_threadpool(owned_session, db, user, session_id)
    if sess.user_id != user.id:
        raise HTTPException(403, "Only the candidate can end this session.")
    if sess.status not in ("active",):
        raise HTTPException(409, f"The session is already {sess.status}.")
    await _call(_handle(temporal, sess).signal(InterviewSessionWorkflow.end, EndInput(reason="candidate")))
    return {"status": "ending"}


@router.get("/sessions/{session_id}/report")
def report(session_id: str, db: SessionDep, user: CurrentUser) -> JSONResponse:
    sess = owned_session(db, user, session_id)
    fb = db.get(FeedbackReportRow, sess.id)
    if fb is None:
        if sess.status in ("ended",) or (
            sess.status == "abandoned"
            and sess.overall_score is None
            and sess.ended_at is not None
            and _no_answers(db, sess)
        ):
            raise HTTPException(409, "This session ended without answers, so there is no report.")
        detail = {
            "active": "The interview is still running.",
            "scoring": "Scoring your answers…",
            "scoring_failed": "Scoring hit a problem and is waiting for a retry by staff; your answers are safe.",
        }.get(sess.status, "Preparing the report…")
        return JSONResponse({"status": sess.status, "detail": detail}, status_code=202)
    return JSONResponse(build_report(db, sess, fb))


def _no_answers(db: Session, sess: InterviewSession) -> bool:
    return not db.scalar(select(func.count()).select_from(Response).where(Response.session_id == sess.id))


@router.get("/sessions/{session_id}/responses/{response_id}/audio")
def response_audio(
    session_id: str, response_id: str, db: SessionDep, user: CurrentUser, media: MediaDep
) -> FileResponse:
    sess = owned_session(db, user, session_id)
    resp = db.get(Response, parse_uuid(response_id, "response"))
    if resp is None or resp.session_id != sess.id or not resp.audio_key:
        raise HTTPException(404, "No recording for that answer.")
    path = media.path(resp.audio_key)
    if not path.exists():
        raise HTTPException(404, "The recording is no longer stored.")
    media_type = {
        "webm": "audio/webm",
        "ogg": "audio/ogg",
        "mp3": "audio/mpeg",
        "m4a": "audio/mp4",
        "wav": "audio/wav",
        "flac": "audio/flac",
    }.get(path.suffix.lstrip("."), "application/octet-stream")
    return FileResponse(path, media_type=media_type)


@router.websocket("/sessions/{session_id}/events")
async def events(websocket: WebSocket, session_id: str) -> None:
    app = websocket.app
    token = websocket.query_params.get("token")
    with app.state.db_factory() as db:
        try:
            user = user_from_token(db, app.state.settings, token)
            sess = await run_in_threadpool(owned_session, db, user, session_id)
        except HTTPException:
            await websocket.close(code=4401 if not token else 4404)
            return
        sid = str(sess.id)
    await websocket.accept()
    pubsub = app.state.redis.pubsub()
    await pubsub.subscribe(channel(sid))
    try:
        current = await app.state.redis.get(current_key(sid))
        if current:
            await websocket.send_text(current.decode())

        async def pump() -> None:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    await websocket.send_text(message["data"].decode())

        async def drain() -> None:
            while True:  # detect the client going away
                await websocket.receive_text()

        tasks = [asyncio.create_task(pump()), asyncio.create_task(drain())]
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in pending:
            t.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        with contextlib.suppress(Exception):
            await pubsub.unsubscribe(channel(sid))
            await pubsub.aclose()
