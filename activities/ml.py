"""`ml` queue: embeddings, follow-up retrieval, scoring, percentiles, question-bank sync."""

from __future__ import annotations

import logging
import time
import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.session import session_question_id, upsert_session_questions
from talentsync.bank import embed_questions
from talentsync.contracts import (
    FinalizeSessionInput,
    FinalizeSessionResult,
    FindFollowUpInput,
    FindFollowUpResult,
    QueuedQuestion,
    ScoreAnswerInput,
    ScoreAnswerResult,
    ScorePreviewInput,
    SyncQuestionInput,
    SyncQuestionResult,
)
from talentsync.db.models import (
    FollowUpTemplate,
    InterviewSession,
    Module,
    Percentile,
    Question,
    Response,
    Score,
    SessionQuestion,
)
from talentsync.db.queries import latest_attempts
from talentsync.embeddings import Embedder
from talentsync.events import EventPublisher
from talentsync.followup_words import listening_text, personalise
from talentsync.llm.feedback import FollowUpRefiner
from talentsync.metrics import ANSWERS_SCORED
from talentsync.scoring import AnswerScore, score_answer
from talentsync.scoring.inputs import bank_question_for_scoring, session_question_for_scoring
from talentsync.scoring.percentiles import MIN_POPULATION, answer_population, rank, session_population
from talentsync.vectors.base import VectorStore

log = logging.getLogger(__name__)


