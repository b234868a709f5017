"""`retrieval` queue: rank a module's questions for a practice session on the candidate's weak
listening points (embedder + vector store, so it runs next to the model, never in the API)."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from talentsync.contracts import RankForFocusInput, RankForFocusResult
from talentsync.db.models import Module, Question
from talentsync.embeddings import Embedder
from talentsync.vectors.base import VectorStore
from talentsync.weak_points import rank_for_focus

log = logging.getLogger(__name__)


class WeakPointActivities:
    def __init__(self, factory: sessionmaker[Session], embedder: Embedder, store: VectorStore) -> None:
        self._factory = factory
        self._embedder = embedder
        self._store = store

    @activity.defn(name="rank_questions_for_focus")
    def rank_questions_for_focus(self, inp: RankForFocusInput) -> RankForFocusResult:
        with self._factory() as db:
            module = db.get(Module, inp.module_id)
            if module is None:
                raise ApplicationError(f"module {inp.module_id} not found", non_retryable=True)
            ids = set(db.scalars(select(Question.id).where(Question.module_id == module.id, Question.is_active)))
            slug = module.slug
        ranked = rank_for_focus(self._embedder, self._store, inp.points, slug, ids)
        log.info(
            "ranked questions for weak points",
            extra={"session_id": inp.session_id, "points": len(inp.points), "ranked": len(ranked)},
        )
        return RankForFocusResult(question_ids=[r.question_id for r in ranked], scores=[r.score for r in ranked])
