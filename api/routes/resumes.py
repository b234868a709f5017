"""Resume upload and review. The bytes go to the media store; parsing runs in `resume-<id>`."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, File, HTTPException, Request, Response, UploadFile
from pydantic import ValidationError
from sqlalchemy import select
from temporalio.common import WorkflowIDConflictPolicy

from api.deps import CurrentUser, MediaDep, SessionDep, SettingsDep, TemporalDep, parse_uuid
from api.errors import COMMON_ERRORS, error_responses
from api.limits import rate_limit
from api.validation import control_char_problem, safe_filename
from talentsync.contracts import ParseResumeInput, TaskQueues
from talentsync.db.models import Resume
from talentsync.resume.errors import ResumeError
from talentsync.resume.extract import extract_text
from talentsync.resume.models import ParsedResume
from talentsync.resume.sniff import sniff_resume_type
from workflows.resume_parse import ResumeParseWorkflow

log = logging.getLogger(__name__)
router = APIRouter(tags=["resumes"], responses={**COMMON_ERRORS, **error_responses(404)})

# What a corrected resume may hold. The parser stays well inside these; they stop a client from
# storing megabytes of JSON that every later interview start copies into its workflow input.
LIST_CAPS = {"skills": 200, "roles": 50, "projects": 50, "education": 30, "achievements": 100, "bullets": 40}
DEFAULT_LIST_CAP = 50
# Fields holding prose or raw section text: line breaks allowed, longer strings.
LONG_TEXT_CAPS = {"summary": 5000, "bullets": 2000, "text": 2000, "description": 2000, "raw": 5000, "details": 2000}
SECTION_TEXT_CAP = 50_000
MAX_SECTIONS = 40
MAX_SOURCES_PER_FIELD = 300  # `sources` maps each listed item to its line; never more than the lists hold
SHORT_TEXT_CAP = 300


def resume_out(r: Resume) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "filename": r.filename,
        "kind": r.kind,
        "size_bytes": r.size_bytes,
        "status": r.status,
        "error": r.error,
        "parsed": r.parsed,
        "created_at": r.created_at.isoformat(),
    }


async def _owned(db: SessionDep, user: CurrentUser, resume_id: str) -> Resume:
    r = await db.get(Resume, parse_uuid(resume_id, "resume"))
    if r is None or r.user_id != user.id:
        raise HTTPException(404, "No such resume.")
    return r


@router.post("/resumes", status_code=202, responses=error_responses(400, 415))
async def upload_resume(
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    temporal: TemporalDep,
    media: MediaDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    await rate_limit(request, "upload", f"resume:{user.id}", "Too many uploads")
    data = await file.read(settings.max_resume_bytes + 1)
    if len(data) > settings.max_resume_bytes:
        raise HTTPException(413, f"The file is over {settings.max_resume_bytes // (1024 * 1024)} MB.")
    filename = safe_filename(file.filename, "resume")
    resume_id = uuid.uuid4()
    try:
        if not data:
            raise ResumeError(422, "The file is empty.")
        kind = sniff_resume_type(data[:8192], filename)
        # Cheap structural checks now (encryption, corruption, zip bombs, page count) so the candidate
        # hears about a bad file at once; the full parse runs in the workflow.
        await asyncio.to_thread(extract_text, data, kind)
    except ResumeError as err:
        db.add(
            Resume(
                id=resume_id,
                user_id=user.id,
                filename=filename,
                kind="?",
                size_bytes=len(data),
                storage_key="",
                status="failed",
                error=err.detail,
            )
        )
        await db.commit()
        raise HTTPException(err.status_code, err.detail) from None
    key = media.new_key("resume", kind)
    await asyncio.to_thread(media.write, key, data)
    row = Resume(
        id=resume_id,
        user_id=user.id,
        filename=filename,
        kind=kind,
        size_bytes=len(data),
        storage_key=key,
        status="processing",
    )
    db.add(row)
    await db.commit()
    await db.close()
    await temporal.start_workflow(
        ResumeParseWorkflow.run,
        ParseResumeInput(resume_id=str(resume_id), queues=TaskQueues.with_prefix(settings.task_queue_prefix)),
        id=f"resume-{resume_id}",
        task_queue=settings.task_queue("interview"),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return {"id": str(resume_id), "status": "processing", "filename": filename}


@router.get("/resumes")
async def list_resumes(db: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    rows = await db.scalars(
        select(Resume).where(Resume.user_id == user.id).order_by(Resume.created_at.desc()).limit(100)
    )
    return [{k: v for k, v in resume_out(r).items() if k != "parsed"} for r in rows]


@router.get("/resumes/{resume_id}")
async def get_resume(resume_id: str, db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    return resume_out(await _owned(db, user, resume_id))


def correction_problem(value: Any, path: str = "", field: str = "") -> str | None:
    """'<path>: <problem>' for the first list or string over its cap or holding a control character."""
    where = path or "parsed"
    if isinstance(value, str):
        if field == "sections":
            cap, long_text = SECTION_TEXT_CAP, True
        else:
            cap, long_text = LONG_TEXT_CAPS.get(field, SHORT_TEXT_CAP), field in LONG_TEXT_CAPS
        if len(value) > cap:
            return f"{where}: at most {cap:,} characters (got {len(value):,})"
        problem = control_char_problem(value, allow_newlines=long_text)
        return f"{where}: {problem}" if problem else None
    if isinstance(value, list):
        cap = LIST_CAPS.get(field, DEFAULT_LIST_CAP)
        if len(value) > cap:
            return f"{where}: at most {cap} entries (got {len(value)})"
        for i, item in enumerate(value):
            if found := correction_problem(item, f"{where}.{i}", field):
                return found
    elif isinstance(value, dict):
        if field == "sections" and len(value) > MAX_SECTIONS:
            return f"{where}: at most {MAX_SECTIONS} sections (got {len(value)})"
        if len(value) > MAX_SOURCES_PER_FIELD:
            return f"{where}: at most {MAX_SOURCES_PER_FIELD} entries (got {len(value)})"
        for key, item in value.items():
            if field == "sections":
                if len(key) > SHORT_TEXT_CAP or control_char_problem(key):
                    return f"{where}: section names are short single lines"
                child = "sections"
            else:
                child = key
            if found := correction_problem(item, f"{path}.{key}" if path else key, child):
                return found
    return None


@router.put("/resumes/{resume_id}", responses=error_responses(409))
async def correct_resume(
    resume_id: str, body: Annotated[dict[str, Any], Body()], db: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """The candidate fixes what the parser got wrong before an interview uses it."""
    try:
        parsed = ParsedResume.model_validate(body.get("parsed", body))
    except ValidationError as err:
        first = err.errors()[0]
        raise HTTPException(422, f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    dumped = parsed.model_dump(mode="json")
    if problem := correction_problem(dumped):
        raise HTTPException(422, problem)
    r = await _owned(db, user, resume_id)
    if r.status != "parsed":
        raise HTTPException(409, f"The resume is {r.status}; only a parsed resume can be corrected.")
    r.parsed = dumped
    await db.commit()
    return resume_out(r)


@router.delete("/resumes/{resume_id}", status_code=204, response_class=Response)
async def delete_resume(resume_id: str, db: SessionDep, user: CurrentUser, media: MediaDep) -> Response:
    """Delete one of your resumes and its uploaded file.

    Only the owner can delete a resume; any other id answers 404, as for reading it. Interview
    sessions that used the resume are not changed: each keeps the parsed copy it started with
    (`parsed_resume_data`), so its questions, answers and report stay as they were; the session's
    link to the resume (`resume_id`) becomes null. A parse still running for the resume finds the
    row gone and stops.
    """
    row = await _owned(db, user, resume_id)
    key = row.storage_key
    await db.delete(row)
    await db.commit()
    # The row goes first: a file left behind by a failed unlink is an orphan the retention sweep
    # removes, while a row whose file is gone would break a later parse or export.
    if key:
        try:
            await asyncio.to_thread(media.delete, key)
        except (OSError, ValueError) as exc:
            log.warning("resume file not removed", extra={"resume_id": str(row.id), "error": type(exc).__name__})
    return Response(status_code=204)
