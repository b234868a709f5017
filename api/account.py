"""Deleting an account from every store: Temporal histories, media files, PostgreSQL, Redis.

Order matters. Workflows go first: a terminated session stops writing rows, files and events, and
its history is read for recordings no row points at (an answer refused after its upload) before
its deletion is requested. Files next, then the rows (one transaction, ON DELETE CASCADE from
`users`), then Redis. A failure stops the run with the account still there, so the candidate can
sign in and try again; every step is idempotent.

Temporal accepts a deletion durably and removes the history asynchronously, when its history
queues next acknowledge: ~4 s with the ack intervals in deploy/temporal/dynamicconfig.yaml and
devstack's tuning, 30-60 s on a cluster with the defaults. `confirm_deleted_later` checks and logs.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import redis.asyncio as aioredis
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from talentsync.account_data import personal_reference_shas
from talentsync.db.models import InterviewSession, ReferenceVector, Resume, User
from talentsync.media import MediaStore
from talentsync.retention import media_keys_of_user

log = logging.getLogger(__name__)

RPC_TIMEOUT = timedelta(seconds=10)
CONFIRM_FOR_S = 300.0
# Media keys and key prefixes (`audio/<uuid>.webm`, a chunk directory `partial/<uuid>`) as they
# appear inside workflow inputs.
_MEDIA_REF = re.compile(rb"\b([a-z]+/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\.[a-z0-9]{1,5})?)")
# Ids as they appear in key names: dashed, or bare hex (`partial-<session hex>-...`).
_ID_TOKEN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}")
# Workflows that belong to a session without being its children, by id prefix (+ session hex):
# live transcripts of a recording (api/routes/practice.py).
SESSION_WORKFLOW_PREFIXES = ("partial-",)
# Media folders per session (+ session hex): live-transcript chunks (talentsync/speech/partial.py).
SESSION_MEDIA_DIRS = ("partial",)
WS_TICKET_PREFIX = "talentsync:ws-ticket:"


class DeletionIncomplete(Exception):
    """A store did not answer; what was deleted so far stays deleted, the account row stays."""


@dataclass
class DeletionReport:
    workflows: int = 0
    files: int = 0
    rows_deleted: bool = False
    redis_keys: int = 0
    reference_vectors: int = 0
    workflow_ids: list[str] = field(default_factory=list)


async def delete_account(
    user: User,
    factory: async_sessionmaker[AsyncSession],
    temporal: Client,
    media: MediaStore,
    redis: aioredis.Redis,
) -> DeletionReport:
    report = DeletionReport()
    async with factory() as db:
        sessions = (
            await db.execute(
                select(InterviewSession.id, InterviewSession.workflow_id).where(InterviewSession.user_id == user.id)
            )
        ).all()
        resume_ids = list(await db.scalars(select(Resume.id).where(Resume.user_id == user.id)))
        keys = set(await db.scalars(media_keys_of_user(user.id)))
    ids = _id_forms([user.id, *(s for s, _ in sessions), *resume_ids])
    workflow_ids = [w for _, w in sessions] + [f"resume-{r}" for r in resume_ids]
    workflow_ids += await _session_workflows(temporal, [s for s, _ in sessions])

    refs = await purge_workflows(temporal, workflow_ids)
    report.workflows = len(workflow_ids)
    report.files = await asyncio.to_thread(delete_media, media, keys, refs, [s for s, _ in sessions])

    async with factory() as db:
        # The same row lock a session start takes (api/routes/sessions.py): a start racing this
        # deletion either finished (its session is seen here) or waits and then finds no user.
        await db.execute(select(User.id).where(User.id == user.id).with_for_update())
        now = (
            await db.execute(
                select(InterviewSession.id, InterviewSession.workflow_id).where(InterviewSession.user_id == user.id)
            )
        ).all()
        late_sessions = [s for s, w in now if w not in workflow_ids]
        late = {w for _, w in now} - set(workflow_ids)
        ids.update(_id_forms([s for s, _ in now]))
        late_keys = set(await db.scalars(media_keys_of_user(user.id))) - keys
        # Scoring caches embeddings of question texts by hash; those generated from this account's
        # resume or answers are derived from its words and go with it.
        shas = await db.run_sync(lambda s: personal_reference_shas(s, user.id))
        if shas:
            await db.execute(delete(ReferenceVector).where(ReferenceVector.text_sha.in_(shas)))
        report.reference_vectors = len(shas)
        await db.execute(delete(User).where(User.id == user.id))
        await db.commit()
    report.rows_deleted = True
    if late:  # started while this ran: its workflow may still be starting, so purge after the rows
        late |= set(await _session_workflows(temporal, late_sessions))
        refs = await purge_workflows(temporal, sorted(late))
        report.files += await asyncio.to_thread(delete_media, media, late_keys, refs, late_sessions)
        report.workflows += len(late)
    report.redis_keys = await purge_redis(redis, str(user.id), ids, user.email)
    report.workflow_ids = workflow_ids + sorted(late)
    confirm_deleted_later(temporal, report.workflow_ids)
    log.info(
        "account deleted",
        extra={
            "user_id": str(user.id),
            "workflows": report.workflows,
            "files": report.files,
            "redis_keys": report.redis_keys,
            "reference_texts": report.reference_vectors,
        },
    )
    return report


async def purge_workflows(temporal: Client, workflow_ids: list[str], concurrency: int = 8) -> set[str]:
    """Terminate, read and delete every run of each workflow; returns the media references found
    in their histories. Raises DeletionIncomplete if Temporal does not answer."""
    found: set[str] = set()
    gate = asyncio.Semaphore(concurrency)

    async def one(workflow_id: str) -> None:
        async with gate:
            found.update(await _purge_workflow(temporal, workflow_id))

    results = await asyncio.gather(*(one(w) for w in workflow_ids), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        log.error("workflow purge failed", exc_info=errors[0])
        raise DeletionIncomplete(str(errors[0])) from errors[0]
    return found


def _id_forms(values: list[uuid.UUID]) -> set[str]:
    return {form for v in values for form in (str(v), v.hex)}


async def _session_workflows(temporal: Client, session_ids: list[uuid.UUID]) -> list[str]:
    """Workflows started for a session under their own ids (not children of its workflow)."""
    found: list[str] = []
    for sid in session_ids:
        for prefix in SESSION_WORKFLOW_PREFIXES:
            query = f'WorkflowId STARTS_WITH "{prefix}{sid.hex}-"'
            try:
                found += [wf.id async for wf in temporal.list_workflows(query, rpc_timeout=RPC_TIMEOUT)]
            except RPCError as err:
                raise DeletionIncomplete(str(err)) from err
    return sorted(set(found))


def _not_found(err: RPCError) -> bool:
    return err.status == RPCStatusCode.NOT_FOUND


async def _purge_workflow(temporal: Client, workflow_id: str) -> set[str]:
    handle = temporal.get_workflow_handle(workflow_id)
    try:
        await handle.terminate(reason="account deleted", rpc_timeout=RPC_TIMEOUT)
    except RPCError as err:
        # Not found (never started, or already deleted) or already closed: nothing to stop.
        if err.status not in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
            raise
    refs: set[str] = set()
    run_ids: set[str] = set()
    try:
        history = await handle.fetch_history(rpc_timeout=RPC_TIMEOUT)
        for event in history.events:
            refs.update(m.decode() for m in _MEDIA_REF.findall(event.SerializeToString()))
    except RPCError as err:
        if not _not_found(err):
            raise
    # Every run under the id (a restarted start makes another), the children of each, then the id.
    async for wf in temporal.list_workflows(f'WorkflowId = "{workflow_id}"', rpc_timeout=RPC_TIMEOUT):
        run_ids.add(wf.run_id)
    children = [
        wf.id async for wf in temporal.list_workflows(f'ParentWorkflowId = "{workflow_id}"', rpc_timeout=RPC_TIMEOUT)
    ]
    for child in children:
        refs.update(await _purge_workflow(temporal, child))
    for run_id in [*sorted(run_ids), ""]:
        await _delete_execution(temporal, workflow_id, run_id)
    return refs


def confirm_deleted_later(temporal: Client, workflow_ids: list[str]) -> None:
    """Temporal deletes asynchronously: the request is durable at once, the history goes when the
    server's history queues next acknowledge (seconds with deploy/temporal/dynamicconfig.yaml and
    devstack's tuning, 30-60 s with a cluster's defaults). Check in the background and log either
    way, so a history that outlives its deletion is seen in the logs instead of assumed gone."""
    task = asyncio.create_task(_confirm_deleted(temporal, workflow_ids))
    _CONFIRMING.add(task)
    task.add_done_callback(_CONFIRMING.discard)


_CONFIRMING: set[asyncio.Task[None]] = set()  # strong references: a bare task may be collected mid-run


async def _confirm_deleted(temporal: Client, workflow_ids: list[str]) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    pending = set(workflow_ids)
    while pending and loop.time() - started < CONFIRM_FOR_S:
        for workflow_id in sorted(pending):
            try:
                await temporal.get_workflow_handle(workflow_id).describe(rpc_timeout=RPC_TIMEOUT)
            except RPCError as err:
                if _not_found(err):
                    pending.discard(workflow_id)
            except Exception:  # noqa: S110 - Temporal unreachable for a moment: look again next round
                pass
        if pending:
            await asyncio.sleep(1.0)
    elapsed = round(loop.time() - started, 1)
    if pending:
        log.error("workflow histories still stored after deletion", extra={"workflow_ids": sorted(pending)})
    else:
        log.info("workflow histories deleted", extra={"workflows": len(workflow_ids), "after_s": elapsed})


async def _delete_execution(temporal: Client, workflow_id: str, run_id: str) -> None:
    try:
        await temporal.workflow_service.delete_workflow_execution(
            DeleteWorkflowExecutionRequest(
                namespace=temporal.namespace,
                workflow_execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
            ),
            retry=True,
            timeout=RPC_TIMEOUT,
        )
    except RPCError as err:
        if not _not_found(err):
            raise


def delete_media(media: MediaStore, keys: set[str], refs: set[str], session_ids: list[uuid.UUID]) -> int:
    """Delete the account's files: the keys its rows hold, plus media references found in its
    histories (a recording no row kept, a directory of live-transcript chunks). Returns how many
    files went."""
    removed = media.discard_many(keys)
    root = media.root.resolve()
    dirs = [f"{folder}/{sid.hex}" for sid in session_ids for folder in SESSION_MEDIA_DIRS]
    for ref in sorted((refs - keys) | set(dirs)):
        path = (media.root / ref).resolve()
        if root not in path.parents:
            continue
        if path.is_dir():
            removed += sum(1 for p in path.rglob("*") if p.is_file())
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                removed += media.discard(ref)
            except ValueError:  # not a file key (e.g. a prefix of one): nothing stored under it
                continue
    return removed


async def purge_redis(redis: aioredis.Redis, user_id: str, ids: set[str], email: str) -> int:
    """Delete keys named after the account (its id, its sessions' and resumes' ids, its email:
    rate-limit windows, socket slots, current-question mirrors) and live-update tickets issued to it.

    One SCAN over the keyspace: deletion is rare, and matching names here instead of listing
    patterns keeps keys added later (named after a session or a user) covered."""
    email = email.lower()
    doomed: list[bytes] = []
    async for key in redis.scan_iter(count=1000):
        name = key.decode(errors="replace")
        if email in name.lower() or any(u in ids for u in _ID_TOKEN.findall(name)):
            doomed.append(key)
        elif name.startswith(WS_TICKET_PREFIX):
            claims = await redis.get(key)
            if claims is not None and user_id.encode() in claims:
                doomed.append(key)
    for start in range(0, len(doomed), 500):
        await redis.delete(*doomed[start : start + 500])
    return len(doomed)
