"""Re-embed the whole question bank from PostgreSQL into the configured vector store.

    python -m talentsync.vectors.resync [--wipe] [--batch-size N]     (or: make resync-vectors)

For a fresh Pinecone index (a new project, a region move, a lost index) or after changing the
embedding model. PostgreSQL is the source of truth: every active question gives one vector in
``questions`` and one in ``ideal-answers``, every follow-up template of an active question one in
``followups``, with the metadata retrieval filters on (``question_id``, ``domain``, ``type``; see
``talentsync.bank.question_vector_records``). Vector ids are deterministic, so running it again
overwrites instead of duplicating; ``--wipe`` first empties the three namespaces, which also drops
vectors of questions deleted or retired since the last sync.

The store is whatever the settings select: Pinecone when PINECONE_API_KEY/PINECONE_HOST are set,
pgvector otherwise.
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from talentsync.bank import embed_questions
from talentsync.db.models import FollowUpTemplate, Module, Question
from talentsync.embeddings import Embedder
from talentsync.vectors.base import NAMESPACES, VectorStore

log = logging.getLogger(__name__)

DEFAULT_BATCH = 50  # questions per round: ~150 texts to embed, a few Pinecone upsert requests


@dataclass
class ResyncReport:
    questions: int = 0
    upserted: int = 0
    expected: dict[str, int] = field(default_factory=dict)  # per namespace, from PostgreSQL
    counted: dict[str, int] = field(default_factory=dict)  # per namespace, from the store afterwards
    seconds: float = 0.0

    @property
    def matches(self) -> bool:
        return self.counted == self.expected


def expected_counts(db: Session) -> dict[str, int]:
    """How many vectors each namespace should hold, counted in PostgreSQL."""
    active = int(db.scalar(select(func.count()).select_from(Question).where(Question.is_active)) or 0)
    templates = int(
        db.scalar(
            select(func.count()).select_from(FollowUpTemplate).join(Question).where(Question.is_active),
        )
        or 0
    )
    return {"questions": active, "ideal-answers": active, "followups": templates}


def resync(
    factory: sessionmaker[Session],
    store: VectorStore,
    embedder: Embedder,
    *,
    batch_size: int = DEFAULT_BATCH,
    wipe: bool = False,
    settle_s: float = 10.0,
) -> ResyncReport:
    """Embed and upsert every active question, ``batch_size`` questions at a time, logging progress."""
    started = time.perf_counter()
    report = ResyncReport()
    with factory() as db:
        report.expected = expected_counts(db)
        ids = list(db.scalars(select(Question.id).where(Question.is_active).order_by(Question.id)))
    report.questions = len(ids)
    if wipe:
        for ns in NAMESPACES:
            store.clear(ns)
        log.info("emptied namespaces %s in %s", ", ".join(NAMESPACES), store.name)
    log.info("re-syncing %d questions into %s (%s)", len(ids), store.name, _fmt(report.expected))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        # A short read per batch: nothing is held open while the store is written to.
        with factory() as db:
            rows = db.execute(
                select(Question, Module.domain, Module.slug).join(Module).where(Question.id.in_(chunk))
            ).all()
            batch = [(q, domain, slug) for q, domain, slug in rows]
            for q, _, _ in batch:
                _ = q.follow_ups  # loaded before the session closes
        report.upserted += embed_questions(batch, store, embedder)
        done = start + len(chunk)
        log.info(
            "questions %d/%d (%.0f%%), vectors upserted %d", done, len(ids), 100 * done / max(len(ids), 1),
            report.upserted,
        )  # fmt: skip
    report.counted = _settled_counts(store, report.expected, settle_s)
    report.seconds = round(time.perf_counter() - started, 2)
    if report.matches:
        log.info("done in %.1f s: %s", report.seconds, _fmt(report.counted))
    else:
        # More than PostgreSQL has: vectors of deleted/retired questions (run with --wipe).
        # Fewer: the store has not caught up yet (Pinecone's counts are eventually consistent).
        log.warning(
            "store counts differ from PostgreSQL: store %s, PostgreSQL %s; more means stale vectors "
            "(run again with --wipe), fewer means the store has not caught up yet",
            _fmt(report.counted), _fmt(report.expected),
        )  # fmt: skip
    return report


def _settled_counts(store: VectorStore, expected: dict[str, int], settle_s: float) -> dict[str, int]:
    deadline = time.monotonic() + settle_s
    while True:
        counted = {ns: store.count(ns) for ns in expected}
        if counted == expected or time.monotonic() >= deadline:
            return counted
        time.sleep(1.0)


def _fmt(counts: dict[str, int]) -> str:
    return ", ".join(f"{ns} {n}" for ns, n in counts.items())


def main(argv: list[str] | None = None) -> int:
    from talentsync.config import configure_logging, get_settings
    from talentsync.db.engine import make_engine, make_session_factory
    from talentsync.providers import build_embedder, build_vector_store

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wipe", action="store_true", help="empty the three namespaces first")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="questions per batch")
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    settings = get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings.database_url, pool_size=2)
    store = build_vector_store(settings, engine)
    try:
        report = resync(
            make_session_factory(engine),
            store,
            build_embedder(settings),
            batch_size=args.batch_size,
            wipe=args.wipe,
        )
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()
        engine.dispose()
    return 0 if report.matches else 1


if __name__ == "__main__":
    raise SystemExit(main())
