"""Resume parsing on the `ml` queue. Bad files end as a stored `failed` status, never a crash."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from talentsync.contracts import ParseResumeInput, ParseResumeResult
from talentsync.db.models import Resume
from talentsync.media import MediaStore
from talentsync.resume import ResumeError, extract_text, parse_resume

log = logging.getLogger(__name__)


class ResumeActivities:
    def __init__(self, factory: sessionmaker[Session], media: MediaStore) -> None:
        self._factory = factory
        self._media = media

    def _store(self, resume_id: uuid.UUID, **values: object) -> None:
        with self._factory() as db, db.begin():
            db.execute(update(Resume).where(Resume.id == resume_id).values(**values))

    @activity.defn(name="parse_resume")
    def parse_resume(self, inp: ParseResumeInput) -> ParseResumeResult:
        rid = uuid.UUID(inp.resume_id)
        with self._factory() as db:
            row = db.get(Resume, rid)
            if row is None:
                raise ApplicationError(f"resume {rid} not found", non_retryable=True)
            key, kind = row.storage_key, row.kind
        try:
            text = extract_text(self._media.read(key), kind)
            parsed = parse_resume(text)
        except ResumeError as err:
            self._store(rid, status="failed", error=err.detail)
            return ParseResumeResult(status="failed", error=err.detail)
        self._store(rid, status="parsed", error=None, parsed=parsed.model_dump(mode="json"))
        return ParseResumeResult(status="parsed")
