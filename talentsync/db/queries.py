"""Read queries shared by activities and the API."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from talentsync.db.models import Response, Score, SessionQuestion


def load_session_answers(db: Session, session_id: uuid.UUID) -> list[tuple[Response, SessionQuestion, Score | None]]:
    """Answers in the order they were asked (latest attempt per question)."""
    rows = db.execute(
        select(Response, SessionQuestion, Score)
        .join(SessionQuestion, Response.session_question_id == SessionQuestion.id)
        .outerjoin(Score, Score.response_id == Response.id)
        .where(Response.session_id == session_id)
        .order_by(SessionQuestion.asked_index.nulls_last(), Response.created_at, Response.attempt)
    ).all()
    latest: dict[uuid.UUID, tuple[Response, SessionQuestion, Score | None]] = {}
    for r, sq, s in rows:
        latest[sq.id] = (r, sq, s)
    return list(latest.values())


def latest_attempts(session_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """Ids of each question's latest response: an answer given again replaces the earlier one in
    the session's score (the report lists the earlier attempts beside it)."""
    ranked = (
        select(
            Response.id,
            func.row_number()
            .over(partition_by=Response.session_question_id, order_by=Response.attempt.desc())
            .label("n"),
        )
        .where(Response.session_id == session_id)
        .subquery()
    )
    return select(ranked.c.id).where(ranked.c.n == 1)


def load_earlier_attempts(db: Session, session_id: uuid.UUID) -> dict[uuid.UUID, list[tuple[Response, Score | None]]]:
    """Per question, every attempt before the latest one, oldest first."""
    rows = db.execute(
        select(Response, Score)
        .outerjoin(Score, Score.response_id == Response.id)
        .where(Response.session_id == session_id, Response.id.not_in(latest_attempts(session_id)))
        .order_by(Response.attempt)
    ).all()
    earlier: dict[uuid.UUID, list[tuple[Response, Score | None]]] = {}
    for r, s in rows:
        earlier.setdefault(r.session_question_id, []).append((r, s))
    return earlier


def load_skipped_questions(db: Session, session_id: uuid.UUID) -> list[SessionQuestion]:
    """Questions the candidate skipped and never answered (an answer on a re-ask marks them answered)."""
    return list(
        db.scalars(
            select(SessionQuestion)
            .where(SessionQuestion.session_id == session_id, SessionQuestion.status == "skipped")
            .order_by(SessionQuestion.asked_index)
        )
    )
