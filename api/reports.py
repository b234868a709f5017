"""Assemble the report JSON from PostgreSQL (scores, percentiles, feedback, delivery)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from talentsync.db.models import FeedbackReportRow, InterviewSession, Module, Percentile
from talentsync.db.queries import load_earlier_attempts, load_session_answers, load_skipped_questions
from talentsync.scoring.percentiles import MIN_POPULATION

DIMENSIONS = ("relevance", "ideal_similarity", "coverage", "structure", "specificity", "length")


def build_report(
    db: Session, sess: InterviewSession, fb: FeedbackReportRow, min_population: int = MIN_POPULATION
) -> dict[str, Any]:
    module = db.get(Module, sess.module_id)
    pct = {p.subject_key: p for p in db.scalars(select(Percentile).where(Percentile.session_id == sess.id))}
    answers: list[dict[str, Any]] = []
    earlier = load_earlier_attempts(db, sess.id)
    dim_totals: dict[str, list[float]] = {}
    for i, (resp, sq, score) in enumerate(load_session_answers(db, sess.id)):
        feedback = fb.answers[i] if i < len(fb.answers) else None
        scores = None
        if score is not None:
            scores = {
                "overall": score.overall,
                "dimensions": score.dimensions,
                "key_points": score.key_points,
                "word_count": score.word_count,
                "scorer_version": score.scorer_version,
                "flags": list(score.flags or []),
                "seems_to_answer": score.seems_to_answer,
                "padding_cost": score.padding_cost or 0.0,
            }
            for name, dim in score.dimensions.items():
                dim_totals.setdefault(name, []).append(float(dim["score"]))
        p = pct.get(str(resp.id))
        answers.append(
            {
                "response_id": str(resp.id),
                "question": {"id": str(sq.id), "text": sq.text, "kind": sq.kind, "index": sq.asked_index},
                "answer": resp.text,
                "source": resp.source,
                "transcript": resp.transcript.get("text") if resp.transcript else None,
                "scores": scores,
                "percentile": p.value if p else None,
                "percentile_population": p.population if p else 0,
                "percentile_min_population": min_population,
                "delivery": resp.delivery,
                "audio_url": f"/api/sessions/{sess.id}/responses/{resp.id}/audio" if resp.audio_key else None,
                "feedback": feedback,
                "attempt": resp.attempt,
                "earlier_attempts": [
                    {
                        "attempt": r.attempt,
                        "answer": r.text,
                        "source": r.source,
                        "overall": s.overall if s else None,
                        "created_at": r.created_at.isoformat(),
                    }
                    for r, s in earlier.get(sq.id, [])
                ],
            }
        )
    # Skipped questions belong in the report too, in the order they were asked.
    for sq in load_skipped_questions(db, sess.id):
        answers.append(
            {
                "response_id": None,
                "question": {"id": str(sq.id), "text": sq.text, "kind": sq.kind, "index": sq.asked_index},
                "answer": None,
                "source": None,
                "transcript": None,
                "scores": None,
                "percentile": None,
                "delivery": None,
                "audio_url": None,
                "feedback": None,
                "skipped": True,
                "earlier_attempts": [],
            }
        )
    answers.sort(key=lambda a: (a["question"]["index"] is None, a["question"]["index"] or 0))
    session_pct = pct.get("session")
    return {
        "session_id": str(sess.id),
        "module": {"id": sess.module_id, "name": module.name if module else ""},
        "status": sess.status,
        "created_at": sess.created_at.isoformat(),
        "overall": {
            "score": fb.overall_score,
            "percentile": session_pct.value if session_pct else None,
            "population": session_pct.population if session_pct else 0,
            "min_population": min_population,
            "dimensions": {k: round(sum(v) / len(v), 1) for k, v in dim_totals.items()},
        },
        "answers": answers,
        "summary": fb.summary,
        "focus_areas": fb.focus_areas,
        "feedback_writer": fb.writer,
    }
