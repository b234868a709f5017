"""Form dimensions: structure, concrete detail and length.

Form is worth something only in an answer that has substance: each part is multiplied by a
``Gate`` (0-1) that the scorer derives from relevance and listening-point coverage, and the
explanation says so, so a polished answer that says nothing cannot ride on its shape.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from talentsync.scoring.text import (
    STRUCTURE_BY_CATEGORY,
    TECHNICAL_CUES,
    first_cue_positions,
    specific_items,
    words,
)

# Length bands in words: (too short below, ideal from, ideal to, rambling above).
LENGTH_BANDS: dict[str, tuple[int, int, int, int]] = {
    "behavioral": (60, 130, 320, 500),
    "resume": (50, 100, 300, 480),
    "technical": (25, 60, 260, 420),
    "system_design": (50, 120, 420, 650),
    "product": (50, 110, 320, 500),
    "ml": (25, 60, 260, 420),
}
DEFAULT_CATEGORY = "technical"
FOLLOW_UP_LENGTH_FACTOR = 0.6  # follow-ups ask one narrower thing
MAX_ANALYSED_WORDS = 900


@dataclass(frozen=True)
class Part:
    score: float
    explanation: str


@dataclass(frozen=True)
class Gate:
    """How much form counts (0-1) and, when below 1, the reason in words."""

    value: float
    reason: str = ""

    def apply(self, part: Part) -> Part:
        if self.value >= 1.0 or part.score <= 0:
            return part
        return Part(part.score * self.value, part.explanation[:-1] + f", counted at {self.value:.0%} {self.reason}.")


def ramp(x: float, lo: float, hi: float) -> float:
    """0 at ``lo``, 1 at ``hi``, clamped."""
    return min(1.0, max(0.0, (x - lo) / (hi - lo)))


def join(items: Sequence[str], limit: int = 4) -> str:
    shown = list(items[:limit])
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


# --- keyword lists and stuffing ---------------------------------------------------------------

KEYWORD_STUFFING_DENSITY = 0.18  # share of words that are question keywords


def keyword_pattern(keywords_lower: Sequence[str]) -> re.Pattern[str] | None:
    if not keywords_lower:
        return None
    alternatives = "|".join(re.escape(k) for k in sorted(keywords_lower, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])", re.IGNORECASE)


def _keyword_words(text: str, keyword_re: re.Pattern[str] | None) -> tuple[int, int]:
    """(keyword hits, words spent on keywords) in ``text``."""
    if keyword_re is None:
        return 0, 0
    hits = keyword_re.findall(text)
    return len(hits), sum(max(1, len(h.split())) for h in hits)


def is_keyword_list(unit: str, keyword_re: re.Pattern[str] | None) -> bool:
    # A bullet naming one or two concepts is fine; a run of four+ expected terms making up half
    # the words is a list pasted to trigger matches.
    hits, spent = _keyword_words(unit, keyword_re)
    return hits >= 4 and spent / max(1, len(words(unit))) >= 0.5


def keyword_density(text: str, keyword_re: re.Pattern[str] | None) -> float:
    """Share of the answer's words spent on the question's keywords (repeats included)."""
    _, spent = _keyword_words(text, keyword_re)
    return spent / max(1, len(words(text)))


# --- the three form dimensions ----------------------------------------------------------------


def structure(category: str, sentences: list[str], gate: Gate) -> Part:
    cues = STRUCTURE_BY_CATEGORY.get(category, TECHNICAL_CUES)
    found = first_cue_positions(sentences, cues)
    score = 100.0 * len(found) / len(cues)
    if cues is STRUCTURE_BY_CATEGORY["behavioral"] and len(found) >= 2:
        # A story told in order (situation before result) reads as STAR; reversed order or a
        # result with no action is weaker than the cue count alone suggests.
        order = [found[c.name] for c in cues if c.name in found]
        if order != sorted(order):
            score -= 10.0
    if len(sentences) == 1 and score > 50.0:
        score = 50.0  # one sentence cannot carry a structure, whatever words it contains
    present = [c.label for c in cues if c.name in found]
    absent = [c.label for c in cues if c.name not in found]
    kind = "STAR" if cues is STRUCTURE_BY_CATEGORY["behavioral"] else "structure"
    if not absent:
        why = f"Complete {kind}: {join(present)}."
    elif present:
        why = f"Partial {kind}: has {join(present)}; missing {join(absent)}."
    else:
        why = f"No recognisable {kind}; missing {join(absent)}."
    return gate.apply(Part(max(0.0, score), why))


def concreteness(units: Sequence[str]) -> float:
    """Figures, plus half the proper nouns, per 100 words: what a real story or design is dense with.

    Padding, fluff and buzzword prose rarely name a number ("two weeks", "p99 of 900 ms"); the strong
    answers of the evaluation sets do at a median of two per 100 words.
    """
    numbers = names = total = 0
    for text in units:
        items = specific_items(text, ())
        numbers += len(items["numbers"])
        names += len(items["names"])
        total += len(words(text))
    return 100.0 * (numbers + 0.5 * names) / max(1, total)


def specificity(
    units: list[str], related: np.ndarray, keywords_lower: Sequence[str], gate: Gate, stuffing: bool
) -> Part:
    numbers: set[str] = set()
    tech: set[str] = set()
    names: set[str] = set()
    keywords: set[str] = set()
    for text, is_related in zip(units, related, strict=True):
        if not is_related:
            continue
        items = specific_items(text, keywords_lower)
        numbers |= items["numbers"]
        tech |= items["tech"]
        names |= items["names"]
        keywords |= items["keywords"]
    if stuffing:
        keywords = set()
    # Each kind saturates on its own, so a list of 30 technologies cannot stand in for a number
    # or a named example; keywords are capped lowest because they are the easiest to parrot.
    raw = (
        35.0 * (1 - math.exp(-len(numbers) / 1.5))
        + 25.0 * (1 - math.exp(-len(tech | {n.lower() for n in names}) / 2.0))
        + 25.0 * (1 - math.exp(-len(keywords) / 2.0))
        + 15.0 * (1.0 if numbers and (tech or names or keywords) else 0.0)
    )
    details = []
    if numbers:
        details.append(f"{len(numbers)} figure(s)")
    if tech or names:
        details.append(f"{len(tech | names)} named tool(s)/proper noun(s)")
    if keywords:
        details.append(f"{len(keywords)} of the expected terms ({join(sorted(keywords), 3)})")
    if details:
        why = "Concrete detail in on-topic sentences: " + ", ".join(details) + "."
    else:
        why = "No concrete detail: no figures, named tools or expected terms in on-topic sentences."
    if stuffing:
        why = why[:-1] + "; expected terms ignored because they are repeated unnaturally often."
    return gate.apply(Part(raw, why))


def length_band(category: str, kind: str) -> tuple[int, int, int, int]:
    short, lo, hi, long = LENGTH_BANDS.get(category, LENGTH_BANDS[DEFAULT_CATEGORY])
    if kind == "follow_up":
        short, lo, hi, long = (int(x * FOLLOW_UP_LENGTH_FACTOR) for x in (short, lo, hi, long))
    return short, lo, hi, long


def length(category: str, kind: str, word_count: int, gate: Gate, repetitive: bool, truncated: bool) -> Part:
    short, lo, hi, long = length_band(category, kind)
    if word_count < lo:
        # Steeper below "too short": a one-liner is not 20 % of an answer.
        score = 60.0 * ramp(word_count, 0, short) if word_count < short else 60.0 + 40.0 * ramp(word_count, short, lo)
        verdict = "too short" if word_count < short else "a little short"
        why = f"{word_count} words is {verdict}; aim for {lo}-{hi}."
    elif word_count <= hi:
        score = 100.0
        why = f"{word_count} words is within the {lo}-{hi} word range for this kind of question."
    else:
        # Rambling: 70 at the "long" mark, then decaying; never quite zero for a long answer.
        score = 100.0 - 30.0 * ramp(word_count, hi, long) if word_count <= long else 70.0 * long / word_count
        why = f"{word_count} words is {'long' if word_count <= long else 'far too long'}; aim for {lo}-{hi}."
    if repetitive:
        score *= 0.5
        why = why[:-1] + "; much of it repeats itself."
    if truncated:
        why = why[:-1] + f"; only the first {MAX_ANALYSED_WORDS} words were analysed."
    return gate.apply(Part(score, why))
