"""Build scoring inputs from database rows: one place, used by the scoring activity and the
staff score preview, so a preview is exactly what a session's report would hold."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from talentsync.db.models import Question, SessionQuestion
from talentsync.scoring.models import ListeningPointSpec, NeighbourQuestion, QuestionForScoring


def _points(raw: Sequence[Any] | None) -> list[ListeningPointSpec]:
    return [ListeningPointSpec.model_validate(p) for p in raw or []]


def neighbours_of(db: Session, question: Question) -> list[NeighbourQuestion]:
    """The other active questions of the module, for "does it answer *this* question?"."""
    rows = db.scalars(
        select(Question)
        .where(Question.module_id == question.module_id, Question.is_active, Question.id != question.id)
        .order_by(Question.position, Question.id)
    )
    return [
        NeighbourQuestion(
            key=q.slug,
            text=q.text,
            paraphrases=list(q.paraphrases or []),
            answers=[a for a in (q.ideal_answer, *(q.reference_answers or [])) if a],
        )
        for q in rows
    ]


def bank_question_for_scoring(db: Session, q: Question) -> QuestionForScoring:
    return QuestionForScoring(
        text=q.text,
        category=q.category,
        kind="core",
        ideal_answer=q.ideal_answer,
        reference_answers=list(q.reference_answers or []),
        paraphrases=list(q.paraphrases or []),
        key_points=_points(q.key_points),
        keywords=list(q.keywords or []),
        neighbours=neighbours_of(db, q),
    )


def session_question_for_scoring(db: Session, sq: SessionQuestion) -> QuestionForScoring:
    """The snapshot taken when the session was seeded, plus the module's other questions."""
    neighbours: list[NeighbourQuestion] = []
    if sq.kind == "core" and sq.question_id is not None:
        bank = db.get(Question, sq.question_id)
        if bank is not None:
            neighbours = neighbours_of(db, bank)
    return QuestionForScoring(
        text=sq.text,
        category=sq.category,
        kind=sq.kind,
        ideal_answer=sq.ideal_answer,
        reference_answers=list(sq.reference_answers or []),
        paraphrases=list(sq.paraphrases or []),
        key_points=_points(sq.key_points),
        keywords=list(sq.keywords or []),
        neighbours=neighbours,
    )
