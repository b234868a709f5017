"""Choose questions that exercise the listening points a candidate keeps missing.

Each point (its label plus what an interviewer listens for) is embedded and compared with the
module's `questions` and `ideal-answers` namespaces: a question whose strong answer makes the
point, or whose wording asks for it, exercises it. A question scores the sum over the points of
its best similarity, weighted by how often the point was missed, so one question that touches
several weak points beats one that touches a single point.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from talentsync.contracts import FocusPoint
from talentsync.embeddings import Embedder
from talentsync.vectors.base import VectorStore

NAMESPACES = ("questions", "ideal-answers")
# The question the point was missed on asks for it by construction; a small bonus keeps it in
# the running when its vectors say little about this one point.
ORIGIN_BONUS = 0.1
MAX_RANKED = 200


@dataclass(frozen=True)
class RankedQuestion:
    question_id: int
    score: float


def point_text(p: FocusPoint) -> str:
    return f"{p.point}. {p.listen_for}".strip(" .") if p.listen_for else p.point


def rank_for_focus(
    embedder: Embedder,
    store: VectorStore,
    points: Sequence[FocusPoint],
    module_slug: str,
    question_ids: set[int],
) -> list[RankedQuestion]:
    """The module's questions, best exercise for ``points`` first (only those the store knows)."""
    if not points or not question_ids:
        return []
    vectors = embedder.embed([point_text(p)[:1000] for p in points])
    top_k = min(MAX_RANKED, len(question_ids))
    totals: dict[int, float] = defaultdict(float)
    for p, vector in zip(points, vectors, strict=True):
        best: dict[int, float] = {}
        for ns in NAMESPACES:
            for m in store.query(ns, vector.tolist(), top_k=top_k, where={"module": module_slug}):
                qid = m.metadata.get("question_id")
                if isinstance(qid, int) and qid in question_ids:
                    best[qid] = max(best.get(qid, 0.0), float(m.score))
        if p.bank_question_id in best:
            best[p.bank_question_id] += ORIGIN_BONUS
        for qid, similarity in best.items():
            totals[qid] += max(1, p.times_missed) * similarity
    ranked = [RankedQuestion(qid, round(score, 4)) for qid, score in totals.items()]
    return sorted(ranked, key=lambda r: (-r.score, r.question_id))
