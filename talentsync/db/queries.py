"""Read queries shared by activities and the API."""

from __future__ import annotations

import uuid

from sqlalchemy import select
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
