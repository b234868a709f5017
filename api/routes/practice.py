"""Practice aids in the interview room: the model answer after answering, answering a question
again, and live transcripts while recording (draft passes run on the `transcription` queue in a
small workflow per recording, never in this process)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from redis.exceptions import RedisError
from sqlalchemy import exists, select

from api.deps import CurrentUser, MediaDep, SessionDep, SettingsDep, TemporalDep, parse_uuid
from api.errors import COMMON_ERRORS, error_responses
from api.interview import owned_session, workflow_call
from api.limits import rate_limit
from talentsync.contracts import AnswerAgainInput, AnswerResult, PartialChunkSignal, PartialTranscriptStart
from talentsync.db.models import InterviewSession, Response, SessionQuestion, User
from talentsync.events import channel, current_key
from talentsync.speech.audio import sniff_audio
from talentsync.speech.partial import MAX_CHUNK_BYTES, MAX_CHUNKS, ChunkStore
from workflows.interview_session import InterviewSessionWorkflow
from workflows.partial_transcript import PartialTranscriptWorkflow

router = APIRouter(tags=["sessions"], responses={**COMMON_ERRORS, **error_responses(404, 409)})
log = logging.getLogger(__name__)

NOT_YET_ANSWERED = "Answer this question first: the model answer is shown once you have answered it."
REFERENCE_ANSWERS_SHOWN = 2


def _own(sess: InterviewSession, user: User) -> None:
    # Staff may read any report, but practice aids belong to the candidate alone.
    if sess.user_id != user.id:
        raise HTTPException(404, "No such session.")


def listening_points(raw: list[Any]) -> list[dict[str, str]]:
    """Rows from before listening points v2 hold plain strings; newer ones {point, listen_for, examples}."""
    points = []
    for kp in raw or []:
        if isinstance(kp, str):
            points.append({"point": kp, "listen_for": ""})
        elif isinstance(kp, dict) and kp.get("point"):
            points.append({"point": str(kp["point"]), "listen_for": str(kp.get("listen_for") or "")})
    return points


@router.get("/sessions/{session_id}/questions/{question_id}/model-answer")
async def model_answer(session_id: str, question_id: str, db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    sess = await owned_session(db, user, session_id)
    _own(sess, user)
    sq = await db.get(SessionQuestion, parse_uuid(question_id, "question"))
    if sq is None or sq.session_id != sess.id:
        raise HTTPException(404, "No such question in this session.")
    answered = await db.scalar(select(exists().where(Response.session_question_id == sq.id)))
    if not answered:
        # Never before: seeing the ideal answer first would make the practice pointless.
        raise HTTPException(409, NOT_YET_ANSWERED)
    return {
        "question_id": str(sq.id),
        "question": sq.text,
        "model_answer": sq.ideal_answer or None,
        "listening_points": listening_points(sq.key_points),
        "other_strong_answers": [a for a in (sq.reference_answers or []) if isinstance(a, str)][
            :REFERENCE_ANSWERS_SHOWN
        ],
    }


@router.post("/sessions/{session_id}/questions/{question_id}/answer-again")
async def answer_again(
    session_id: str, question_id: str, request: Request, db: SessionDep, user: CurrentUser, temporal: TemporalDep
) -> dict[str, Any]:
    sess = await owned_session(db, user, session_id)
    await db.close()
    _own(sess, user)
    parse_uuid(question_id, "question")
    await rate_limit(request, "answer", str(user.id), "Too many answers")
    result: AnswerResult = await workflow_call(
        temporal.get_workflow_handle(sess.workflow_id).execute_update(
            InterviewSessionWorkflow.answer_again, AnswerAgainInput(question_id=question_id)
        )
    )
    if result.question is not None:
        await _announce(request, str(sess.id), result.question.model_dump(mode="json"))
    return result.model_dump(mode="json")


async def _announce(request: Request, session_id: str, question: dict[str, Any]) -> None:
    """Publish the re-asked question like `mark_asked` does for new ones, so other tabs and a
    reconnecting socket (which first gets the mirrored current question) show it, not the question
    it interrupted. The workflow records no status for a re-ask: the question stays answered."""
    message = json.dumps({"type": "question", "data": question})
    try:
        await request.app.state.redis.publish(channel(session_id), message)
        await request.app.state.redis.set(current_key(session_id), message, ex=24 * 3600)
    except RedisError:
        log.warning("could not publish the re-asked question", extra={"session_id": session_id})


@router.post("/sessions/{session_id}/answers/audio/partial", status_code=202, responses=error_responses(413, 415, 422))
async def partial_audio(
    session_id: str,
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    temporal: TemporalDep,
    media: MediaDep,
    settings: SettingsDep,
    recording_id: Annotated[str, Form(min_length=32, max_length=36)],
    chunk_index: Annotated[int, Form(ge=0, lt=MAX_CHUNKS)],
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    sess = await owned_session(db, user, session_id)
    await db.close()
    _own(sess, user)
    if sess.status != "active":
        raise HTTPException(409, f"The session is {sess.status}; live transcripts are for an interview in progress.")
    try:
        recording = uuid.UUID(recording_id)
    except ValueError:
        raise HTTPException(422, "recording_id must be a UUID.") from None
    await rate_limit(request, "partial_audio", str(user.id), "Too many live-transcript uploads")
    data = await file.read(MAX_CHUNK_BYTES + 1)
    if len(data) > MAX_CHUNK_BYTES:
        raise HTTPException(413, f"A chunk is at most {MAX_CHUNK_BYTES // (1024 * 1024)} MB.")
    if not data:
        raise HTTPException(422, "The chunk is empty.")
    # Only the first chunk carries the container header; later ones continue its stream.
    if chunk_index == 0 and sniff_audio(data[:64]) not in ("webm", "matroska", "ogg"):
        raise HTTPException(415, "Live transcripts take the browser's webm or ogg recording.")
    store = ChunkStore(media.root)
    chunk_dir = store.chunk_dir(sess.id.hex, recording.hex)
    await asyncio.to_thread(store.write, chunk_dir, chunk_index, data)
    # Signal-with-start: the recording's workflow starts with its first chunk and is told about each
    # later one; it runs one draft pass at a time and always on the newest chunk.
    await workflow_call(
        temporal.start_workflow(
            PartialTranscriptWorkflow.run,
            PartialTranscriptStart(
                session_id=str(sess.id),
                recording_id=recording.hex,
                chunk_dir=chunk_dir,
                transcription_queue=settings.task_queue("transcription"),
                interview_queue=settings.task_queue("interview"),
                first_chunk=chunk_index,
            ),
            id=f"partial-{sess.id.hex}-{recording.hex}",
            task_queue=settings.task_queue("interview"),
            start_signal="chunk",
            start_signal_args=[PartialChunkSignal(chunk_index=chunk_index)],
        ),
        "The live transcript service did not answer; your recording itself is not affected.",
    )
    return {"recording_id": recording.hex, "chunk_index": chunk_index}
