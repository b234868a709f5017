"""Question-side vectors persist per model: a new process loads them instead of re-embedding."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from talentsync.db.engine import make_engine, make_session_factory
from talentsync.db.models import ReferenceVector
from talentsync.embeddings import default_embedder
from talentsync.scoring import score_answer
from talentsync.scoring.reference_store import PersistentReferences, ReferenceEmbedder, scoring_embedder
from tests.unit import scoring_data

pytestmark = pytest.mark.integration


class CountingEmbedder:
    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.dim, self.calls, self.model_id = inner, inner.dim, 0, "counting-test-model"

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.calls += len(texts)
        return self.inner.embed(texts)


def test_references_are_stored_once_and_reloaded_by_a_new_process(stack):
    factory = make_session_factory(make_engine(stack.database_url))
    q = scoring_data.question("backend-memory-leak")
    answer = scoring_data.answer("backend-memory-leak-strong-1")
    raw = default_embedder()

    first = CountingEmbedder(raw)
    wrapped = scoring_embedder(first, factory, background_warm=False)
    cold = score_answer(q, answer, wrapped)
    assert first.calls > 20  # references and the answer's sentences
    with factory() as db:
        stored = db.scalar(
            select(func.count()).select_from(ReferenceVector).where(ReferenceVector.model == "counting-test-model")
        )
    assert stored and stored > 20

    # A "restarted worker": a fresh wrapper and cache that only loads from PostgreSQL.
    second = CountingEmbedder(raw)
    fresh = ReferenceEmbedder(second, PersistentReferences(second, factory))
    assert fresh.references.preload() == stored
    warm = score_answer(q, answer, fresh)
    assert second.calls < first.calls / 3  # only the answer's own sentences were embedded
    assert warm.model_dump() == cold.model_dump()  # same vectors, same score
    # The raw embedder (no store) computes exactly the same references.
    assert score_answer(q, answer, raw).model_dump() == cold.model_dump()
