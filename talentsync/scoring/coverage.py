"""Listening points: which ones an answer gives evidence for, with the sentence that shows it.

A point counts only with evidence: an answer sentence close to one of the point's example
sentences (each from a different story or approach) or to its description. Evidence that is
negated ("I don't think tests matter") does not count, hedged evidence ("maybe we measured it")
counts as *partly*, and the candidate is told "missed" only when nothing in the answer comes near.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from talentsync.scoring.form import Part, join, ramp
from talentsync.scoring.models import KeyPointResult, ListeningPointSpec, PointStatus
from talentsync.scoring.references import PointRefs

# Calibrated with all-MiniLM-L6-v2 on the packs' example sentences (bench/scoring_calibrate.py):
# an example of the point against the point's other examples vs. against other points' examples.
POINT_COVERED = 0.50
POINT_PARTLY = 0.38
# The description and the short label are written in the abstract ("Owns the mistake"), so an
# answer sentence that plainly does it sits lower against them than against a concrete example.
ABSTRACT_DISCOUNT = 0.08
ECHO_PENALTY = 1.0

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


def point_similarities(refs: Sequence[PointRefs], unit_vecs: np.ndarray, question_sim: np.ndarray) -> np.ndarray:
    """(points, units) evidence similarity, minus how much a sentence merely restates the question."""
    sims = np.full((len(refs), len(unit_vecs)), -1.0)
    for i, r in enumerate(refs):
        abstract = unit_vecs @ r.label
        if r.description is not None:
            abstract = np.maximum(abstract, unit_vecs @ r.description)
        best = abstract - ABSTRACT_DISCOUNT
        if len(r.examples):
            best = np.maximum(best, (unit_vecs @ r.examples.T).max(axis=1))
        sims[i] = best
    # MiniLM rates any sentence about the topic as close to every point of that topic; a sentence
    # closer to the question than to the point mostly restates the question, so the excess counts
    # against it.
    echo = np.maximum(0.0, question_sim[None, :] - sims)
    return sims - ECHO_PENALTY * echo


def coverage(
    points: Sequence[ListeningPointSpec],
    refs: Sequence[PointRefs],
    units: list[str],
    unit_vecs: np.ndarray,
    question_sim: np.ndarray,
    evidence_ok: np.ndarray,
) -> tuple[Part, list[KeyPointResult]]:
    """Score 0-100 (covered 1, partly 0.5) and one result per point with its evidence."""
    if not points:
        return Part(0.0, "No listening points are defined for this question, so this is not weighted."), []
    # A point is often made across two sentences ("I asked her to walk me through it. She had
    # seen the recordings..."): adjacent pairs are candidates too, as the mean of their vectors.
    units, unit_vecs, question_sim, evidence_ok = _with_pairs(units, unit_vecs, question_sim, evidence_ok)
    sims = point_similarities(refs, unit_vecs, question_sim)
    sims[:, ~evidence_ok] = -1.0
    stances = [stance(u) for u in units]
    results: list[KeyPointResult] = []
    credit = 0.0
    for i, (spec, ref) in enumerate(zip(points, refs, strict=True)):
        order = np.argsort(-sims[i], kind="stable")
        status: PointStatus = "missed"
        best_sim, evidence, note = float(max(0.0, sims[i, order[0]])) if len(order) else 0.0, None, None
        for j in order[:3]:
            sim = float(sims[i, j])
            if sim < POINT_PARTLY:
                break
            st = stances[j]
            if st.dismissive:
                note = note or "negated"
                continue  # the sentence denies the very thing: look at the next candidate
            status = "covered" if sim >= POINT_COVERED else "partly"
            if status == "covered" and st.negated and not ref.negated_examples:
                status, note = "partly", "negated"
            elif status == "covered" and st.hedged:
                status, note = "partly", "hedged"
            else:
                note = None
            best_sim, evidence = sim, units[j]
            break
        if status == "covered":
            credit += 1.0
        elif status == "partly":
            credit += 0.5 * (0.5 + 0.5 * ramp(best_sim, POINT_PARTLY, POINT_COVERED))
        results.append(
            KeyPointResult(
                point=spec.point,
                listen_for=spec.listen_for,
                covered=status == "covered",
                status=status,
                similarity=round(min(1.0, best_sim), 3),
                evidence=evidence,
                note=note,
            )
        )
    return Part(100.0 * credit / len(points), _explain(results)), results


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
        why += f"; partly: {join(partly)}"
    if missed:
        why += f"; missed: {join(missed)}"
    return why + "."
