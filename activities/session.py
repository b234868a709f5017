"""Light session activities on the `interview` queue: seeding and the session's own rows.

The per-answer ones (record, mark asked/skipped, status) run as local activities: they are small
PostgreSQL writes, and skipping a task-queue round trip keeps answer→next question fast.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from talentsync.contracts import (
    MarkAskedInput,
    MarkSkippedInput,
    QueuedQuestion,
    RecordResponseInput,
    RecordResponseResult,
    SeedSessionInput,
    SeedSessionResult,
    SetStatusInput,
)
from talentsync.db.models import InterviewSession, Question, Response, SessionQuestion
from talentsync.events import EventPublisher
from talentsync.progress import revisit_question_ids

log = logging.getLogger(__name__)

RESUME_QUESTIONS_AFTER = 2  # resume questions come after the module's opening questions
MAX_RESUME_QUESTIONS = 3


def session_question_id(session_id: str, source: str) -> uuid.UUID:
    """Deterministic id: re-running seeding or a follow-up insert never duplicates a row."""
    return uuid.uuid5(uuid.UUID(session_id), source)


def _stable_rank(session_id: str, slug: str) -> str:
    return hashlib.sha256(f"{session_id}:{slug}".encode()).hexdigest()


def order_core_questions(
    session_id: str,
    questions: list[Question],
    count: int,
    preferred: list[int] | None = None,
    revisit: list[int] | None = None,
) -> list[Question]:
    """A different, reproducible selection per session; easier questions first as a warm-up.

    With `preferred` (bank ids ranked by similarity to the candidate's job description) the
    closest questions are picked and asked closest first; unranked ones fill any remaining places.
    """
    if preferred:
        place = {qid: i for i, qid in enumerate(preferred)}
        return sorted(questions, key=lambda q: (place.get(q.id, len(place)), _stable_rank(session_id, q.slug)))[:count]
    shuffled = sorted(questions, key=lambda q: _stable_rank(session_id, q.slug))
    # Questions whose listening points the candidate missed and has not covered since come back,
    # most outstanding points first, in up to half the places: the rest stays new material.
    known = {q.id: q for q in questions}
    again = [known[qid] for qid in (revisit or []) if qid in known][: max(1, count // 2)]
    picked = again + [q for q in shuffled if q not in again][: count - len(again)]
    return sorted(picked, key=lambda q: (q.difficulty, _stable_rank(session_id, q.slug)))


def upsert_session_questions(db: Session, rows: list[dict]) -> None:
    if rows:
        db.execute(insert(SessionQuestion).values(rows).on_conflict_do_nothing(index_elements=["id"]))


class SessionActivities:
    def __init__(self, factory: sessionmaker[Session], events: EventPublisher) -> None:
        self._factory = factory
        self._events = events

    @activity.defn(name="seed_session")
    def seed_session(self, inp: SeedSessionInput) -> SeedSessionResult:
        with self._factory() as db, db.begin():
            sess = db.get(InterviewSession, uuid.UUID(inp.session_id))
            if sess is None:
                raise ApplicationError(f"session {inp.session_id} not found", non_retryable=True)
            bank = list(db.scalars(select(Question).where(Question.module_id == inp.module_id, Question.is_active)))
            if not bank:
                raise ApplicationError("this module has no questions", non_retryable=True)
            preferred = inp.preferred_question_ids
            revisit = [] if preferred else revisit_question_ids(db, sess.user_id, inp.module_id)
            core = order_core_questions(inp.session_id, bank, inp.max_questions, preferred, revisit)
            resume_qs = self._resume_questions(sess.parsed_resume_data)
            rows: list[dict] = []
            queue: list[QueuedQuestion] = []

            def add(row: dict) -> None:
                row["seed_order"] = len(rows)
                rows.append(row)
                queue.append(
                    QueuedQuestion(
                        id=str(row["id"]),
                        text=row["text"],
                        kind=row["kind"],
                        category=row["category"],
                        bank_question_id=row.get("question_id"),
                    )
                )

            for i, q in enumerate(core):
                if i == RESUME_QUESTIONS_AFTER:
                    for rq in resume_qs:
                        add(
                            {
                                "id": session_question_id(inp.session_id, f"resume:{rq.slug}"),
                                "session_id": sess.id,
                                "kind": "resume",
                                "question_id": None,
                                # Resume questions differ per candidate; rank within the kind of
                                # item asked about (role, project, achievement, skill).
                                "percentile_key": f"resume:{rq.kind}",
                                "text": rq.text,
                                "category": "resume",
                                "ideal_answer": rq.ideal_answer,
                                "key_points": rq.key_points,
                                "keywords": rq.keywords,
                            }
                        )
                add(
                    {
                        "id": session_question_id(inp.session_id, f"core:{q.id}"),
                        "session_id": sess.id,
                        "kind": "core",
                        "question_id": q.id,
                        # The slug, not the row id: stable across re-seeding and staff edits.
                        "percentile_key": f"q:{q.slug}",
                        "text": q.text,
                        "category": q.category,
                        "ideal_answer": q.ideal_answer,
                        "reference_answers": q.reference_answers,
                        "paraphrases": q.paraphrases,
                        "key_points": q.key_points,
                        "keywords": q.keywords,
                    }
                )
            upsert_session_questions(db, rows)
        log.info("seeded session", extra={"session_id": inp.session_id, "questions": len(queue)})
        return SeedSessionResult(questions=queue[: inp.max_questions])

    @staticmethod
    def _resume_questions(parsed: dict | None) -> list:
        if not parsed:
            return []
        from talentsync.resume import generate_resume_questions
        from talentsync.resume.models import ParsedResume

        return generate_resume_questions(ParsedResume.model_validate(parsed), max_questions=MAX_RESUME_QUESTIONS)

    @activity.defn(name="record_response")
    def record_response(self, inp: RecordResponseInput) -> RecordResponseResult:
        # Business key (question, attempt): a retried activity returns the row it already wrote.
        response_id = session_question_id(inp.session_id, f"response:{inp.session_question_id}:{inp.attempt}")
        with self._factory() as db, db.begin():
            db.execute(
                insert(Response)
                .values(
                    id=response_id,
                    session_id=uuid.UUID(inp.session_id),
                    session_question_id=uuid.UUID(inp.session_question_id),
                    attempt=inp.attempt,
                    text=inp.text,
                    source=inp.source,
                    audio_key=inp.audio_key,
                    transcript=inp.transcript,
                    delivery=(inp.transcript or {}).get("delivery") if inp.transcript else None,
                )
                .on_conflict_do_nothing(constraint="uq_responses_question_attempt")
            )
            db.execute(
                update(SessionQuestion)
                .where(SessionQuestion.id == uuid.UUID(inp.session_question_id))
                .values(status="answered")
            )
        self._events.publish(inp.session_id, "answer_recorded", {"question_id": inp.session_question_id})
        return RecordResponseResult(response_id=str(response_id))

    @activity.defn(name="mark_asked")
    def mark_asked(self, inp: MarkAskedInput) -> None:
        with self._factory() as db, db.begin():
            db.execute(
                update(SessionQuestion)
                .where(SessionQuestion.id == uuid.UUID(inp.question.id))
                .values(status="asked", asked_index=inp.question.index)
            )
        self._events.publish(inp.session_id, "question", inp.question.model_dump())

    @activity.defn(name="mark_skipped")
    def mark_skipped(self, inp: MarkSkippedInput) -> None:
        with self._factory() as db, db.begin():
            db.execute(
                update(SessionQuestion)
                .where(SessionQuestion.id == uuid.UUID(inp.session_question_id))
                .values(status="skipped")
            )

    @activity.defn(name="set_session_status")
    def set_session_status(self, inp: SetStatusInput) -> None:
        values: dict = {"status": inp.status}
        if inp.status in ("scoring", "completed", "abandoned", "ended"):
            values["ended_at"] = datetime.now(UTC)
        with self._factory() as db, db.begin():
            stmt = update(InterviewSession).where(InterviewSession.id == uuid.UUID(inp.session_id))
            if "ended_at" in values:
                # Keep the first end time when a retry passes through here again.
                db.execute(stmt.where(InterviewSession.ended_at.is_(None)).values(ended_at=values.pop("ended_at")))
            db.execute(stmt.values(**values))
        self._events.publish(inp.session_id, "status", {"status": inp.status, "detail": inp.detail})
        if inp.status == "completed":
            self._events.publish(inp.session_id, "report_ready", {})