class MLActivities:
    def __init__(
        self,
        factory: sessionmaker[Session],
        embedder: Embedder,
        store: VectorStore,
        refiner: FollowUpRefiner,
        events: EventPublisher,
        min_population: int = MIN_POPULATION,
    ) -> None:
        self._factory = factory
        self._embedder = embedder
        self._store = store
        self._refiner = refiner
        self._events = events
        self._min_population = min_population

    @activity.defn(name="find_follow_up")
    def find_follow_up(self, inp: FindFollowUpInput) -> FindFollowUpResult:
        parent = inp.parent
        if parent.bank_question_id is None or not inp.answer_text.strip():
            return FindFollowUpResult(question=None)
        t0 = time.perf_counter()
        vector = self._embedder.embed([inp.answer_text[:4000]])[0]
        t1 = time.perf_counter()
        matches = self._store.query(
            "followups",
            vector.tolist(),
            top_k=5,
            where={"question_id": parent.bank_question_id, "domain": inp.domain},
        )
        t2 = time.perf_counter()
        timings = {"embed_ms": (t1 - t0) * 1000, "search_ms": (t2 - t1) * 1000}
        excluded = set(inp.exclude_template_ids)
        best = next((m for m in matches if int(m.metadata.get("template_id", -1)) not in excluded), None)
        if best is None or best.score < inp.min_similarity:
            # Nothing relevant enough: moving on beats asking a follow-up that ignores the answer.
            return FindFollowUpResult(question=None, similarity=best.score if best else None, **timings)
        template_id = int(best.metadata["template_id"])
        with self._factory() as db:
            template = db.get(FollowUpTemplate, template_id)
            if template is None:  # vector outlived its row
                return FindFollowUpResult(question=None, **timings)
            text, slug, key_points = template.text, template.slug, list(template.key_points)
        # The LLM call happens with no connection checked out and no transaction open: a slow model
        # must not hold a pooled connection (or row locks) while the candidate waits. The refiner
        # gives up within its own short timeout and keeps the template.
        t3 = time.perf_counter()
        refined = self._refiner.refine(parent.text, inp.answer_text, text)
        timings["refine_ms"] = (time.perf_counter() - t3) * 1000
        named: str | None = None
        if refined:
            text, worded = refined, "model"
        else:
            # Offline, or the model declined or failed: tie the template to a thing the candidate named.
            personal = personalise(text, inp.answer_text, question=parent.text, about=listening_text(key_points))
            text = personal.text
            named = personal.thing.phrase if personal.thing else None
            worded = "answer_words" if personal.thing else "template"
        with self._factory() as db, db.begin():
            sq_id = session_question_id(inp.session_id, f"fu:{template_id}:{parent.id}")
            upsert_session_questions(
                db,
                [
                    {
                        "id": sq_id,
                        "session_id": uuid.UUID(inp.session_id),
                        "kind": "follow_up",
                        "question_id": parent.bank_question_id,
                        "follow_up_template_id": template_id,
                        "parent_id": uuid.UUID(parent.id),
                        "percentile_key": f"fu:{slug}",
                        "text": text,
                        "category": parent.category,
                        "ideal_answer": "",
                        "key_points": key_points,
                        "keywords": [],
                        "seed_order": 10_000,
                    }
                ],
            )
        question = QueuedQuestion(
            id=str(sq_id),
            text=text,
            kind="follow_up",
            category=parent.category,
            bank_question_id=None,
            parent_id=parent.id,
        )
        return FindFollowUpResult(
            question=question, similarity=best.score, template_id=template_id, worded=worded, named=named, **timings
        )

    @activity.defn(name="score_answer")
    def score_answer(self, inp: ScoreAnswerInput) -> ScoreAnswerResult:
        with self._factory() as db:
            row = db.execute(
                select(Response, SessionQuestion)
                .join(SessionQuestion, Response.session_question_id == SessionQuestion.id)
                .where(Response.id == uuid.UUID(inp.response_id))
            ).one_or_none()
            if row is None:
                raise ApplicationError(f"response {inp.response_id} not found", non_retryable=True)
            response, sq = row
            question = session_question_for_scoring(db, sq)
            answer_text, pkey = response.text, sq.percentile_key
        result = score_answer(question, answer_text, self._embedder)
        values = {
            "response_id": uuid.UUID(inp.response_id),
            "percentile_key": pkey,
            "overall": result.overall,
            "dimensions": {k: v.model_dump() for k, v in result.dimensions.items()},
            "key_points": [k.model_dump() for k in result.key_points],
            "word_count": result.word_count,
            "scorer_version": result.scorer_version,
            "flags": list(result.flags),
            "seems_to_answer": result.seems_to_answer,
            "padding_cost": result.padding_cost,
        }
        with self._factory() as db, db.begin():
            stmt = insert(Score).values(**values)
            # Scoring is deterministic; a retry rewrites the same numbers.
            db.execute(stmt.on_conflict_do_update(index_elements=["response_id"], set_=values))
        self._events.publish(inp.session_id, "scoring", {"response_id": inp.response_id, "overall": result.overall})
        ANSWERS_SCORED.inc()  # last: an attempt that failed above is retried and counted once it succeeds
        return ScoreAnswerResult(response_id=inp.response_id, overall=result.overall)

    @activity.defn(name="preview_score")
    def preview_score(self, inp: ScorePreviewInput) -> AnswerScore:
        with self._factory() as db:
            q = db.get(Question, inp.question_id)
            if q is None:
                raise ApplicationError(f"question {inp.question_id} not found", non_retryable=True)
            question = bank_question_for_scoring(db, q)
        return score_answer(question, inp.answer, self._embedder)

    @activity.defn(name="finalize_session")
    def finalize_session(self, inp: FinalizeSessionInput) -> FinalizeSessionResult:
        sid = uuid.UUID(inp.session_id)
        with self._factory() as db, db.begin():
            sess = db.get(InterviewSession, sid)
            if sess is None:
                raise ApplicationError(f"session {inp.session_id} not found", non_retryable=True)
            rows = db.execute(
                select(Response.id, Response.created_at, Score.overall, Score.percentile_key, Score.scorer_version)
                .join(Score, Score.response_id == Response.id)
                .where(Response.session_id == sid, Response.id.in_(latest_attempts(sid)))
            ).all()
            percentile_rows = []
            for r in rows:
                ranked = rank(
                    r.overall,
                    minimum=self._min_population,
                    population=answer_population(
                        db,
                        key=r.percentile_key,
                        scorer_version=r.scorer_version,
                        user_id=sess.user_id,
                        before=r.created_at,
                    ),
                )
                percentile_rows.append(
                    {
                        "session_id": sid,
                        "scope": "answer",
                        "subject_key": str(r.id),
                        "value": ranked.value,
                        "population": ranked.population,
                    }
                )
            overall = round(sum(r.overall for r in rows) / len(rows), 1) if rows else None
            session_pct = None
            if overall is not None:
                version = rows[0].scorer_version
                ranked = rank(overall, session_population(db, sess, version), minimum=self._min_population)
                session_pct = ranked.value
                percentile_rows.append(
                    {
                        "session_id": sid,
                        "scope": "session",
                        "subject_key": "session",
                        "value": ranked.value,
                        "population": ranked.population,
                    }
                )
            for pr in percentile_rows:
                stmt = insert(Percentile).values(**pr)
                db.execute(
                    stmt.on_conflict_do_update(
                        constraint="uq_percentiles_subject",
                        set_={"value": stmt.excluded.value, "population": stmt.excluded.population},
                    )
                )
            sess.overall_score = overall
        return FinalizeSessionResult(overall=overall, percentile=session_pct, answered=len(rows))

    @activity.defn(name="sync_question_vectors")
    def sync_question_vectors(self, inp: SyncQuestionInput) -> SyncQuestionResult:
        with self._factory() as db:
            q = db.get(Question, inp.question_id)
            if q is None:
                raise ApplicationError(f"question {inp.question_id} not found", non_retryable=True)
            module = db.get(Module, q.module_id)
            assert module is not None
            # Drop vectors of templates that no longer exist before upserting the current ones.
            live = {f"fu-{t.id}" for t in q.follow_ups}
            stale = [
                m.id
                for m in self._store.query(
                    "followups",
                    [0.0] * (self._embedder.dim - 1) + [1.0],
                    top_k=100,
                    where={"question_id": q.id},
                )
                if m.id not in live
            ]
            self._store.delete("followups", stale)
            n = embed_questions([(q, module.domain, module.slug)], self._store, self._embedder)
        return SyncQuestionResult(upserted=n)


def count_scored(db: Session, session_id: uuid.UUID) -> int:
    return int(
        db.scalar(select(func.count()).select_from(Score).join(Response).where(Response.session_id == session_id)) or 0
    )
