"""`feedback` queue: the written report (offline writer by default, an LLM when configured)."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.heartbeat import keep_alive
from talentsync.contracts import WriteFeedbackInput
from talentsync.db.models import FeedbackReportRow, InterviewSession, Module, Percentile, Score
from talentsync.db.queries import load_session_answers
from talentsync.llm.feedback import AnswerForFeedback, FeedbackInput, FeedbackWriter
from talentsync.scoring import AnswerScore

log = logging.getLogger(__name__)


def score_from_row(s: Score) -> AnswerScore:
    return AnswerScore.model_validate(
        {
            "overall": s.overall,
            "dimensions": s.dimensions,
            "key_points": s.key_points,
            "word_count": s.word_count,
            "scorer_version": s.scorer_version,
            # The written feedback advises on these (off topic, padding): without them it never could.
            "flags": list(s.flags or []),
            "seems_to_answer": s.seems_to_answer,
            "padding_cost": s.padding_cost or 0.0,
        }
    )


class FeedbackActivities:
    def __init__(self, factory: sessionmaker[Session], writer: FeedbackWriter) -> None:
        self._factory = factory
        self._writer = writer

    @activity.defn(name="write_feedback")
    def write_feedback(self, inp: WriteFeedbackInput) -> None:
        sid = uuid.UUID(inp.session_id)
        with self._factory() as db:
            sess = db.get(InterviewSession, sid)
            if sess is None:
                raise ApplicationError(f"session {sid} not found", non_retryable=True)
            module = db.get(Module, sess.module_id)
            answers = load_session_answers(db, sid)
            pct = {p.subject_key: p.value for p in db.scalars(select(Percentile).where(Percentile.session_id == sid))}
        if any(s is None for _, _, s in answers):
            raise ApplicationError("some answers are not scored yet")  # retryable: scoring may still land
        items = [
            AnswerForFeedback(
                question=sq.text,
                category=sq.category,
                answer=r.text,
                score=score_from_row(s),  # type: ignore[arg-type]
                percentile=pct.get(str(r.id)),
                delivery=r.delivery,
            )
            for r, sq, s in answers
        ]
        overall = sess.overall_score or 0.0
        # An LLM writer can block for a minute or more; heartbeats let the workflow's short heartbeat
        # timeout move the report to another worker if this one dies meanwhile.
        with keep_alive():
            report = self._writer.write(
                FeedbackInput(
                    module_name=module.name if module else "",
                    answers=items,
                    overall_score=overall,
                    overall_percentile=pct.get("session"),
                )
            )
        values = {
            "session_id": sid,
            "overall_score": overall,
            "summary": report.summary,
            "focus_areas": report.focus_areas,
            "answers": [a.model_dump() for a in report.answers],
            "writer": report.writer,
        }
        with self._factory() as db, db.begin():
            stmt = insert(FeedbackReportRow).values(**values)
            db.execute(stmt.on_conflict_do_update(index_elements=["session_id"], set_=values))
        log.info("feedback written", extra={"session_id": inp.session_id, "writer": report.writer})
