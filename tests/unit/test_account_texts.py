"""Deleting an account deletes the scoring reference vectors made from its own text (resume
questions, rewritten follow-ups). Those rows are keyed by a hash of each text the scorer embeds, so
`question_side_texts` must name exactly the texts the scorer sends to the reference store."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence

import numpy as np

from talentsync.account_data import question_side_texts
from talentsync.db.models import SessionQuestion
from talentsync.scoring import score_answer
from talentsync.scoring.inputs import session_question_for_scoring


class _Recorder:
    """Stands in for PersistentReferences: records every text it is asked for."""

    def __init__(self) -> None:
        self.texts: set[str] = set()

    def vectors(self, texts: Sequence[str], embed_one: Callable[[str], np.ndarray]) -> np.ndarray:
        self.texts.update(texts)
        return np.vstack([embed_one(t) for t in texts])


class _HashEmbedder:
    dim = 32

    def __init__(self) -> None:
        self.references = _Recorder()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, int(hashlib.sha256(w.encode()).hexdigest(), 16) % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            out[i] = out[i] / n if n else out[i]
        return out


def test_the_texts_a_resume_question_leaves_in_the_reference_store_are_the_ones_deletion_removes() -> None:
    sq = SessionQuestion(
        id=uuid.uuid4(),
        session_id=uuid.uuid4(),
        kind="resume",
        question_id=None,
        percentile_key="resume:role",
        text="Your resume says you led the Zephyr Robotics build farm. What did you change, and why?",
        category="resume",
        ideal_answer="I moved builds to cached Docker layers. Build times fell by 45%. I measured before and after.",
        reference_answers=["We split the monorepo build. Each team got its own cache."],
        paraphrases=["Walk me through the Zephyr build farm work."],
        key_points=[
            {"point": "Names the change", "listen_for": "What exactly was changed", "examples": ["We cached layers."]},
            "Gives a number",
        ],
        keywords=["docker"],
    )
    embedder = _HashEmbedder()
    answer = "At Zephyr I cached Docker layers, and our builds went from 20 to 11 minutes."
    score_answer(session_question_for_scoring(None, sq), answer, embedder)  # type: ignore[arg-type]
    stored = embedder.references.texts
    assert stored, "the scorer keeps question-side vectors"
    assert stored == question_side_texts(sq)
    assert answer not in stored and not any("11 minutes" in t for t in stored), "answers are never stored"
