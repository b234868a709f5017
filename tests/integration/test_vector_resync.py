"""`python -m talentsync.vectors.resync`: the question bank from PostgreSQL into a fresh (fake) Pinecone index."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from sqlalchemy import create_engine, select, text

from talentsync.db.engine import make_session_factory
from talentsync.db.models import Module, Question
from talentsync.embeddings import default_embedder
from talentsync.vectors.pinecone_store import PineconeVectorStore
from talentsync.vectors.resync import expected_counts, resync
from tests.conftest import REPO
from tests.fakes.pinecone_server import FakePinecone, fake_pinecone

pytestmark = pytest.mark.integration


class MemoEmbedder:
    """The real model, each text embedded once per test module: re-runs differ only in the store."""

    def __init__(self) -> None:
        self._model = default_embedder()
        self.dim = self._model.dim
        self._memo: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            self._memo.update(zip(missing, self._model.embed(missing), strict=True))
        return np.stack([self._memo[t] for t in texts])


@pytest.fixture(scope="module")
def embedder() -> MemoEmbedder:
    return MemoEmbedder()


@pytest.fixture
def fake() -> Iterator[FakePinecone]:
    with fake_pinecone(api_key="pc-resync-key") as f:
        yield f


@pytest.fixture
def pg(stack):  # type: ignore[no-untyped-def]
    engine = create_engine(stack.database_url)
    yield engine
    engine.dispose()


def test_every_row_lands_once_with_its_metadata(fake, pg, embedder) -> None:
    store = PineconeVectorStore.connect(fake.api_key, fake.host)
    factory = make_session_factory(pg)
    try:
        report = resync(factory, store, embedder, batch_size=25)
    finally:
        store.close()
    with pg.connect() as c:
        active = c.execute(text("SELECT count(*) FROM questions WHERE is_active")).scalar_one()
        templates = c.execute(
            text(
                "SELECT count(*) FROM follow_up_templates t JOIN questions q ON q.id = t.question_id WHERE q.is_active"
            )
        ).scalar_one()
    assert active > 50 and templates > 50
    assert report.expected == {"questions": active, "ideal-answers": active, "followups": templates}
    assert report.counted == report.expected and report.matches
    assert {ns: len(fake.stored(ns)) for ns in report.expected} == report.expected
    # Batched: 25 questions a round, each round a few upserts of at most 100 vectors.
    upserts = fake.requests_to("/vectors/upsert")
    assert len(upserts) >= 3 * (active // 25) and all(len(r.body["vectors"]) <= 100 for r in upserts)

    # Metadata as retrieval filters on it, checked against the rows themselves.
    with factory() as db:
        rows = db.execute(select(Question, Module).join(Module).where(Question.is_active)).all()
    questions, ideal, followups = fake.stored("questions"), fake.stored("ideal-answers"), fake.stored("followups")
    for q, module in rows:
        meta = questions[f"q-{q.id}"]["metadata"]
        assert meta["question_id"] == q.id and meta["domain"] == module.domain and meta["type"] == q.category
        assert meta["document"] == q.text and meta["module"] == module.slug
        assert ideal[f"ia-{q.id}"]["metadata"]["type"] == "ideal_answer"
        for t in q.follow_ups:
            fm = followups[f"fu-{t.id}"]["metadata"]
            assert (fm["question_id"], fm["domain"], fm["type"], fm["template_id"]) == (
                q.id,
                module.domain,
                "follow_up",
                t.id,
            )
    assert len(questions[f"q-{rows[0][0].id}"]["values"]) == 384


def test_running_again_overwrites_and_wipe_drops_stale_vectors(fake, pg, embedder) -> None:
    store = PineconeVectorStore.connect(fake.api_key, fake.host)
    factory = make_session_factory(pg)
    try:
        first = resync(factory, store, embedder)
        before = {ns: fake.stored(ns) for ns in first.expected}
        second = resync(factory, store, embedder)
        assert second.counted == first.counted == first.expected
        assert {ns: fake.stored(ns) for ns in first.expected} == before  # same ids, same vectors

        # A vector whose question is gone: counts no longer match, and --wipe clears it.
        store.upsert("questions", [_record("q-99999999")])
        stale = resync(factory, store, embedder, settle_s=0)
        assert not stale.matches and stale.counted["questions"] == stale.expected["questions"] + 1
        wiped = resync(factory, store, embedder, wipe=True)
        assert wiped.matches and "q-99999999" not in fake.stored("questions")
    finally:
        store.close()


def _record(vid: str):  # type: ignore[no-untyped-def]
    from talentsync.vectors.base import VectorRecord

    return VectorRecord(vid, [1.0] + [0.0] * 383, {"question_id": 99999999, "domain": "gone"}, "retired")


def test_command_line(fake, stack, pg) -> None:
    env = stack.env(PINECONE_API_KEY=fake.api_key, PINECONE_HOST=fake.host, LOG_FORMAT="text")
    run = subprocess.run(
        [sys.executable, "-m", "talentsync.vectors.resync", "--batch-size", "40"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    with make_session_factory(pg)() as db:
        expected = expected_counts(db)
    assert "re-syncing" in run.stderr and "into pinecone" in run.stderr
    assert f"questions {expected['questions']}/{expected['questions']} (100%)" in run.stderr
    assert {ns: len(fake.stored(ns)) for ns in expected} == expected
    assert all(r.headers["api-key"] == fake.api_key for r in fake.requests)
