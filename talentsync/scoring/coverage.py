"""Listening points: which ones an answer gives evidence for, with the sentence that shows it.

A point counts only with evidence: an answer sentence close to one of the point's example
sentences (each from a different story or approach) or to its description. Evidence that is
negated ("I don't think tests matter") does not count, hedged evidence ("maybe we measured it")
counts as *partly*, and the candidate is told "missed" only when nothing in the answer comes near.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from talentsync.scoring.form import Part, join
from talentsync.scoring.models import KeyPointResult, ListeningPointSpec, PointStatus
from talentsync.scoring.references import PointRefs
from talentsync.scoring.text import content_stems, specific_items, words

# The description and the short label are written in the abstract ("Owns the mistake"), so an
# answer sentence that plainly does it sits lower against them than against a concrete example.
ABSTRACT_DISCOUNT = 0.08

# A claim the speaker denies or dismisses. Only these *stances* reject evidence outright; a plain
# negation ("we didn't lose a single order") may still be evidence and is only held to "partly".
_DISMISSIVE_RE = re.compile(
    r"\b(?:(?:i|we)\s+(?:do|did)\s*(?:n't|not)\s+(?:really\s+)?"
    r"(?:think|bother|care|see the point|need|measure|track|test|check|know)"
    r"|(?:does|did|do)\s*(?:n't|not)\s+(?:really\s+)?matter|not (?:that |very |really )?important"
    r"|looks? fine to me|never (?:bother|needed|really)|no (?:real )?need (?:to|for)|not sure (?:if|why|what)"
    r"|(?:i|we)\s+(?:just\s+)?(?:skip(?:ped)?|ignore[ds]?)\b)",
    re.IGNORECASE,
)
_NEGATION_RE = re.compile(r"\b(?:not|never|no|none|nothing|nobody|without|hardly|barely)\b|n't\b", re.IGNORECASE)
_HEDGE_RE = re.compile(
    r"\b(?:maybe|perhaps|i guess|i suppose|kind of|sort of|i'm not sure|not sure|i don't know|"
    r"might have|could have|hopefully|i think maybe|something like that)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Stance:
    dismissive: bool
    negated: bool
    hedged: bool


def stance(sentence: str) -> Stance:
    return Stance(
        dismissive=bool(_DISMISSIVE_RE.search(sentence)),
        negated=bool(_NEGATION_RE.search(sentence)),
        hedged=bool(_HEDGE_RE.search(sentence)),
    )


FEATURES: tuple[str, ...] = (
    "example_best",  # best answer sentence (or pair) against the point's example sentences
    "example_top2",  # mean of the two best sentences: a point made once vs. a topic mentioned often
    "description_best",  # against what the interviewer listens for, in the abstract
    "label_best",
    "contrast",  # how much this point stands out from the question's other points
    "lexical",  # shared content words with one example (stemmed), the best sentence
    "echo",  # how close that sentence is to the question itself
    "answer_fit",  # the whole answer: fits this question (relevance)
    "answer_margin",  # the whole answer: fit here minus the best neighbour question
    "answer_ideal",  # the whole answer: closeness to the nearest strong answer
    "answer_length",  # log of evidence words, 1.0 at 300
    "unit_keyword_share",  # share of the best sentence's words that are the question's expected terms
    "unit_specifics",  # concrete items in the best sentence besides expected terms: figures, tools, names
    "answer_keyword_density",  # expected terms per word over the whole answer
    "answer_term_density",  # expected terms, tools and names per word: buzzword prose packs them tight
    "answer_vague_density",  # claim-free verbs ("ensures", "leverages", "work together") per 100 words
)


@dataclass(frozen=True)
class AnswerContext:
    """Whole-answer facts that tell a point in a focused answer from the same words in a ramble."""

    fit: float
    margin: float
    ideal: float
    evidence_words: int
    keyword_density: float = 0.0
    term_density: float = 0.0
    vague_density: float = 0.0
    keywords: tuple[str, ...] = ()


def term_density(units: Sequence[str], keywords: Sequence[str]) -> float:
    """Expected terms, named tools and proper nouns per word."""
    total = terms = 0
    for u in units:
        items = specific_items(u, keywords)
        total += len(words(u))
        terms += len(items["keywords"]) + len(items["tech"]) + len(items["names"])
    return terms / max(1, total)


def _sims(ref: PointRefs, vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    label = vecs @ ref.label
    desc = vecs @ ref.description if ref.description is not None else label - ABSTRACT_DISCOUNT
    # A point without examples (resume questions, older rows) is its own example: such points are
    # written as content statements ("Explains how the cache was invalidated").
    ex = (vecs @ ref.examples.T).max(axis=1) if len(ref.examples) else np.maximum(label, desc)
    return ex, desc, label


def point_features(
    points: Sequence[ListeningPointSpec],
    refs: Sequence[PointRefs],
    units: list[str],
    vecs: np.ndarray,
    question_sim: np.ndarray,
    ok: np.ndarray,
    ctx: AnswerContext,
) -> tuple[np.ndarray, np.ndarray]:
    """(points x FEATURES) matrix and, per point, the index of its best evidence unit."""
    n = len(points)
    feats = np.zeros((n, len(FEATURES)))
    best_unit = np.full(n, -1)
    if not ok.any():
        return feats, best_unit
    ex_all = []
    for ref in refs:
        ex, desc, label = _sims(ref, vecs)
        ex = np.where(ok, ex, -1.0)
        ex_all.append((ex, np.where(ok, desc, -1.0), np.where(ok, label, -1.0)))
    unit_stems = [content_stems(u) for u in units]
    for i, (spec, (ex, desc, label)) in enumerate(zip(points, ex_all, strict=True)):
        j = int(np.argmax(ex))
        best_unit[i] = j
        top2 = np.sort(ex)[-2:]
        others = [float(o[0].max()) for k, o in enumerate(ex_all) if k != i]
        example_stems = [content_stems(e) for e in spec.examples] or [content_stems(spec.listen_for or spec.point)]
        lexical = max(
            (len(unit_stems[u] & es) / len(es) for u in range(len(units)) if ok[u] for es in example_stems if es),
            default=0.0,
        )
        unit_words = max(1, len(words(units[j])))
        items = specific_items(units[j], ctx.keywords)
        keyword_words = sum(len(k.split()) for k in items["keywords"])
        concrete = len(items["numbers"]) + len(items["tech"] - set(ctx.keywords)) + len(items["names"])
        feats[i] = (
            float(ex[j]),
            float(top2.mean()) if len(top2) == 2 else float(ex[j]),
            float(desc.max()),
            float(label.max()),
            float(ex[j]) - (float(np.mean(others)) if others else 0.0),
            lexical,
            float(question_sim[j]),
            ctx.fit,
            ctx.margin,
            ctx.ideal,
            math.log1p(ctx.evidence_words) / math.log1p(300),
            min(1.0, keyword_words / unit_words),
            math.log1p(concrete),
            ctx.keyword_density,
            ctx.term_density,
            min(10.0, ctx.vague_density),
        )
    return feats, best_unit


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class PointModel:
    """Two logistic heads over FEATURES: P(shown clearly) and P(at least touched on)."""

    covered: tuple[float, ...]  # bias first, then one weight per feature
    shown: tuple[float, ...]
    mean: tuple[float, ...]  # feature standardisation fitted with the weights
    scale: tuple[float, ...]

    @classmethod
    def neutral(cls) -> PointModel:
        """Every point 'partly': for computing features before a model exists (bench/scoring_fit.py)."""
        zeros = (0.0,) * (len(FEATURES) + 1)
        return cls(covered=zeros, shown=zeros, mean=(0.0,) * len(FEATURES), scale=(1.0,) * len(FEATURES))

    def predict(self, feats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = (feats - np.asarray(self.mean)) / np.asarray(self.scale)
        x = np.hstack([np.ones((len(z), 1)), z])
        return _sigmoid(x @ np.asarray(self.covered)), _sigmoid(x @ np.asarray(self.shown))


# Decision thresholds on the model's probabilities: "covered" needs a confident yes, "missed" a
# confident no, and everything between is "partly" (the candidate is not told they missed it).
P_COVERED = 0.5
P_MISSED = 0.3


def partly_credit(p_covered: float) -> float:
    """What a point shown only partly earns: the model's belief that it is covered, at most a half.

    A flat half let vague sentences add up: padding and restatements brush past most points, each
    "partly", and reached the substance of a real answer without covering one. A hedged or negated
    sentence the model is sure about still earns the half.
    """
    return min(0.5, p_covered)


def coverage(
    points: Sequence[ListeningPointSpec],
    refs: Sequence[PointRefs],
    units: list[str],
    unit_vecs: np.ndarray,
    question_sim: np.ndarray,
    evidence_ok: np.ndarray,
    ctx: AnswerContext,
    model: PointModel,
) -> tuple[Part, list[KeyPointResult], np.ndarray]:
    """Score 0-100 (covered 1, partly up to 0.5), one result per point, and the feature matrix."""
    if not points:
        empty = np.zeros((0, len(FEATURES)))
        return Part(0.0, "No listening points are defined for this question, so this is not weighted."), [], empty
    # A point is often made across two sentences ("I asked her to walk me through it. She had
    # seen the recordings..."): adjacent pairs are candidates too, as the mean of their vectors.
    units, unit_vecs, question_sim, evidence_ok = _with_pairs(units, unit_vecs, question_sim, evidence_ok)
    feats, best = point_features(points, refs, units, unit_vecs, question_sim, evidence_ok, ctx)
    p_covered, p_shown = model.predict(feats)
    results: list[KeyPointResult] = []
    credit = 0.0
    for i, spec in enumerate(points):
        j = int(best[i])
        status: PointStatus = "missed"
        note: str | None = None
        if j >= 0 and p_shown[i] >= P_MISSED:
            status = "covered" if p_covered[i] >= P_COVERED else "partly"
            st = stance(units[j])
            if st.dismissive:
                status, note = "missed", "negated"  # the sentence denies the very thing
            elif status == "covered" and st.negated and not refs[i].negated_examples:
                status, note = "partly", "negated"
            elif status == "covered" and st.hedged:
                status, note = "partly", "hedged"
        credit += 1.0 if status == "covered" else partly_credit(float(p_covered[i])) if status == "partly" else 0.0
        results.append(
            KeyPointResult(
                point=spec.point,
                listen_for=spec.listen_for,
                covered=status == "covered",
                status=status,
                similarity=round(float(p_covered[i]), 3),
                evidence=units[j] if status != "missed" or note else None,
                note=note,
            )
        )
    return Part(100.0 * credit / len(points), _explain(results)), results, feats


PAIR_MAX_WORDS = 60


def _with_pairs(
    units: list[str], vecs: np.ndarray, question_sim: np.ndarray, ok: np.ndarray
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    idx = [
        i
        for i in range(len(units) - 1)
        if ok[i] and ok[i + 1] and len((units[i] + " " + units[i + 1]).split()) <= PAIR_MAX_WORDS
    ]
    if not idx:
        return units, vecs, question_sim, ok
    pair_vecs = vecs[idx] + vecs[[i + 1 for i in idx]]
    pair_vecs /= np.linalg.norm(pair_vecs, axis=1, keepdims=True)
    return (
        units + [f"{units[i]} {units[i + 1]}" for i in idx],
        np.vstack([vecs, pair_vecs]),
        np.concatenate([question_sim, np.maximum(question_sim[idx], question_sim[[i + 1 for i in idx]])]),
        np.concatenate([ok, np.ones(len(idx), dtype=bool)]),
    )


def _explain(results: list[KeyPointResult]) -> str:
    covered = [r.point for r in results if r.status == "covered"]
    partly = [r.point for r in results if r.status == "partly"]
    missed = [r.point for r in results if r.status == "missed"]
    why = f"Gave clear evidence for {len(covered)} of {len(results)} listening points"
    if partly:
        why += f"; partly (counted by how clearly it shows, at most half): {join(partly)}"
    if missed:
        why += f"; missed: {join(missed)}"
    return why + "."
