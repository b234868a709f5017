"""Resume upload and review. The bytes go to the media store; parsing runs in `resume-<id>`."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from pydantic import ValidationError
from temporalio.common import WorkflowIDConflictPolicy

from api.deps import CurrentUser, MediaDep, SessionDep, SettingsDep, TemporalDep, parse_uuid
from api.limits import rate_limit
from talentsync.contracts import ParseResumeInput, TaskQueues
from talentsync.db.models import Resume
from talentsync.resume.errors import ResumeError
from talentsync.resume.extract import extract_text
from talentsync.resume.models import ParsedResume
from talentsync.resume.sniff import sniff_resume_type
from workflows.resume_parse import ResumeParseWorkflow

router = APIRouter(tags=["resumes"])


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


def _owned(db: SessionDep, user: CurrentUser, resume_id: str) -> Resume:
    r = db.get(Resume, parse_uuid(resume_id, "resume"))
    if r is None or r.user_id != user.id:
        raise HTTPException(404, "No such resume.")
    return r


@router.post("/resumes", status_code=202)
async def upload_resume(
    request: Request,
    db: SessionDep,
    user: CurrentUser,
    temporal: TemporalDep,
    media: MediaDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    rate_limit(request, "upload", f"resume:{user.id}")
    data = await file.read(settings.max_resume_bytes + 1)
    if len(data) > settings.max_resume_bytes:
        raise HTTPException(413, f"The file is over {settings.max_resume_bytes // (1024 * 1024)} MB.")
    filename = (file.filename or "resume")[:255]
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
        db.commit()
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
    db.commit()
    await temporal.start_workflow(
        ResumeParseWorkflow.run,
        ParseResumeInput(resume_id=str(resume_id), queues=TaskQueues.with_prefix(settings.task_queue_prefix)),
        id=f"resume-{resume_id}",
        task_queue=settings.task_queue("interview"),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return {"id": str(resume_id), "status": "processing", "filename": filename}


@router.get("/resumes")
def list_resumes(db: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    from sqlalchemy import select

    rows = db.scalars(select(Resume).where(Resume.user_id == user.id).order_by(Resume.created_at.desc()).limit(100))
    return [{k: v for k, v in resume_out(r).items() if k != "parsed"} for r in rows]


@router.get("/resumes/{resume_id}")
def get_resume(resume_id: str, db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    return resume_out(_owned(db, user, resume_id))


@router.put("/resumes/{resume_id}")
def correct_resume(resume_id: str, body: dict[str, Any], db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """The candidate fixes what the parser got wrong before an interview uses it."""
    r = _owned(db, user, resume_id)
    if r.status != "parsed":
        raise HTTPException(409, f"The resume is {r.status}; only a parsed resume can be corrected.")
    try:
        parsed = ParsedResume.model_validate(body.get("parsed", body))
    except ValidationError as err:
        first = err.errors()[0]
        raise HTTPException(422, f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    r.parsed = parsed.model_dump(mode="json")
    db.commit()
    return resume_out(r)
