"""Percentile populations: same question key and scorer version, other real candidates only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from talentsync.db.engine import make_engine, make_session_factory
from talentsync.db.models import InterviewSession, Module, Response, Role, Score, SessionQuestion, User
from talentsync.scoring.percentiles import answer_population, rank

pytestmark = pytest.mark.integration


def _answer(db, user: User, module_id: int, key: str, overall: float, version: str, when: datetime) -> None:  # type: ignore[no-untyped-def]
    sess = InterviewSession(
        user_id=user.id, module_id=module_id, workflow_id=f"session-{uuid.uuid4()}", max_questions=1, status="completed"
    )
    db.add(sess)
    db.flush()
    sq = SessionQuestion(
        id=uuid.uuid4(), session_id=sess.id, kind="core", percentile_key=key, text="q", category="technical"
    )
    db.add(sq)
    db.flush()
    resp = Response(id=uuid.uuid4(), session_id=sess.id, session_question_id=sq.id, text="a", created_at=when)
    db.add(resp)
    db.flush()
    db.add(
        Score(
            response_id=resp.id,
            percentile_key=key,
            overall=overall,
            dimensions={},
            key_points=[],
            word_count=1,
            scorer_version=version,
        )
    )


def _user(db, roles: list[Role] | None = None, is_test: bool = False) -> User:  # type: ignore[no-untyped-def]
    u = User(email=f"p-{uuid.uuid4().hex[:8]}@example.com", full_name="P", password_hash="x", is_test=is_test)
    u.roles = roles or []
    db.add(u)
    db.flush()
    return u


def test_population_excludes_staff_test_accounts_other_versions_and_self(stack):
    factory = make_session_factory(make_engine(stack.database_url))
    key = f"q:test-{uuid.uuid4().hex[:6]}"
    past = datetime.now(UTC) - timedelta(hours=1)
    with factory() as db, db.begin():
        module_id = db.scalar(select(Module.id))
        staff_role = db.scalar(select(Role).where(Role.name == "staff"))
        me = _user(db)
        for score in (10.0, 20.0, 30.0):
            _answer(db, _user(db), module_id, key, score, "v-now", past)  # real candidates: counted
        _answer(db, _user(db, roles=[staff_role]), module_id, key, 99.0, "v-now", past)  # staff
        _answer(db, _user(db, is_test=True), module_id, key, 98.0, "v-now", past)  # test account
        _answer(db, _user(db), module_id, key, 97.0, "v-old", past)  # another scorer version
        _answer(db, _user(db), module_id, f"{key}-other", 96.0, "v-now", past)  # another question
        _answer(db, me, module_id, key, 95.0, "v-now", past)  # the candidate's own earlier answer
        _answer(db, _user(db), module_id, key, 94.0, "v-now", datetime.now(UTC) + timedelta(hours=1))  # later
        population = answer_population(db, key=key, scorer_version="v-now", user_id=me.id, before=datetime.now(UTC))
    assert sorted(population) == [10.0, 20.0, 30.0]
    assert rank(25.0, population, minimum=5).value is None  # below the minimum population: hidden
    shown = rank(25.0, population, minimum=3)
    assert shown.value == pytest.approx(66.7) and shown.population == 3
