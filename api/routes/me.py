"""The candidate's own data: progress across sessions, a full export, and deleting the account.

Every route here works on the caller's account only (no ids in the path), so there is no other
user's object to reach.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import StreamingResponse

from api.account import DeletionIncomplete, delete_account
from api.deps import CurrentUser, MediaDep, SessionDep, TemporalDep
from api.errors import COMMON_ERRORS, error_responses
from api.limits import rate_limit
from api.threaded import sync_read
from talentsync.account_data import AccountData, gather_account, write_export_zip
from talentsync.media import MediaStore
from talentsync.progress import build_progress, load_answer_rows

router = APIRouter(tags=["me"], responses=COMMON_ERRORS)
log = logging.getLogger(__name__)

CHUNK = 256 * 1024
# Chunks a slow download may leave waiting before the zip writer pauses: memory stays ~4 MB.
QUEUED_CHUNKS = 16
# Exports being written at once in this process; each holds one thread while its download runs.
MAX_EXPORTS = 4
_exports = {"running": 0}
_exports_lock = threading.Lock()
DELETE_INCOMPLETE = (
    "Your account was not deleted: a storage service did not answer. Part of your interview "
    "history may already be gone; sign in again later and repeat the deletion to finish it."
)


@router.get("/me/progress")
async def progress(request: Request, user: CurrentUser) -> dict[str, Any]:
    """Completed sessions with overall and per-dimension scores over time (per module), listening
    points missed across sessions (counted), and delivery trends from voice answers."""
    return await sync_read(request, lambda db: build_progress(load_answer_rows(db, user.id)))


class _Cancelled(Exception):
    pass


class _ChunkWriter:
    """A write-only stream for zipfile that hands fixed-size chunks to the event loop, pausing the
    writing thread when the download falls behind."""

    def __init__(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[bytes | BaseException | None]) -> None:
        self._loop, self._queue = loop, queue
        self._buf = bytearray()
        self.slots = threading.Semaphore(QUEUED_CHUNKS)
        self.cancelled = threading.Event()

    def write(self, data: bytes) -> int:
        self._buf += data
        while len(self._buf) >= CHUNK:
            self._send(bytes(self._buf[:CHUNK]))
            del self._buf[:CHUNK]
        return len(data)

    def flush(self) -> None:
        pass

    def close_with(self, last: BaseException | None) -> None:
        if self._buf and last is None:
            self._send(bytes(self._buf))
            self._buf.clear()
        self._send(last, final=True)

    def _send(self, item: bytes | BaseException | None, final: bool = False) -> None:
        while not self.slots.acquire(timeout=0.5):
            if self.cancelled.is_set():
                if not final:
                    raise _Cancelled
                return
        self._loop.call_soon_threadsafe(self._queue.put_nowait, item)


def _write(writer: _ChunkWriter, data: AccountData, media: MediaStore) -> None:
    with _exports_lock:
        _exports["running"] += 1
    try:
        write_export_zip(data, media, writer)  # type: ignore[arg-type]  # a write()-only stream is enough
        writer.close_with(None)
    except _Cancelled:
        log.info("export download abandoned", extra={"user_id": str(data.user_id)})
    except BaseException as err:  # reported to the stream, which ends the download with an error
        log.exception("export failed", extra={"user_id": str(data.user_id)})
        writer.close_with(err)
    finally:
        with _exports_lock:
            _exports["running"] -= 1


async def _stream(data: AccountData, media: MediaStore) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()
    writer = _ChunkWriter(loop, queue)
    thread = threading.Thread(target=_write, args=(writer, data, media), name="export-zip", daemon=True)
    thread.start()
    try:
        while True:
            item = await queue.get()
            writer.slots.release()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise RuntimeError("the export could not be completed") from item
            yield item
    finally:
        writer.cancelled.set()


@router.get(
    "/me/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}, **error_responses(503)},
)
async def export(request: Request, user: CurrentUser, media: MediaDep) -> StreamingResponse:
    """One zip with everything held about the caller: account, resumes (parsed and the files),
    sessions with questions, answers, transcripts, scores and feedback, and the recordings."""
    await rate_limit(request, "export", str(user.id), "Too many exports")
    # Counted by the writing threads themselves: a download that never starts holds no slot.
    if _exports["running"] >= MAX_EXPORTS:
        raise HTTPException(503, "Several exports are being prepared; try again in a minute.", {"Retry-After": "30"})
    # A large history (transcripts with word timings) is decoded in a thread, off the event loop.
    data = await sync_read(request, lambda db: gather_account(db, user.id))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        _stream(data, media),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="talentsync-export-{stamp}.zip"',
            "Cache-Control": "no-store",
        },
    )


@router.delete("/me", status_code=204, responses=error_responses(503))
async def delete_me(
    request: Request, db: SessionDep, user: CurrentUser, temporal: TemporalDep, media: MediaDep
) -> Response:
    """Delete the account and everything it owns: rows, files, Redis keys and the interview
    histories in Temporal. 204 once rows, files and keys are gone and Temporal has accepted the
    deletion of every history (it removes them seconds later; see api/account.py)."""
    await db.close()
    try:
        await delete_account(user, request.app.state.db_factory, temporal, media, request.app.state.redis)
    except DeletionIncomplete:
        raise HTTPException(503, DELETE_INCOMPLETE, {"Retry-After": "30"}) from None
    return Response(status_code=204)
