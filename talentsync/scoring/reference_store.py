"""Question-side vectors that outlive the process: PostgreSQL rows keyed by model and text hash.

The scorer embeds each question-side text (question, paraphrases, strong-answer sentences,
listening-point labels, descriptions and examples) once per model, ever. A restarted worker
loads them in one query, so the first candidate after a restart pays no cold penalty. Candidate
answers never go through here: only texts that came from the question bank are stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from talentsync.db.models import ReferenceVector
from talentsync.embeddings import Embedder

log = logging.getLogger(__name__)


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_id(embedder: Embedder) -> str:
    return str(getattr(embedder, "model_id", type(embedder).__name__))[:64]


class PersistentReferences:
    """Per-text reference vectors: memory, then PostgreSQL, then the model (and stored)."""

    def __init__(self, embedder: Embedder, factory: sessionmaker[Session]) -> None:
        self._embedder = embedder
        self._factory = factory
        self._model = model_id(embedder)
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def preload(self) -> int:
        """Load every stored vector of this model; returns how many."""
        with self._factory() as db:
            rows = db.execute(
                select(ReferenceVector.text_sha, ReferenceVector.vector).where(ReferenceVector.model == self._model)
            ).all()
        with self._lock:
            for sha, blob in rows:
                self._memory[sha] = np.frombuffer(blob, dtype=np.float32)
        log.info("reference vectors loaded", extra={"count": len(rows), "model": self._model})
        return len(rows)

    def vectors(self, texts: Sequence[str], embed_one: object) -> np.ndarray:
        """(n, dim) float32 vectors for ``texts``; ``embed_one(text)`` computes a missing one."""
        shas = [text_sha(t) for t in texts]
        with self._lock:
            missing = [(s, t) for s, t in zip(shas, texts, strict=True) if s not in self._memory]
        if missing:
            self._load([s for s, _ in missing])
            with self._lock:
                missing = [(s, t) for s, t in missing if s not in self._memory]
        if missing:
            computed = {s: np.asarray(embed_one(t), dtype=np.float32) for s, t in dict(missing).items()}  # type: ignore[operator]
            self._store(computed)
            with self._lock:
                self._memory.update(computed)
        with self._lock:
            return np.vstack([self._memory[s] for s in shas])

    def _load(self, shas: list[str]) -> None:
        with self._factory() as db:
            rows = db.execute(
                select(ReferenceVector.text_sha, ReferenceVector.vector).where(
                    ReferenceVector.model == self._model, ReferenceVector.text_sha.in_(shas)
                )
            ).all()
        with self._lock:
            for sha, blob in rows:
                self._memory[sha] = np.frombuffer(blob, dtype=np.float32)

    def _store(self, vectors: dict[str, np.ndarray]) -> None:
        rows = [
            {"model": self._model, "text_sha": s, "vector": v.astype(np.float32).tobytes()} for s, v in vectors.items()
        ]
        with self._factory() as db, db.begin():
            db.execute(insert(ReferenceVector).values(rows).on_conflict_do_nothing())


class ReferenceEmbedder:
    """The embedder the scorer is given in the worker: answers are embedded as usual, question-side
    texts go through ``references`` (persisted per model)."""

    def __init__(self, inner: Embedder, references: PersistentReferences) -> None:
        self._inner = inner
        self.references = references
        self.dim = inner.dim
        self.model_id = model_id(inner)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._inner.embed(texts)


def warm_bank(embedder: Embedder, factory: sessionmaker[Session]) -> int:
    """Compute (or load) the references of every active bank question; returns how many questions.

    Run once in the background when a scoring worker starts: after the first start of a new model or
    pack this fills PostgreSQL, after that it only reads memory.
    """
    from talentsync.db.models import Question
    from talentsync.scoring.inputs import bank_question_for_scoring
    from talentsync.scoring.scorer import warm

    with factory() as db:
        questions = [bank_question_for_scoring(db, q) for q in db.scalars(select(Question).where(Question.is_active))]
    warm(embedder, questions)
    return len(questions)


def scoring_embedder(
    embedder: Embedder, factory: sessionmaker[Session], *, background_warm: bool = True
) -> ReferenceEmbedder:
    """Wrap ``embedder`` for scoring: stored references loaded now, missing ones filled in the background."""
    wrapped = ReferenceEmbedder(embedder, PersistentReferences(embedder, factory))
    wrapped.references.preload()
    if background_warm:

        def run() -> None:
            # Lowest CPU priority for this thread only (Linux schedules threads as tasks; ONNX runs
            # in the calling thread): warming never slows the scoring it is meant to speed up.
            with contextlib.suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
            try:
                n = warm_bank(wrapped, factory)
                log.info("scoring references warm", extra={"questions": n})
            except Exception:  # a warm-up failure only costs latency later; never kill the worker
                log.exception("warming scoring references failed")

        threading.Thread(target=run, name="warm-references", daemon=True).start()
    return wrapped
