"""A session's history as PostgreSQL records it, for staff: the questions in the order they were
asked, every answer attempt with its time and score, and the status changes the stored rows prove.

Only what rows hold is shown. The time a question was *asked* is not stored (only its place in the
order), so no time is invented for it; the Temporal history (linked beside this) has the exact one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from talentsync.db.models import (
    FeedbackReportRow,
    InterviewSession,
    Module,
    Percentile,
    Pipeline,
    Response,
    Score,
    SessionQuestion,
    User,
)

ANSWER_EXCERPT_CHARS = 280
# What each final status means once the session has ended (ended_at is written on the first of them).
END_LABEL = {
    "scoring": "Interview ended; scoring started",
    "scoring_failed": "Interview ended; scoring started",
    "completed": "Interview ended; scoring started",
    "abandoned": "Interview closed after the idle timeout",
    "ended": "Interview ended before any answer",
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def session_timeline(db: AsyncSession, sess: InterviewSession) -> dict[str, Any]:
    user = await db.get(User, sess.user_id)
    module = await db.get(Module, sess.module_id)
    pipeline = await db.get(Pipeline, sess.pipeline_id) if sess.pipeline_id else None
    questions = list(
        await db.scalars(
            select(SessionQuestion)
            .where(SessionQuestion.session_id == sess.id)
            .order_by(SessionQuestion.asked_index.asc().nulls_last(), SessionQuestion.seed_order)
        )
    )
    answers = (
        await db.execute(
            select(Response, Score)
            .outerjoin(Score, Score.response_id == Response.id)
            .where(Response.session_id == sess.id)
            .order_by(Response.created_at)
        )
    ).all()
    report = await db.get(FeedbackReportRow, sess.id)
    ranked = await db.scalar(
        select(Percentile).where(Percentile.session_id == sess.id, Percentile.subject_key == "session")
    )

    by_question: dict[Any, list[dict[str, Any]]] = {}
    events: list[dict[str, Any]] = [{"at": _iso(sess.created_at), "kind": "started", "text": "Session started"}]
    index_of = {q.id: q.asked_index for q in questions}
    for resp, score in answers:
        n = index_of.get(resp.session_question_id)
        label = f"Q{n + 1}" if n is not None else "a question"
        entry = {
            "id": str(resp.id),
            "attempt": resp.attempt,
            "source": resp.source,
            "at": _iso(resp.created_at),
            "text": resp.text[:ANSWER_EXCERPT_CHARS] + ("…" if len(resp.text) > ANSWER_EXCERPT_CHARS else ""),
            "words": len(resp.text.split()),
            "score": None,
        }
        again = f" (attempt {resp.attempt})" if resp.attempt > 1 else ""
        events.append(
            {"at": entry["at"], "kind": "answer", "text": f"Answer to {label}{again} recorded ({resp.source})"}
        )
        if score is not None:
            entry["score"] = {
                "overall": score.overall,
                "scorer_version": score.scorer_version,
                "flags": list(score.flags or []),
                "at": _iso(score.created_at),
            }
            events.append(
                {"at": _iso(score.created_at), "kind": "score", "text": f"{label} scored {score.overall:.0f}/100"}
            )
        by_question.setdefault(resp.session_question_id, []).append(entry)
    if sess.ended_at is not None:
        events.append(
            {"at": _iso(sess.ended_at), "kind": "ended", "text": END_LABEL.get(sess.status, "Interview ended")}
        )
    if ranked is not None:
        pct = "no comparison yet" if ranked.value is None else f"percentile {ranked.value:.0f}"
        events.append(
            {
                "at": _iso(ranked.created_at),
                "kind": "ranked",
                "text": f"Percentiles computed ({pct}, n={ranked.population})",
            }
        )
    if report is not None:
        events.append(
            {"at": _iso(report.created_at), "kind": "report", "text": f"Feedback report written ({report.writer})"}
        )
    events.sort(key=lambda e: e["at"] or "")
    # The present status last: it is what staff act on (e.g. scoring_failed waits for a retry).
    events.append({"at": None, "kind": "status", "text": f"Status now: {sess.status}"})

    return {
        "session": {
            "id": str(sess.id),
            "workflow_id": sess.workflow_id,
            "status": sess.status,
            "created_at": _iso(sess.created_at),
            "ended_at": _iso(sess.ended_at),
            "overall_score": sess.overall_score,
            "max_questions": sess.max_questions,
            "module": {"id": sess.module_id, "name": module.name if module else ""},
            "user": {
                "id": str(sess.user_id),
                "email": user.email if user else "",
                "full_name": user.full_name if user else "",
                "is_test": bool(user and user.is_test),
            },
            "pipeline": {"id": str(pipeline.id), "name": pipeline.name} if pipeline else None,
            "has_report": report is not None,
        },
        "questions": [
            {
                "id": str(q.id),
                "index": q.asked_index,
                "kind": q.kind,
                "text": q.text,
                "status": q.status,
                "answers": by_question.get(q.id, []),
            }
            for q in questions
        ],
        "events": events,
    }
