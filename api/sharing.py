"""Who may read a session besides its candidate: staff (reports:any) and the recruiter of the
pipeline the candidate started it for — only while the candidate is still a member of that pipeline.

Every check reads PostgreSQL on each request (no cache, nothing in the token), so a withdrawal takes
effect on the recruiter's very next request.
"""

from __future__ import annotations

import uuid

from fastapi import HTTPException
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_uuid
from talentsync.db.models import InterviewSession, Pipeline, PipelineMember, User

NO_SUCH_SESSION = "No such session."


async def readable_session(db: AsyncSession, user: User, session_id: str) -> InterviewSession:
    """For reading a finished interview (its report, its recordings): owner, staff, or the recruiter
    it is shared with. Anyone else gets the same 404 as for a session that does not exist."""
    sess = await db.get(InterviewSession, parse_uuid(session_id, "session"))
    if sess is None:
        raise HTTPException(404, NO_SUCH_SESSION)
    if sess.user_id == user.id or "reports:any" in user.permission_codes:
        return sess
    if sess.pipeline_id is not None and "pipelines:manage" in user.permission_codes:
        shared = await db.scalar(
            select(
                exists().where(
                    Pipeline.id == sess.pipeline_id,
                    Pipeline.recruiter_id == user.id,
                    PipelineMember.pipeline_id == Pipeline.id,
                    PipelineMember.user_id == sess.user_id,
                )
            )
        )
        if shared:
            return sess
    raise HTTPException(404, NO_SUCH_SESSION)


async def pipeline_for_start(db: AsyncSession, user: User, pipeline_id: str, module_id: int) -> uuid.UUID:
    """A session may be started for a pipeline only by one of its members, in the pipeline's module."""
    pid = parse_uuid(pipeline_id, "pipeline")
    pipeline = await db.get(Pipeline, pid)
    member = pipeline is not None and await db.get(PipelineMember, (pid, user.id)) is not None
    if pipeline is None or not member:
        raise HTTPException(404, "No such pipeline among those you joined.")
    if pipeline.module_id != module_id:
        raise HTTPException(422, "This pipeline's interview uses another module; start it with the pipeline's module.")
    return pid
