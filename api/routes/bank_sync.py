"""Whether each bank question's vectors are present and up to date, for the question bank editor.

Two sources, because each alone can mislead: the vectors themselves (on pgvector the stored text of
every expected vector is compared with what the question would embed now) and the latest
QuestionSyncWorkflow run for the question in Temporal (running, failed, or finished after the last
edit). Pack questions are embedded by the seed, not by a workflow, so on Pinecone, where stored text
is not read back here, a pack question without a sync run is reported as "unknown", not as synced.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from api.deps import QuestionWriter, SessionDep, TemporalDep
from api.errors import COMMON_ERRORS, error_responses
from talentsync.bank import question_vector_records
from talentsync.db.models import VECTOR_TABLES, Module, Question

router = APIRouter(prefix="/admin", tags=["question bank"], responses={**COMMON_ERRORS, **error_responses(403, 404)})
log = logging.getLogger(__name__)

SYNC_ID = re.compile(r"^question-sync-(\d+)-")
# Visibility returns the newest runs first; edits are rare, so the latest few hundred cover the bank.
SYNC_RUNS_SCANNED = 500
VISIBILITY_TIMEOUT = timedelta(seconds=3)
FAILED = {
    WorkflowExecutionStatus.FAILED,
    WorkflowExecutionStatus.TIMED_OUT,
    WorkflowExecutionStatus.TERMINATED,
    WorkflowExecutionStatus.CANCELED,
}


async def _latest_sync_runs(temporal: Client) -> dict[int, dict[str, Any]]:
    latest: dict[int, dict[str, Any]] = {}
    n = 0
    async for wf in temporal.list_workflows(
        "WorkflowType = 'QuestionSyncWorkflow'", limit=SYNC_RUNS_SCANNED, rpc_timeout=VISIBILITY_TIMEOUT
    ):
        n += 1
        m = SYNC_ID.match(wf.id)
        if m is None:
            continue
        qid = int(m.group(1))
        if qid not in latest or wf.start_time > latest[qid]["start_time"]:
            latest[qid] = {
                "workflow_id": wf.id,
                "status": wf.status.name.lower() if wf.status else "unknown",
                "start_time": wf.start_time,
                "close_time": wf.close_time,
                "failed": wf.status in FAILED,
                "running": wf.status == WorkflowExecutionStatus.RUNNING,
            }
    return latest


async def _stored_vectors(db: AsyncSession, ids_by_ns: dict[str, list[str]]) -> dict[str, dict[str, tuple[str, str]]]:
    """(document, module slug) of each expected vector id that exists, per namespace (pgvector only)."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for ns, ids in ids_by_ns.items():
        table: Any = VECTOR_TABLES[ns]
        rows = await db.execute(select(table.id, table.document, table.metadata_).where(table.id.in_(ids)))
        out[ns] = {r.id: (r.document, str((r.metadata_ or {}).get("module", ""))) for r in rows}
    return out


def _state(vectors: dict[str, Any] | None, run: dict[str, Any] | None, updated_at: datetime | None) -> str:
    if run and run["running"]:
        return "syncing"
    after_edit = run is not None and (updated_at is None or run["start_time"] >= updated_at)
    if run and after_edit and run["failed"]:
        return "failed"
    if vectors is not None:
        if vectors["missing"]:
            return "missing"
        return "stale" if vectors["outdated"] else "synced"
    if run and after_edit and run["status"] == "completed":
        return "synced"
    return "stale" if run else "unknown"


@router.get("/questions/sync-status")
async def sync_status(
    request: Request,
    db: SessionDep,
    user: QuestionWriter,
    temporal: TemporalDep,
    module_id: int = Query(ge=1, le=2**31 - 1),
) -> dict[str, Any]:
    module = await db.get(Module, module_id)
    if module is None:
        raise HTTPException(404, "No such module.")
    questions = list(
        await db.scalars(
            select(Question).where(Question.module_id == module.id, Question.is_active).order_by(Question.position)
        )
    )
    expected = {q.id: question_vector_records(q, module.domain, module.slug) for q in questions}
    checked = request.app.state.vector_store.name == "pgvector"
    stored: dict[str, dict[str, tuple[str, str]]] = {}
    if checked:
        ids: dict[str, list[str]] = {}
        for recs in expected.values():
            for ns, rs in recs.items():
                ids.setdefault(ns, []).extend(r.id for r in rs)
        stored = await _stored_vectors(db, ids)
    await db.close()
    temporal_error = None
    try:
        runs = await _latest_sync_runs(temporal)
    except RPCError as err:
        log.warning("listing question sync runs failed", extra={"error": str(err)})
        runs, temporal_error = {}, "Temporal did not answer; sync runs are not shown."
    out = []
    for q in questions:
        vectors = None
        if checked:
            missing, outdated = [], []
            for ns, records in expected[q.id].items():
                for r in records:
                    have = stored.get(ns, {}).get(r.id)
                    if have is None:
                        missing.append(r.id)
                    elif have != (r.document, module.slug):
                        outdated.append(r.id)
            vectors = {
                "expected": sum(len(v) for v in expected[q.id].values()),
                "missing": missing,
                "outdated": outdated,
            }
        run = runs.get(q.id)
        out.append(
            {
                "question_id": q.id,
                "updated_at": q.updated_at.isoformat() if q.updated_at else None,
                "state": _state(vectors, run, q.updated_at),
                "vectors": vectors,
                "last_sync": {
                    "workflow_id": run["workflow_id"],
                    "status": run["status"],
                    "started_at": run["start_time"].isoformat(),
                    "closed_at": run["close_time"].isoformat() if run["close_time"] else None,
                }
                if run
                else None,
            }
        )
    return {
        "module_id": module.id,
        "vector_store": request.app.state.vector_store.name,
        "vectors_checked": checked,
        "temporal_error": temporal_error,
        "questions": out,
    }
