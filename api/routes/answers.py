"""Answers and skips: each is an Update to the session's workflow, deduplicated by its content."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import exists, select

from api.deps import CurrentUser, MediaDep, SessionDep, SettingsDep, TemporalDep
from api.errors import COMMON_ERRORS, error_responses
from api.interview import ANSWER_UNANSWERED, owned_session, workflow_call
from api.limits import rate_limit
from api.validation import SafeLine, SafeText, safe_filename
from talentsync.contracts import AnswerInput, AnswerResult, SkipInput
from talentsync.db.models import Response
from talentsync.media import MediaStore
from workflows.interview_session import InterviewSessionWorkflow

router = APIRouter(tags=["sessions"], responses={**COMMON_ERRORS, **error_responses(403, 404, 409)})
log = logging.getLogger(__name__)

AUDIO_EXTENSIONS = {"webm": "webm", "ogg": "ogg", "mp3": "mp3", "mp4": "m4a", "wav": "wav", "flac": "flac"}


class AnswerIn(BaseModel):
    question_id: SafeLine = Field(min_length=1, max_length=64)
    text: SafeText = Field(max_length=200_000)
    # The attempt shown to the candidate (2+ after "answer again"); None for clients that predate it.
    attempt: int | None = Field(default=None, ge=1, le=20)
    # The client's send number for this same answer: 1 (or absent) the first time, 2+ when the person
    # sends it again after a failure, so the retry runs anew instead of replaying the failed outcome.
    send: int | None = Field(default=None, ge=1, le=50)


class SkipIn(BaseModel):
    question_id: SafeLine = Field(min_length=1, max_length=64)


def _answer_update_id(question_id: str, content: bytes, attempt: int | None = None, send: int | None = None) -> str:
    # Derived from the answer, so a double click or a network retry of the same send is answered
    # once; a later attempt at the same question is a new answer even when its words are the same.
    # Temporal replays an update's outcome by id, failures included: a deliberate re-send after a
    # failure carries a higher send number, so it is tried again rather than answered with the error.
    again = f"a{attempt}-" if attempt and attempt > 1 else ""
    resend = f"s{send}-" if send and send > 1 else ""
    return f"answer-{question_id}-{again}{resend}{hashlib.sha256(content).hexdigest()[:24]}"


@router.post("/sessions/{session_id}/answers")
async def answer(
    session_id: str,
    body: AnswerIn,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    sess = await owned_session(db, user, session_id)
    await db.close()  # release the connection while the workflow works
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
    await rate_limit(request, "answer", str(user.id), "Too many answers")
    result: AnswerResult = await workflow_call(
        temporal.get_workflow_handle(sess.workflow_id).execute_update(
            InterviewSessionWorkflow.answer,
            AnswerInput(question_id=body.question_id, text=text, attempt=body.attempt),
            id=_answer_update_id(body.question_id, text.encode(), body.attempt, body.send),
        ),
        ANSWER_UNANSWERED,
    )
    return result.model_dump(mode="json")


@router.post("/sessions/{session_id}/answers/audio", responses=error_responses(400, 415))
async def answer_audio(
    session_id: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    temporal: TemporalDep,
    media: MediaDep,
    settings: SettingsDep,
    question_id: Annotated[SafeLine, Form(min_length=1, max_length=64)],
    file: Annotated[UploadFile, File()],
    attempt: Annotated[int | None, Form(ge=1, le=20)] = None,
    send: Annotated[int | None, Form(ge=1, le=50)] = None,
) -> dict[str, Any]:
    from talentsync.speech.audio import sniff_audio

    sess = await owned_session(db, user, session_id)
    await db.close()
    if sess.user_id != user.id:
        raise HTTPException(403, "Only the candidate can answer in this session.")
    await rate_limit(request, "upload", str(user.id), "Too many uploads")
    await rate_limit(request, "answer", str(user.id), "Too many answers")
    data = await file.read(settings.max_audio_bytes + 1)
    if len(data) > settings.max_audio_bytes:
        raise HTTPException(413, f"The recording is over {settings.max_audio_bytes // (1024 * 1024)} MB.")
    if not data:
        raise HTTPException(422, "The recording is empty.")
    kind = sniff_audio(data[:64])
    if kind is None:
        raise HTTPException(415, "That file is not audio we can read (webm/opus, ogg, mp3, m4a, wav or flac).")
    digest = hashlib.sha256(data).hexdigest()
    # The key follows from (session, question, content) like the update id, so a client retry
    # overwrites the same file instead of leaving an unreferenced copy.
    key = f"audio/{uuid.uuid5(sess.id, f'{question_id}:{digest}')}.{AUDIO_EXTENSIONS.get(kind, 'bin')}"
    await asyncio.to_thread(media.write, key, data)
    try:
        result: AnswerResult = await workflow_call(
            temporal.get_workflow_handle(sess.workflow_id).execute_update(
                InterviewSessionWorkflow.answer,
                AnswerInput(
                    question_id=question_id,
                    audio_key=key,
                    audio_filename=safe_filename(file.filename, "recording"),
                    attempt=attempt,
                ),
                id=_answer_update_id(question_id, data, attempt, send),
            ),
            ANSWER_UNANSWERED,
        )
    except HTTPException as err:
        if err.status_code < 500:  # a definite rejection; after a 503 the answer may still be recorded
            await _drop_unreferenced(request, media, key)
        raise
    return result.model_dump(mode="json")


async def _drop_unreferenced(request: Request, media: MediaStore, key: str) -> None:
    """Delete a rejected recording unless an earlier, accepted copy of the same answer uses it."""
    async with request.app.state.db_factory() as db:
        referenced = await db.scalar(select(exists().where(Response.audio_key == key)))
    if not referenced:
        await asyncio.to_thread(media.delete, key)


@router.post("/sessions/{session_id}/skip")
async def skip(
    session_id: str, body: SkipIn, request: Request, db: SessionDep, user: CurrentUser, temporal: TemporalDep
) -> dict[str, Any]:
    sess = await owned_session(db, user, session_id)
    await db.close()
    if sess.user_id != user.id:
        raise HTTPException(403, "Only the candidate can skip in this session.")
    await rate_limit(request, "answer", str(user.id), "Too many answers")
    result: AnswerResult = await workflow_call(
        temporal.get_workflow_handle(sess.workflow_id).execute_update(
            InterviewSessionWorkflow.skip,
            SkipInput(question_id=body.question_id),
            id=f"skip-{body.question_id}",
        )
    )
    return result.model_dump(mode="json")
