"""Fit the claim model (talentsync/scoring/claims.py): which sentences say nothing concrete.

Training sentences come from the hand-written evaluation answers, labelled by the kind of answer
they belong to, which the outside graders chose before any of this existed: sentences of fluff,
keyword prose and echo answers are claim-free (1); sentences of strong, weak, terse-expert and
off-topic answers make claims, true or not, about this question or another (0). Padded answers
mix a weak answer with filler, so their sentences are left out. Pasted listening points and the
generated "other strong" answers are not written answers and are left out too.

Logistic regression with an L2 penalty on the raw sentence vectors (IRLS, plain numpy, as for the
point model): deterministic, same data, same weights.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from point_fit import irls

from talentsync.scoring.claims import ClaimModel
from talentsync.scoring.references import embed_unit
from talentsync.scoring.scorer import UNIT_MAX_WORDS
from talentsync.scoring.text import split_sentences

CLAIM_FREE_KINDS = frozenset({"fluff", "keyword_prose", "echo"})
CLAIM_KINDS = frozenset({"strong", "weak", "terse_expert", "off_topic_same_domain", "off_topic_unrelated"})
L2 = 1.0


def claim_sentences(items: list[Any], embedder: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sentence vectors, 1 if claim-free, module) for every training sentence of ``items``."""
    xs, ys, mods = [], [], []
    for it in items:
        if it.kind not in CLAIM_FREE_KINDS | CLAIM_KINDS:
            continue
        sentences = split_sentences(it.text, max_words=UNIT_MAX_WORDS)
        if not sentences:
            continue
        xs.append(embed_unit(embedder, sentences))
        ys += [1.0 if it.kind in CLAIM_FREE_KINDS else 0.0] * len(sentences)
        mods += [it.module] * len(sentences)
    return np.vstack(xs), np.asarray(ys), np.asarray(mods)


def fit_claims(x: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None) -> ClaimModel:
    if mask is not None:
        x, y = x[mask], y[mask]
    z = np.hstack([np.ones((len(x), 1)), x])
    return ClaimModel(weights=tuple(round(float(v), 6) for v in irls(z, y, L2)))


def render_claims(model: ClaimModel, note: str) -> str:
    body = textwrap.fill(note, width=100)
    rows = [model.weights[i : i + 8] for i in range(0, len(model.weights), 8)]
    lines = "\n".join("        " + ", ".join(repr(v) for v in row) + "," for row in rows)
    return (
        '"""Fitted claim model (written by bench/scoring_fit.py; do not edit by hand).\n\n' + body + '\n"""\n\n'
        "from talentsync.scoring.claims import ClaimModel\n\n"
        "# fmt: off\n"
        "CLAIM_MODEL = ClaimModel(\n"
        "    weights=(\n"
        f"{lines}\n"
        "    ),\n"
        ")\n"
        "# fmt: on\n"
    )
