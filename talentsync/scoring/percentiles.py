"""Percentiles that mean something: the same question (stable key), the same scorer version,
other real candidates only, and nothing shown below a minimum population."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from talentsync.db.models import InterviewSession, Response, Role, Score, User, user_roles

# Below this many comparable answers a percentile says more about chance than about the answer.
MIN_POPULATION = 5
# Staff and admins try questions out; their answers are not candidates' answers.
EXCLUDED_ROLES = ("staff", "admin")


def percentile_of(value: float, population: list[float]) -> float | None:
    """Share of the population below `value`, counting ties as half (the midpoint definition)."""
    if not population:
        return None
    below = sum(1 for p in population if p < value)
    ties = sum(1 for p in population if p == value)
    return round(100.0 * (below + 0.5 * ties) / len(population), 1)


@dataclass(frozen=True)
class Ranked:
    value: float | None  # None when the population is below MIN_POPULATION
    population: int


def rank(value: float, population: list[float], minimum: int = MIN_POPULATION) -> Ranked:
    if len(population) < minimum:
        return Ranked(None, len(population))
    return Ranked(percentile_of(value, population), len(population))


def _real_candidate(user_id_col) -> object:  # type: ignore[no-untyped-def]
    staff = (
        select(user_roles.c.user_id)
        .join(Role, Role.id == user_roles.c.role_id)
        .where(Role.name.in_(EXCLUDED_ROLES), user_roles.c.user_id == user_id_col)
    )
    test = select(User.id).where(User.id == user_id_col, User.is_test)
    return ~or_(exists(staff), exists(test))


def answer_population(
    db: Session, *, key: str, scorer_version: str, user_id: uuid.UUID, before: datetime
) -> list[float]:
    """Earlier scores of other real candidates for the same question key and scorer version."""
    stmt = (
        select(Score.overall)
        .join(Response, Response.id == Score.response_id)
        .join(InterviewSession, InterviewSession.id == Response.session_id)
        .where(
            Score.percentile_key == key,
            Score.scorer_version == scorer_version,
            InterviewSession.user_id != user_id,
            Response.created_at < before,
            _real_candidate(InterviewSession.user_id),  # type: ignore[arg-type]
        )
    )
    return list(db.scalars(stmt))


def session_population(db: Session, sess: InterviewSession, scorer_version: str) -> list[float]:
    """Earlier overall scores of other real candidates in the module, scored by the same version."""
    same_version = exists(
        select(Score.id)
        .join(Response, Response.id == Score.response_id)
        .where(Response.session_id == InterviewSession.id, Score.scorer_version == scorer_version)
    )
    stmt = select(InterviewSession.overall_score).where(
        and_(
            InterviewSession.module_id == sess.module_id,
            InterviewSession.user_id != sess.user_id,
            InterviewSession.overall_score.is_not(None),
            InterviewSession.created_at < sess.created_at,
            same_version,
            _real_candidate(InterviewSession.user_id),  # type: ignore[arg-type]
        )
    )
    return [float(v) for v in db.scalars(stmt) if v is not None]
