"""What must hold after every drill, read from PostgreSQL and the API rather than from the client.

* every answer the client sent is in `responses` exactly once (same question, same text), and no
  row exists that the client did not send;
* every session reached a final state (completed, or abandoned), a `scoring_failed` one only after
  a staff retry, and its report is complete: every answer scored, with feedback, a summary and an
  overall score.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import psycopg

from bench.chaos.driver import Ledger, Session

FINAL = {"completed", "abandoned"}


@dataclass
class Verdict:
    sessions: int = 0
    answers_sent: int = 0
    answers_confirmed: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # rows the client never confirmed
    not_final: list[str] = field(default_factory=list)
    incomplete_reports: list[str] = field(default_factory=list)
    scoring_retried: int = 0

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected or self.not_final or self.incomplete_reports)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "sessions": self.sessions,
            "answers_sent": self.answers_sent,
            "answers_confirmed": self.answers_confirmed,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "unexpected": self.unexpected,
            "not_final": self.not_final,
            "incomplete_reports": self.incomplete_reports,
            "scoring_retried": self.scoring_retried,
        }


def _plain_url(database_url: str) -> str:
    return database_url.replace("postgresql+psycopg://", "postgresql://")


def _report_problems(session: Session, expected_answers: int) -> list[str]:
    report = session.report
    if report is None:
        return ["no report"]
    problems = []
    answers = report.get("answers", [])
    if len(answers) != expected_answers:
        problems.append(f"{len(answers)} answers in the report, {expected_answers} sent")
    if any(a.get("scores") is None for a in answers):
        problems.append("an answer without scores")
    if any(not a.get("feedback") for a in answers):
        problems.append("an answer without feedback")
    if not report.get("summary") or report.get("overall", {}).get("score") is None:
        problems.append("no summary or overall score")
    return problems


def _statuses(database_url: str, ids: set[str]) -> dict[str, str]:
    with psycopg.connect(_plain_url(database_url)) as conn:
        rows = conn.execute("SELECT id::text, status FROM sessions WHERE id::text = ANY(%s)", (list(ids),)).fetchall()
    return dict(rows)


def verify(database_url: str, ledger: Ledger, sessions: list[Session], settle_s: float = 60) -> Verdict:
    ids = {s.id for s in sessions}
    # The report is served once its row exists; the workflow marks the session completed in its next
    # task, a moment later (longer right after a restart). Give that moment before judging.
    deadline = time.monotonic() + settle_s
    while any(v not in FINAL for v in _statuses(database_url, ids).values()) and time.monotonic() < deadline:
        time.sleep(0.5)
    sent = ledger.of(ids)
    verdict = Verdict(sessions=len(sessions), answers_sent=len(sent))
    confirmed = [a for a in sent if a.outcome == "ok"]
    verdict.answers_confirmed = len(confirmed)
    with psycopg.connect(_plain_url(database_url)) as conn:
        rows = conn.execute(
            "SELECT session_id::text, session_question_id::text, text FROM responses WHERE session_id::text = ANY(%s)",
            (list(ids),),
        ).fetchall()
        statuses = dict(
            conn.execute("SELECT id::text, status FROM sessions WHERE id::text = ANY(%s)", (list(ids),)).fetchall()
        )
    recorded: dict[tuple[str, str], list[str]] = {}
    for sid, qid, text in rows:
        recorded.setdefault((sid, qid), []).append(text)
    for a in sent:
        texts = recorded.get((a.session_id, a.question_id), [])
        matches = texts.count(a.text)
        if a.outcome == "ok" and matches == 0:
            verdict.lost.append(f"{a.session_id[:8]}/{a.question_id[:8]}")
        if matches > 1 or len(texts) > 1:
            verdict.duplicated.append(f"{a.session_id[:8]}/{a.question_id[:8]} x{len(texts)}")
    confirmed_keys = {(a.session_id, a.question_id) for a in confirmed}
    for key in recorded:
        if key not in confirmed_keys:
            verdict.unexpected.append(f"{key[0][:8]}/{key[1][:8]}")
    for s in sessions:
        status = statuses.get(s.id)
        if status not in FINAL:
            verdict.not_final.append(f"{s.id}: {status}; last report reply {s.last_report_reply!r}")
        expected = sum(1 for a in confirmed if a.session_id == s.id)
        if status == "completed" or s.report is not None:
            problems = _report_problems(s, expected)
            if problems:
                verdict.incomplete_reports.append(f"{s.id[:8]}: {'; '.join(problems)}")
        verdict.scoring_retried += s.retried_scoring
    return verdict


async def describe_workflows(temporal_address: str, session_ids: list[str]) -> dict[str, Any]:
    """For sessions that did not finish: the workflow's status and what it is waiting for."""
    from temporalio.api.enums.v1 import PendingActivityState

    from workflows.client import connect_temporal

    client = await connect_temporal(temporal_address)
    out: dict[str, Any] = {}
    for sid in session_ids:
        try:
            desc = await client.get_workflow_handle(f"session-{sid}").describe()
        except Exception as err:
            out[sid] = f"describe failed: {err}"
            continue
        out[sid] = {
            "status": desc.status.name if desc.status else None,
            "history_length": desc.raw_description.workflow_execution_info.history_length,
            "pending_activities": [
                {
                    "type": a.activity_type.name,
                    "state": PendingActivityState.Name(a.state),
                    "attempt": a.attempt,
                    "last_failure": a.last_failure.message[:300],
                }
                for a in desc.raw_description.pending_activities
            ],
            "pending_workflow_task": str(desc.raw_description.pending_workflow_task)[:300],
        }
    return out


