"""Storage hygiene: recordings and resume files are deleted after their retention period, and files
that no row points to any more are deleted once they are surely not on their way into one.

What is deleted and what is kept (README, "Storage and retention"):

* a recording (`responses.audio_key`) ``audio_days`` after the answer: the file is deleted and the
  key cleared. The answer's text, its transcript (words with timestamps), delivery analytics and
  scores stay: the report still shows everything except "play the recording".
* a resume file (`resumes.storage_key`) ``resume_days`` after the upload, and a file whose parse
  failed at the next sweep (nothing can use it): the file is deleted and the key set to "". The
  parsed fields the candidate reviewed stay, as do the copies sessions took when they started.
* a file in the media store that no row refers to (its session, resume or account was deleted, or
  an upload whose answer never arrived) once it is older than ``orphan_grace_hours``; younger ones
  may still be on their way into a row. Leftover partial writes (``*.part``) likewise.

Every step is idempotent: a file already gone is not an error and a cleared key is not selected
again, so a sweep cut off by a crash simply runs again. ``days == 0`` keeps files forever.

Deleting a resume or an account elsewhere: collect the keys first (`media_keys_of_resume`,
`media_keys_of_user`), delete the rows and commit, then `MediaStore.discard_many(keys)` (in a
thread from async code). If the process dies in between, the orphan sweep removes the files.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, select, union_all, update
from sqlalchemy.orm import Session, sessionmaker

from talentsync.db.models import InterviewSession, Response, Resume
from talentsync.media import PART_SUFFIX, MediaStore

log = logging.getLogger(__name__)

BATCH = 200  # rows per transaction: a sweep over a large backlog never holds a long lock


class RetentionPolicy(BaseModel):
    audio_days: int = 30
    resume_days: int = 365
    orphan_grace_hours: int = 24


class RetentionInput(BaseModel):
    """The sweep takes no arguments: the policy comes from the worker's settings, so changing it needs
    a worker restart, not a new schedule."""


class PurgeResult(BaseModel):
    files_deleted: int = 0
    rows_cleared: int = 0
    kept_forever: bool = False  # the retention for this kind is 0 days


class RetentionResult(BaseModel):
    audio: PurgeResult
    resumes: PurgeResult
    orphans: PurgeResult


Progress = Callable[[int], None]


def _cutoff(days: int, now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=days)


def purge_expired_audio(
    factory: sessionmaker[Session],
    media: MediaStore,
    days: int,
    now: datetime | None = None,
    on_batch: Progress | None = None,
) -> PurgeResult:
    """Delete recordings of answers older than ``days`` and clear their `audio_key`."""
    if days <= 0:
        return PurgeResult(kept_forever=True)
    cutoff = _cutoff(days, now)
    return _sweep(
        factory,
        media,
        Response.id,
        Response.audio_key,
        (Response.audio_key.is_not(None), Response.created_at < cutoff),
        Response.created_at,
        cleared=None,
        result=PurgeResult(),
        on_batch=on_batch,
    )


def purge_expired_resumes(
    factory: sessionmaker[Session],
    media: MediaStore,
    days: int,
    now: datetime | None = None,
    on_batch: Progress | None = None,
) -> PurgeResult:
    """Delete resume files older than ``days``, and files whose parse failed; set `storage_key` to ""."""
    result = PurgeResult(kept_forever=days <= 0)
    due = Resume.status == "failed"
    if days > 0:
        due = due | (Resume.created_at < _cutoff(days, now))
    return _sweep(
        factory,
        media,
        Resume.id,
        Resume.storage_key,
        (Resume.storage_key != "", due),
        Resume.created_at,
        cleared="",
        result=result,
        on_batch=on_batch,
    )


def _sweep(
    factory: sessionmaker[Session],
    media: MediaStore,
    id_col: Any,
    key_col: Any,
    where: tuple[Any, ...],
    order_by: Any,
    *,
    cleared: str | None,
    result: PurgeResult,
    on_batch: Progress | None,
) -> PurgeResult:
    """Delete the files of due rows in locked batches, then clear their key column to ``cleared``."""
    table = id_col.class_
    while True:
        with factory() as db, db.begin():
            rows = db.execute(
                select(id_col, key_col).where(*where).order_by(order_by).limit(BATCH).with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return result
            # The file goes first: a crash before the key is cleared leaves a key to a missing file,
            # which the next sweep selects again and finishes (discard of a missing file is a no-op).
            result.files_deleted += media.discard_many(key for _, key in rows)
            db.execute(update(table).where(id_col.in_([rid for rid, _ in rows])).values({key_col.key: cleared}))
            result.rows_cleared += len(rows)
        if on_batch:
            on_batch(result.rows_cleared)


def _chunks(items: Iterator[tuple[str | None, Path]], size: int) -> Iterator[list[tuple[str | None, Path]]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _referenced(db: Session, keys: list[str]) -> set[str]:
    audio = select(Response.audio_key.label("key")).where(Response.audio_key.in_(keys))
    resumes = select(Resume.storage_key.label("key")).where(Resume.storage_key.in_(keys))
    return {str(key) for key in db.scalars(union_all(audio, resumes))}


def _database_has_media(db: Session) -> bool:
    any_audio = db.scalar(select(Response.id).where(Response.audio_key.is_not(None)).limit(1))
    any_resume = db.scalar(select(Resume.id).where(Resume.storage_key != "").limit(1))
    return any_audio is not None or any_resume is not None


def purge_orphan_media(
    factory: sessionmaker[Session],
    media: MediaStore,
    grace_hours: int,
    on_batch: Progress | None = None,
) -> PurgeResult:
    """Delete stored files older than ``grace_hours`` that no response or resume refers to."""
    result = PurgeResult()
    old_files = media.files_older_than(grace_hours * 3600)
    checked_database = False
    for chunk in _chunks(old_files, 500):
        keys = [key for key, _ in chunk if key is not None]
        with factory() as db:
            if keys and not checked_database:
                # Every old file unreferenced and not one reference in the database: this looks like a
                # media folder paired with the wrong (e.g. a fresh) database. Deleting would be final.
                if not _database_has_media(db):
                    log.error(
                        "orphan sweep skipped: the database refers to no media at all but %s holds old files; "
                        "check DATA_DIR and DATABASE_URL belong together",
                        media.root,
                    )
                    return result
                checked_database = True
            referenced = _referenced(db, keys) if keys else set()
        for key, path in chunk:
            if key is None:
                if path.name.endswith(PART_SUFFIX):  # a write that never completed
                    path.unlink(missing_ok=True)
                    result.files_deleted += 1
                continue
            if key not in referenced and media.discard(key):
                result.files_deleted += 1
        if on_batch:
            on_batch(result.files_deleted)
    if result.files_deleted:
        log.info("orphan sweep deleted %d files", result.files_deleted)
    return result


def media_keys_of_resume(resume_id: uuid.UUID) -> Select[str]:
    """The media key of one resume (empty when it has no file); run with a sync or async session."""
    return select(Resume.storage_key).where(Resume.id == resume_id, Resume.storage_key != "")


def media_keys_of_user(user_id: uuid.UUID) -> Select[str]:
    """Every media key an account's rows refer to: its resume files and its sessions' recordings.

    Read these before deleting the account (the rows go with it by cascade), then discard them.
    """
    recordings = (
        select(Response.audio_key.label("key"))
        .join(InterviewSession, InterviewSession.id == Response.session_id)
        .where(InterviewSession.user_id == user_id, Response.audio_key.is_not(None))
    )
    resumes = select(Resume.storage_key.label("key")).where(Resume.user_id == user_id, Resume.storage_key != "")
    return select(union_all(recordings, resumes).subquery().c.key)
