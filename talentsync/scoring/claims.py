"""Sentences that say nothing concrete: a linear model over the sentence embedding.

Confident fluff ("I always start from the needs of the customer and build something robust and
simple"), buzzword prose and restatements of the question stay on the topic, so similarity to the
question cannot tell them from a weak but genuine attempt ("I'd put a counter in Redis per user").
What differs is what the sentence does: a genuine answer, however thin, says what the candidate
did or would do; these sentences only sound like it. A logistic regression over the sentence
vector that scoring already computes, fitted on the outside graders' answers (sentences of fluff,
keyword prose and echo answers against sentences of strong, weak and terse ones), tells them apart
(bench/claim_fit.py fits it; bench/scoring_eval.py measures it on modules it was not fitted on).

It costs one dot product per sentence. It reads vectors of the embedder it was fitted with
(all-MiniLM-L6-v2, both backends); with any other dimension it stays silent rather than guess.

Sentences about the question itself ("that's a great question", "what you're asking is") are
recognised by their wording and are not evidence at all (the scorer counts them as restating it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClaimModel:
    """P(sentence makes no concrete claim) = sigmoid(bias + weights . vector)."""

    weights: tuple[float, ...]  # bias first, then one weight per embedding dimension

    def claim_free(self, vecs: np.ndarray) -> np.ndarray | None:
        """Per sentence vector, whether it makes no concrete claim; None if the model cannot read them."""
        w = np.asarray(self.weights)
        if vecs.ndim != 2 or vecs.shape[1] != len(w) - 1 or not len(vecs):
            return None
        # Claim-free when the model is more sure than not: sigmoid(z) > 0.5, i.e. z > 0.
        return w[0] + vecs @ w[1:] > 0.0


def claim_free_share(model: ClaimModel, vecs: np.ndarray, weights: np.ndarray) -> float:
    """Word-weighted share of the sentences that make no concrete claim (0 when unknown)."""
    free = model.claim_free(vecs)
    if free is None or float(weights.sum()) <= 0:
        return 0.0
    return float((weights * free).sum() / weights.sum())


# A sentence about the question itself ("so the question is about...", "what you're asking is")
# says what is being asked, not what the answer is, however far its words stray from the question's.
_ABOUT_THE_QUESTION_RE = re.compile(
    r"\b(?:the|this|your) question (?:is (?:about|asking|really)|asks|really|gets at|here is)"
    r"|\bthis question\b|\b(?:good|great|important|interesting|fair|tricky|big) question\b"
    r"|\byou(?:'re| are) (?:really |basically |essentially )?asking\b"
    r"|\bwhat(?:'s| is| was) being asked\b"
    r"|\b(?:that's|this is|it's|that is) (?:really |basically |essentially )?asking\b",
    re.IGNORECASE,
)


def about_the_question(sentence: str) -> bool:
    """Whether the sentence talks about the question ("that's a great question") instead of answering it."""
    return bool(_ABOUT_THE_QUESTION_RE.search(sentence))
