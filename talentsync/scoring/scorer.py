"""Score one interview answer against a reference the candidate never sees.

Six dimensions, each 0-100 with a one-sentence explanation, weighted per category into
``overall``. Two embedding calls at most (the question-side texts are cached per embedder, so in
steady state an answer costs one ``embed`` call); the rest is regex and numpy.

Honesty rules the design follows:

* Content first. Relevance, closeness to the model answer and key-point coverage are semantic
  (MiniLM cosine), so repeating the question's keywords does not move them.
* Form is gated by topicality. Structure, specificity and length are worth nothing in an answer
  to a different question: they are multiplied by a gate derived from relevance.
* Keywords and lexical overlap only count in sentences that are themselves on topic, each
  distinct item counts once, and a keyword-dense answer loses the lexical bonus altogether.
  Keyword lists (four or more expected terms making up half a sentence) are ignored entirely:
  they neither set what the answer is about, nor cover key points, nor add length.
* A handful of words is not judged semantically: below ~25 words, relevance, closeness and
  coverage are scaled down in proportion, because "Global lock." embeds right next to the topic.

Calibration constants below were measured with the bundled all-MiniLM-L6-v2 on the corpus in
``bench/scoring_corpus.py`` (``bench/scoring.py`` re-measures and prints the distributions; the
unit-test triples are a separate hold-out set); changing them changes scores, so bump
``SCORER_VERSION`` with them — percentiles only compare answers scored by the same version.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from talentsync.embeddings import Embedder
from talentsync.scoring.models import (
    DIMENSIONS,
    AnswerScore,
    DimensionScore,
    KeyPointResult,
    QuestionForScoring,
)
from talentsync.scoring.text import (
    STRUCTURE_BY_CATEGORY,
    TECHNICAL_CUES,
    content_stems,
    first_cue_positions,
    specific_items,
    split_sentences,
    words,
)

log = logging.getLogger(__name__)

SCORER_VERSION = "minilm-v1"

# --- calibration (all-MiniLM-L6-v2, cosine; see bench/scoring.py) -----------------------------
# Topicality = best of: centroid<->question, centroid<->model answer, and the mean of the best
# single sentence<->question with the better centroid match (a story answers the question in one
# sentence and spends the rest on detail). Over 33 questions: answers to another question
# 0.08-0.31 (one outlier 0.39 where both were about key-value storage), strong on-topic answers
# 0.40-0.78, vague on-topic answers 0.44-0.86 (vague answers echo the question).
RELEVANCE_FLOOR, RELEVANCE_FULL = 0.25, 0.45
# Without a model answer only the question itself is a reference, and a question is short: the
# same answers sit lower (resume questions: off-topic 0.18, on-topic 0.33-0.38), so the ramp too.
RELEVANCE_FLOOR_NO_IDEAL, RELEVANCE_FULL_NO_IDEAL = 0.15, 0.40
# model answer <-> answer centroid: off-topic <= 0.35, vague on-topic 0.13-0.74, strong 0.40-0.78.
IDEAL_FLOOR, IDEAL_FULL = 0.20, 0.80
# key point <-> best sentence (blended with the exemplar, minus the question echo): content-style
# points in strong answers median 0.57 (0.29-0.83), in vague answers median 0.23, in answers to
# another question <= 0.38; rubric-style behavioural points in strong stories only 0.11-0.39.
KEY_POINT_COVERED = 0.42
KEY_POINT_PARTIAL = 0.28  # below this a key point earns nothing
LEXICAL_BONUS = 0.15  # added (times overlap share) when the sentence is already related
ECHO_PENALTY = 1.0  # how much restating the question counts against a key-point match
RELATED_SENTENCE = 0.30  # a sentence this close to the question/reference counts as on topic
# Relevance score at which form dimensions count in full; below it they shrink linearly.
GATE_FULL_RELEVANCE = 50.0
KEYWORD_STUFFING_DENSITY = 0.18  # share of words that are question keywords
REPETITION_MIN_DISTINCT = 0.6  # share of distinct sentences below which an answer is repetitive

# Below this many words an answer is too short for its embedding to mean much.
MIN_JUDGEABLE_WORDS = 25
MIN_JUDGEABLE_WORDS_FOLLOW_UP = 15

# Long answers: analyse at most this much (≈ 6 minutes of speech), in at most MAX_UNITS
# embedding units, so a 20,000-character paste costs about what a long answer costs.
MAX_ANALYSED_WORDS = 900
MAX_UNITS = 40

# Weights per category, in DIMENSIONS order: relevance, ideal, coverage, structure,
# specificity, length. Content (first three) carries 60-75 %: form cannot rescue an answer
# that says the wrong things.
WEIGHTS: dict[str, tuple[float, ...]] = {
    "behavioral": (0.20, 0.15, 0.25, 0.20, 0.10, 0.10),
    "resume": (0.25, 0.10, 0.20, 0.20, 0.15, 0.10),
    "technical": (0.20, 0.20, 0.30, 0.10, 0.10, 0.10),
    "system_design": (0.15, 0.20, 0.30, 0.15, 0.10, 0.10),
    "product": (0.20, 0.15, 0.30, 0.15, 0.10, 0.10),
    "ml": (0.20, 0.20, 0.30, 0.10, 0.10, 0.10),
}
DEFAULT_CATEGORY = "technical"

# Length bands in words: (too short below, ideal from, ideal to, rambling above).
LENGTH_BANDS: dict[str, tuple[int, int, int, int]] = {
    "behavioral": (60, 130, 320, 500),
    "resume": (50, 100, 300, 480),
    "technical": (40, 80, 260, 420),
    "system_design": (70, 150, 420, 650),
    "product": (60, 120, 320, 500),
    "ml": (40, 80, 260, 420),
}
FOLLOW_UP_LENGTH_FACTOR = 0.6  # follow-ups ask one narrower thing


@dataclass(frozen=True)
class _Reference:
    question: np.ndarray
    ideal: np.ndarray | None
    key_points: np.ndarray  # (k, dim)
    # Per key point, the model-answer sentence closest to it. Key points are often rubric lines
    # ("Uses data rather than authority to resolve it") that share few words and little meaning
    # with what a candidate actually says; the model answer shows the point told as a story.
    exemplars: np.ndarray  # (k, dim)
    topic: np.ndarray  # everything on-topic: question, model answer, key points, exemplars


_STAR_LABEL_RE = re.compile(r"\b(?:Situation|Task|Action|Result)\s*:\s*", re.IGNORECASE)


def _references(embedder: Embedder, question: str, ideal: str, points: list[str]) -> _Reference:
    ideal_sentences = split_sentences(_STAR_LABEL_RE.sub("", ideal)) if ideal else []
    texts = (question.strip() or "?", *([ideal] if ideal else []), *points, *ideal_sentences)
    vecs = _REFERENCES.get(embedder, texts)
    q_vec = vecs[0]
    at = 1
    ideal_vec = None
    if ideal:
        ideal_vec = vecs[1]
        at = 2
    point_vecs = vecs[at : at + len(points)]
    sentence_vecs = vecs[at + len(points) :]
    if len(points) and len(sentence_vecs):
        exemplars = sentence_vecs[(point_vecs @ sentence_vecs.T).argmax(axis=1)]
    else:
        exemplars = point_vecs
    return _Reference(
        question=q_vec,
        ideal=ideal_vec,
        key_points=point_vecs,
        exemplars=exemplars,
        topic=vecs,
    )


class _ReferenceCache:
    """Question-side embeddings per embedder: the same question is scored for every candidate.

    The references are always embedded in their own call with the same list of texts, so a cache
    hit returns exactly what a miss would compute — scores stay bit-identical either way.
    """

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._by_embedder: weakref.WeakKeyDictionary[object, OrderedDict[tuple[str, ...], np.ndarray]]
        self._by_embedder = weakref.WeakKeyDictionary()

    def get(self, embedder: Embedder, texts: tuple[str, ...]) -> np.ndarray:
        try:
            with self._lock:
                cache = self._by_embedder.setdefault(embedder, OrderedDict())
                hit = cache.get(texts)
                if hit is not None:
                    cache.move_to_end(texts)
                    return hit
        except TypeError:  # an embedder that cannot be weakly referenced: no caching
            return _embed(embedder, texts)
        vectors = _embed(embedder, texts)
        vectors.setflags(write=False)
        with self._lock:
            cache[texts] = vectors
            while len(cache) > self._size:
                cache.popitem(last=False)
        return vectors


_REFERENCES = _ReferenceCache()


def _embed(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    vectors = np.asarray(embedder.embed(list(texts)), dtype=np.float64)
    # Normalise defensively: the protocol promises unit vectors but a foreign backend may not.
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


def _ramp(x: float, lo: float, hi: float) -> float:
    """0 at ``lo``, 1 at ``hi``, clamped."""
    return min(1.0, max(0.0, (x - lo) / (hi - lo)))


def _r1(x: float) -> float:
    return round(float(x) + 0.0, 1)


def _join(items: Sequence[str], limit: int = 4) -> str:
    shown = list(items[:limit])
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _truncate_words(text: str, limit: int) -> tuple[str, bool]:
    matches = list(re.finditer(r"\S+", text))
    if len(matches) <= limit:
        return text, False
    return text[: matches[limit - 1].end()], True


def _group_units(sentences: list[str], max_units: int) -> list[str]:
    if len(sentences) <= max_units:
        return sentences
    per = math.ceil(len(sentences) / max_units)
    return [" ".join(sentences[i : i + per]) for i in range(0, len(sentences), per)]


def _empty_score(question: QuestionForScoring) -> AnswerScore:
    weights = _weights(question)
    dims = {
        name: DimensionScore(name=name, score=0.0, weight=weights[name], explanation="No answer was given.")
        for name in DIMENSIONS
    }
    key_points = [KeyPointResult(point=p, covered=False, similarity=0.0, evidence=None) for p in question.key_points]
    return AnswerScore(
        overall=0.0,
        dimensions=dims,
        key_points=key_points,
        word_count=0,
        scorer_version=SCORER_VERSION,
        flags=["empty"],
    )


def _weights(
    question: QuestionForScoring,
    *,
    has_ideal: bool = True,
    has_points: bool = True,
    rubric_share: float = 0.0,
) -> dict[str, float]:
    raw = dict(zip(DIMENSIONS, WEIGHTS.get(question.category, WEIGHTS[DEFAULT_CATEGORY]), strict=True))
    # Without a reference, the dimension cannot be judged: share its weight out rather than
    # scoring everyone zero (resume questions are generated and often have no model answer).
    if not has_ideal:
        raw["ideal_similarity"] = 0.0
    if not has_points:
        raw["coverage"] = 0.0
    raw["coverage"] *= 1.0 - RUBRIC_COVERAGE_DISCOUNT * rubric_share
    total = sum(raw.values())
    return {k: round(v / total, 4) for k, v in raw.items()}


# Behavioural key points are rubric lines about the story ("Describes a real disagreement...",
# "Uses data rather than authority..."), not statements of content. all-MiniLM-L6-v2 matches
# them to story sentences poorly: a sentence that plainly does what the rubric says scores
# 0.2-0.4, the same range as unrelated sentences (bench/scoring.py prints the numbers). So in
# story categories coverage is a weak signal and gets half its weight; the rest goes elsewhere.
STORY_CATEGORIES = frozenset({"behavioral", "resume"})
RUBRIC_COVERAGE_DISCOUNT = 0.5


def _rubric_share(category: str, points: Sequence[str]) -> float:
    return 1.0 if points and category in STORY_CATEGORIES else 0.0


def score_answer(question: QuestionForScoring, answer: str, embedder: Embedder) -> AnswerScore:
    """Score ``answer`` to ``question``; deterministic, never raises on odd text."""
    text = (answer or "").strip()
    all_words = words(text)
    if not all_words:
        return _empty_score(question)
    word_count = len(all_words)
    flags: list[str] = []

    analysed, truncated = _truncate_words(text, MAX_ANALYSED_WORDS)
    if truncated:
        flags.append("truncated")
    sentences = split_sentences(analysed) or [analysed]
    units = _group_units(sentences, MAX_UNITS)

    ideal = question.ideal_answer.strip()
    points = [p.strip() for p in question.key_points if p.strip()]
    ref = _references(embedder, question.text, ideal, points)
    unit_vecs = _embed(embedder, units)

    keywords_lower = sorted({k.strip().lower() for k in question.keywords if k.strip()})
    keyword_re = _keyword_pattern(keywords_lower)
    listy = np.array([_is_keyword_list(u, keyword_re) for u in units], dtype=bool)
    stuffing = bool(listy.any()) or _keyword_density(text, keyword_re) >= KEYWORD_STUFFING_DENSITY
    if stuffing:
        flags.append("keyword_stuffing")
    # Keyword lists are not answers: they neither count towards what the answer is about nor
    # cover key points, whatever they embed close to.
    prose = ~listy

    # Whole-answer vector: word-weighted centroid of the prose units. Unlike embedding the full
    # text it sees past MiniLM's 256-token window, and off-topic padding pulls it off the topic.
    unit_words = np.array([max(1, len(u.split())) for u in units], dtype=np.float64) * prose
    answer_vec = _unit((unit_vecs * unit_words[:, None]).sum(axis=0))

    # Per-unit topicality: close to the question, the model answer, a key point or an exemplar.
    related = ((unit_vecs @ ref.topic.T).max(axis=1) >= RELATED_SENTENCE) & prose

    distinct_share = len({u.lower() for u in sentences}) / len(sentences)
    repetitive = len(sentences) >= 4 and distinct_share < REPETITION_MIN_DISTINCT
    if repetitive:
        flags.append("repetitive")

    if prose.any():
        best_sentence = float(np.max(np.where(prose, unit_vecs @ ref.question, -1.0)))
        relevance = _relevance(
            float(answer_vec @ ref.question),
            float(answer_vec @ ref.ideal) if ref.ideal is not None else None,
            best_sentence,
        )
    else:
        relevance = _Part(0.0, "The answer is a list of terms, not an explanation.")
    prose_words = word_count if not listy.any() else sum(len(words(u)) for u, p in zip(units, prose, strict=True) if p)
    # A few words can embed very close to the topic ("lock" for "What is a mutex?") without
    # showing any understanding, so semantic closeness is only trusted in proportion to length.
    min_words = MIN_JUDGEABLE_WORDS_FOLLOW_UP if question.kind == "follow_up" else MIN_JUDGEABLE_WORDS
    brevity = min(1.0, prose_words / min_words)
    ideal_part = _ideal_similarity(answer_vec, ref.ideal, bool(prose.any()))
    if brevity < 1.0:
        note = f", scaled to {brevity:.0%} because {prose_words} words is too little to judge."
        relevance = _Part(relevance.score * brevity, relevance.explanation[:-1] + note)
        if ref.ideal is not None:
            ideal_part = _Part(ideal_part.score * brevity, ideal_part.explanation[:-1] + note)
    gate = _ramp(relevance.score, 0.0, GATE_FULL_RELEVANCE)
    if relevance.score < 25.0 and brevity == 1.0:
        flags.append("off_topic")

    weights = _weights(
        question,
        has_ideal=ref.ideal is not None,
        has_points=bool(points),
        rubric_share=_rubric_share(question.category, points),
    )
    parts = {
        "relevance": relevance,
        "ideal_similarity": ideal_part,
        "coverage": None,
        "structure": _structure(question.category, [u for u, p in zip(units, prose, strict=True) if p] or units, gate),
        "specificity": _specificity(units, related, keywords_lower, gate, stuffing),
        # Length counts the prose actually analysed: appended keyword lists do not lengthen an answer.
        "length": _length(question, prose_words, gate, repetitive, truncated),
    }
    coverage, kp_results = _coverage(points, ref, units, unit_vecs, related, prose, lexical=not stuffing)
    if brevity < 1.0 and points:
        coverage = _Part(
            coverage.score * brevity,
            coverage.explanation[:-1] + f"; scaled to {brevity:.0%} because the answer is very short.",
        )
    parts["coverage"] = coverage
    dims = {
        name: DimensionScore(name=name, score=_r1(part.score), weight=weights[name], explanation=part.explanation)
        for name, part in parts.items()
        if part is not None
    }
    overall = sum(dims[n].score * weights[n] for n in DIMENSIONS)
    return AnswerScore(
        overall=_r1(min(100.0, max(0.0, overall))),
        dimensions=dims,
        key_points=kp_results,
        word_count=word_count,
        scorer_version=SCORER_VERSION,
        flags=flags,
    )


def _keyword_pattern(keywords_lower: Sequence[str]) -> re.Pattern[str] | None:
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


def _is_keyword_list(unit: str, keyword_re: re.Pattern[str] | None) -> bool:
    # A bullet naming one or two concepts is fine; a run of four+ expected terms making up half
    # the words is a list pasted to trigger matches.
    hits, spent = _keyword_words(unit, keyword_re)
    return hits >= 4 and spent / max(1, len(words(unit))) >= 0.5


def _keyword_density(text: str, keyword_re: re.Pattern[str] | None) -> float:
    """Share of the answer's words spent on the question's keywords (repeats included)."""
    _, spent = _keyword_words(text, keyword_re)
    return spent / max(1, len(words(text)))


@dataclass(frozen=True)
class _Part:
    score: float
    explanation: str


def _relevance(to_question: float, to_ideal: float | None, best_sentence: float) -> _Part:
    # A good story rarely repeats the question's words ("Tell me about a time..."), so closeness
    # to the on-topic model answer counts too, and so does one sentence that answers the question
    # directly ("I mentored Tom") - averaged with the whole, so one sentence cannot carry an
    # otherwise unrelated answer.
    whole = to_question if to_ideal is None else max(to_question, to_ideal)
    cos = max(whole, 0.5 * (whole + best_sentence))
    if to_ideal is None:
        score = 100.0 * _ramp(cos, RELEVANCE_FLOOR_NO_IDEAL, RELEVANCE_FULL_NO_IDEAL)
    else:
        score = 100.0 * _ramp(cos, RELEVANCE_FLOOR, RELEVANCE_FULL)
    if score >= 75:
        why = "The answer stays on the question throughout"
    elif score >= 45:
        why = "The answer is mostly on topic but drifts in places"
    elif score >= 20:
        why = "Much of the answer is about something other than the question"
    else:
        why = "The answer does not address the question that was asked"
    return _Part(score, f"{why} (semantic match {cos:.2f}).")


def _ideal_similarity(answer_vec: np.ndarray, ideal: np.ndarray | None, has_prose: bool) -> _Part:
    if ideal is None:
        return _Part(0.0, "No model answer exists for this question, so this is not weighted.")
    if not has_prose:
        return _Part(0.0, "A list of terms cannot be compared with a reference answer.")
    cos = float(answer_vec @ ideal)
    score = 100.0 * _ramp(cos, IDEAL_FLOOR, IDEAL_FULL)
    if score >= 70:
        why = "Close in substance to a strong reference answer"
    elif score >= 40:
        why = "Partly overlaps a strong reference answer"
    else:
        why = "Takes a different direction from a strong reference answer"
    return _Part(score, f"{why} (semantic match {cos:.2f}).")


def _coverage(
    points: list[str],
    ref: _Reference,
    units: list[str],
    unit_vecs: np.ndarray,
    related: np.ndarray,
    prose: np.ndarray,
    *,
    lexical: bool,
) -> tuple[_Part, list[KeyPointResult]]:
    if not points:
        return _Part(0.0, "No key points are defined for this question, so this is not weighted."), []
    direct = ref.key_points @ unit_vecs.T  # (k, units)
    via_exemplar = ref.exemplars @ unit_vecs.T
    # The exemplar can only help, and only halfway: it is one particular story, so matching it
    # closely must not count as much as matching the point itself.
    sims = 0.5 * direct + 0.5 * np.maximum(direct, via_exemplar)
    # MiniLM rates any sentence about the topic as close to every key point of that topic.
    # A sentence that is closer to the question than to the point mostly restates the question
    # ("A process is bigger and a thread is smaller"), so the excess is subtracted.
    echo = np.maximum(0.0, (unit_vecs @ ref.question)[None, :] - sims)
    sims = sims - ECHO_PENALTY * echo
    sims[:, ~prose] = -1.0
    if lexical:
        unit_stems = [content_stems(u) for u in units]
        for i, point in enumerate(points):
            p_stems = content_stems(point)
            if not p_stems:
                continue
            for j, stems in enumerate(unit_stems):
                # Word overlap only confirms a sentence that already means something related;
                # on its own it would reward pasting the key point's words anywhere.
                if related[j]:
                    sims[i, j] += LEXICAL_BONUS * len(p_stems & stems) / len(p_stems)
    results: list[KeyPointResult] = []
    credit = 0.0
    for i, point in enumerate(points):
        j = int(np.argmax(sims[i]))
        best = float(min(1.0, sims[i, j]))
        covered = best >= KEY_POINT_COVERED
        credit += 1.0 if covered else 0.5 * _ramp(best, KEY_POINT_PARTIAL, KEY_POINT_COVERED)
        results.append(
            KeyPointResult(
                point=point,
                covered=covered,
                similarity=round(best, 3),
                evidence=units[j] if best >= KEY_POINT_PARTIAL else None,
            )
        )
    covered_n = sum(r.covered for r in results)
    missed = [r.point for r in results if not r.covered]
    why = f"Covered {covered_n} of {len(points)} key points"
    why += f"; missed: {_join(missed)}." if missed else "."
    return _Part(100.0 * credit / len(points), why), results


def _structure(category: str, sentences: list[str], gate: float) -> _Part:
    cues = STRUCTURE_BY_CATEGORY.get(category, TECHNICAL_CUES)
    found = first_cue_positions(sentences, cues)
    share = len(found) / len(cues)
    score = 100.0 * share
    if cues is STRUCTURE_BY_CATEGORY["behavioral"] and len(found) >= 2:
        # A story told in order (situation before result) reads as STAR; reversed order or a
        # result with no action is weaker than the cue count alone suggests.
        order = [found[c.name] for c in cues if c.name in found]
        if order != sorted(order):
            score -= 10.0
    if len(sentences) == 1 and score > 50.0:
        score = 50.0  # one sentence cannot carry a structure, whatever words it contains
    score = max(0.0, score) * gate
    present = [c.label for c in cues if c.name in found]
    absent = [c.label for c in cues if c.name not in found]
    kind = "STAR" if cues is STRUCTURE_BY_CATEGORY["behavioral"] else "structure"
    if not absent:
        why = f"Complete {kind}: {_join(present)}."
    elif present:
        why = f"Partial {kind}: has {_join(present)}; missing {_join(absent)}."
    else:
        why = f"No recognisable {kind}; missing {_join(absent)}."
    if gate < 1.0:
        why = why[:-1] + f", counted at {gate:.0%} because the answer is off topic."
    return _Part(score, why)


def _specificity(
    units: list[str], related: np.ndarray, keywords_lower: Sequence[str], gate: float, stuffing: bool
) -> _Part:
    numbers: set[str] = set()
    tech: set[str] = set()
    names: set[str] = set()
    keywords: set[str] = set()
    for unit, is_related in zip(units, related, strict=True):
        if not is_related:
            continue
        items = specific_items(unit, keywords_lower)
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
    score = raw * gate
    details = []
    if numbers:
        details.append(f"{len(numbers)} figure(s)")
    if tech or names:
        details.append(f"{len(tech | names)} named tool(s)/proper noun(s)")
    if keywords:
        details.append(f"{len(keywords)} of the expected terms ({_join(sorted(keywords), 3)})")
    if details:
        why = "Concrete detail: " + ", ".join(details) + "."
    else:
        why = "No concrete detail: no figures, named tools or expected terms in on-topic sentences."
    if stuffing:
        why = why[:-1] + "; expected terms ignored because they are repeated unnaturally often."
    if gate < 1.0 and score > 0:
        why = why[:-1] + f", counted at {gate:.0%} because the answer is off topic."
    return _Part(score, why)


def _length(question: QuestionForScoring, word_count: int, gate: float, repetitive: bool, truncated: bool) -> _Part:
    short, lo, hi, long = LENGTH_BANDS.get(question.category, LENGTH_BANDS[DEFAULT_CATEGORY])
    if question.kind == "follow_up":
        short, lo, hi, long = (int(x * FOLLOW_UP_LENGTH_FACTOR) for x in (short, lo, hi, long))
    if word_count < lo:
        # Steeper below "too short": a one-liner is not 20 % of an answer.
        score = 60.0 * _ramp(word_count, 0, short) if word_count < short else 60.0 + 40.0 * _ramp(word_count, short, lo)
        verdict = "too short" if word_count < short else "a little short"
        why = f"{word_count} words is {verdict}; aim for {lo}-{hi}."
    elif word_count <= hi:
        score = 100.0
        why = f"{word_count} words is within the {lo}-{hi} word range for this kind of question."
    else:
        # Rambling: 70 at the "long" mark, then decaying; never quite zero for a long answer.
        score = 100.0 - 30.0 * _ramp(word_count, hi, long) if word_count <= long else 70.0 * long / word_count
        why = f"{word_count} words is {'long' if word_count <= long else 'far too long'}; aim for {lo}-{hi}."
    if repetitive:
        score *= 0.5
        why = why[:-1] + "; much of it repeats itself."
    if truncated:
        why = why[:-1] + f"; only the first {MAX_ANALYSED_WORDS} words were analysed."
    score *= gate
    if gate < 1.0 and score > 0:
        why = why[:-1] + f", counted at {gate:.0%} because the answer is off topic."
    return _Part(score, why)