async def history_trouble(temporal_address: str, session_id: str) -> list[str]:
    """Where a slow report's time went: each activity after the last answer with its attempt, its wait
    to start and its run time, and the failure of its last attempt (retried attempts leave no event
    of their own; the Started event carries the attempt number and the previous failure)."""
    from temporalio.api.enums.v1 import EventType

    from workflows.client import connect_temporal

    client = await connect_temporal(temporal_address)
    scheduled: dict[int, tuple[str, float]] = {}
    started: dict[int, tuple[float, int, str]] = {}
    lines: list[str] = []
    first: float | None = None
    async for event in client.get_workflow_handle(f"session-{session_id}").fetch_history_events():
        t = event.event_time.ToDatetime().timestamp()
        first = first if first is not None else t
        kind = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")
        if kind == "ACTIVITY_TASK_SCHEDULED":
            scheduled[event.event_id] = (event.activity_task_scheduled_event_attributes.activity_type.name, t)
        elif kind == "ACTIVITY_TASK_STARTED":
            attrs = event.activity_task_started_event_attributes
            started[attrs.scheduled_event_id] = (t, attrs.attempt, attrs.last_failure.message[:80])
        elif kind in ("ACTIVITY_TASK_COMPLETED", "ACTIVITY_TASK_FAILED", "ACTIVITY_TASK_TIMED_OUT"):
            sched_id = getattr(event, kind.lower() + "_event_attributes").scheduled_event_id
            name, t_sched = scheduled.get(sched_id, ("?", t))
            t_start, attempt, failure = started.get(sched_id, (t, 0, ""))
            lines.append(
                f"+{t_sched - first:.1f}s {name} attempt {attempt}: waited {t_start - t_sched:.1f}s, ran "
                f"{t - t_start:.1f}s, {kind.removeprefix('ACTIVITY_TASK_').lower()}"
                + (f" (before: {failure})" if failure else "")
            )
        elif kind in ("WORKFLOW_TASK_TIMED_OUT", "WORKFLOW_TASK_FAILED"):
            lines.append(f"+{t - first:.1f}s {kind.lower()}")
    return lines[-12:]
