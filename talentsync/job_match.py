"""Order a module's core questions by how close they are to a job description.

The job description is embedded once and compared with the `questions` namespace of the vector
store (the same vectors follow-up retrieval and the question-bank sync maintain), filtered to the
module. Questions the store does not know yet (a bank edit not synced) keep their usual place
after the ranked ones, so a missing vector never hides a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from talentsync.embeddings import Embedder
from talentsync.vectors.base import VectorStore

# The API refuses more than this; the embedder reads ~256 word pieces anyway, so a long posting is
# cut to its start, where titles and the main requirements usually are.
MAX_JOB_DESCRIPTION_CHARS = 6000
MIN_JOB_DESCRIPTION_CHARS = 20
EMBED_CHARS = 2000
# Upper bound on the questions one module is ranked over (a module has tens).
MAX_RANKED = 200


@dataclass(frozen=True)
class RankedQuestion:
    question_id: int
    similarity: float


def clean_job_description(text: str) -> str:
    """Whitespace collapsed, control characters dropped: what gets embedded and stored."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def rank_questions(
    embedder: Embedder, store: VectorStore, job_description: str, module_slug: str, question_ids: set[int]
) -> list[RankedQuestion]:
    """The module's questions that the store has vectors for, most similar to the job first."""
    text = clean_job_description(job_description)[:EMBED_CHARS]
    if not text or not question_ids:
        return []
    vector = embedder.embed([text])[0]
    matches = store.query(
        "questions", vector.tolist(), top_k=min(MAX_RANKED, len(question_ids)), where={"module": module_slug}
    )
    ranked: list[RankedQuestion] = []
    seen: set[int] = set()
    for m in matches:
        qid = m.metadata.get("question_id")
        if isinstance(qid, int) and qid in question_ids and qid not in seen:
            seen.add(qid)
            ranked.append(RankedQuestion(qid, round(float(m.score), 4)))
    return ranked
