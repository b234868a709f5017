"""`retrieval` queue: rank a module's questions by a job description (embedder + vector store).

On the retrieval queue, next to the model, because the `interview` role loads no ML model; the
workflow calls it before seeding and hands the order to `seed_session`.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from talentsync.contracts import RankForJobInput, RankForJobResult
from talentsync.db.models import Module, Question
from talentsync.embeddings import Embedder
from talentsync.job_match import rank_questions
from talentsync.vectors.base import VectorStore

log = logging.getLogger(__name__)


class JobMatchActivities:
    def __init__(self, factory: sessionmaker[Session], embedder: Embedder, store: VectorStore) -> None:
        self._factory = factory
        self._embedder = embedder
        self._store = store

    @activity.defn(name="rank_questions_for_job")
    def rank_questions_for_job(self, inp: RankForJobInput) -> RankForJobResult:
        with self._factory() as db:
            module = db.get(Module, inp.module_id)
            if module is None:
                raise ApplicationError(f"module {inp.module_id} not found", non_retryable=True)
            ids = set(db.scalars(select(Question.id).where(Question.module_id == module.id, Question.is_active)).all())
            slug = module.slug
        ranked = rank_questions(self._embedder, self._store, inp.job_description, slug, ids)
        log.info(
            "ranked questions for a job description",
            extra={"session_id": inp.session_id, "ranked": len(ranked), "of": len(ids)},
        )
        return RankForJobResult(
            question_ids=[r.question_id for r in ranked], similarities=[r.similarity for r in ranked]
        )
