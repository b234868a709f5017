"""The ONNX (int8) backend gives the torch backend's vectors on every text the packs ship.

Thresholds tuned on torch vectors (follow-up similarity, scoring) stay valid only if the two
backends agree: per-text cosine, and the follow-up each backend would retrieve for an answer.
The figures are printed (pytest -s) so a change in the model or the packs shows its effect.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from talentsync.embeddings import default_embedder
from talentsync.packs import discover_packs


def _point_texts(point: Any) -> list[str]:
    # Key points are objects (point / listen_for / examples) in current packs, plain strings in older ones.
    if isinstance(point, str):
        return [point]
    return [point.point, point.listen_for, *point.examples]


def _pack_questions() -> list[Any]:
    return [q for pack in discover_packs() for q in pack.questions]


def _all_texts(questions: list[Any]) -> list[str]:
    texts: list[str] = []
    for q in questions:
        texts += [q.text, q.ideal_answer, *getattr(q, "reference_answers", []), *getattr(q, "paraphrases", [])]
        for kp in q.key_points:
            texts += _point_texts(kp)
        for fu in q.follow_ups:
            texts += [fu.text, f"{fu.trigger} {fu.text}"]
            for kp in fu.key_points:
                texts += _point_texts(kp)
    return list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))


@pytest.fixture(scope="module")
def questions() -> list[Any]:
    # Read once: both tests must see the same pack contents.
    return _pack_questions()


@pytest.fixture(scope="module")
def texts(questions) -> list[str]:
    return _all_texts(questions)


@pytest.fixture(scope="module")
def vectors(texts) -> dict[str, dict[str, np.ndarray]]:
    """Every pack text embedded once per backend (torch takes about a minute for them on 2 cores)."""
    return {
        name: dict(zip(texts, default_embedder(name).embed(texts), strict=True))  # type: ignore[arg-type]
        for name in ("onnx", "torch")
    }


def test_vectors_agree_on_every_pack_text(texts, vectors):
    assert len(texts) > 200, "packs not found"
    cos = np.array([float(vectors["onnx"][t] @ vectors["torch"][t]) for t in texts])
    worst = int(np.argmin(cos))
    print(
        f"\nonnx vs torch over {len(texts)} pack texts: mean cosine {cos.mean():.5f}, "
        f"p1 {np.percentile(cos, 1):.5f}, min {cos.min():.5f} ({texts[worst][:60]!r})"
    )
    assert cos.mean() >= 0.999
    assert cos.min() >= 0.99


def test_follow_up_retrieval_picks_the_same_template(questions, vectors):
    """Rank each question's follow-up documents (trigger + text, as question_vector_records stores
    them) against each of its ideal/reference answers; the top choice must match in >= 98% of cases."""
    cases = agree = 0
    close_calls: list[str] = []
    for q in questions:
        docs = [f"{fu.trigger} {fu.text}".strip() for fu in q.follow_ups]
        answers = [a.strip() for a in (q.ideal_answer, *getattr(q, "reference_answers", []))]
        sims = {}
        for name, vecs in vectors.items():
            sims[name] = np.array([vecs[a] for a in answers]) @ np.array([vecs[d] for d in docs]).T
        top_onnx, top_torch = sims["onnx"].argmax(axis=1), sims["torch"].argmax(axis=1)
        cases += len(answers)
        agree += int((top_onnx == top_torch).sum())
        for i in np.flatnonzero(top_onnx != top_torch):
            ranked = np.sort(sims["torch"][i])[::-1]
            close_calls.append(f"{q.slug}[{i}] torch margin {ranked[0] - ranked[1]:.4f}")
    rate = agree / cases
    print(f"\nfollow-up top-1 agreement: {agree}/{cases} = {rate:.1%}; disagreements: {close_calls}")
    assert cases >= 30
    assert rate >= 0.98, close_calls
