"""Score one interview answer the way a careful interviewer would, deterministically.

Six dimensions, each 0-100 with a one-sentence explanation, weighted per category into
``overall``. What each one measures:

* ``relevance`` — does the answer answer *this* question? Its fit (closeness to the question, its
  paraphrases and its strong answers) is compared with every other question of the module; an
  answer that fits a neighbour better is off topic, and the report names that question. Without
  substance, an answer keeps it only for its sentences that make a concrete claim (``claims.py``).
* ``ideal_similarity`` — closeness to the *nearest* of several strong answers that tell different
  stories or take different approaches, so one model story is not the only right one.
* ``coverage`` — listening points with evidence (see ``coverage.py``): negated evidence does not
  count, hedged evidence counts as partly.
* ``structure``, ``specificity``, ``length`` — form, which counts only in proportion to substance
  (relevance and coverage), so fluff, padding and keyword prose cannot ride on their shape.

Gaming is neutralised before anything is measured: keyword lists, sentences that recite the
listening points themselves and sentences that merely restate or talk about the question are not
evidence.
Calibration constants were measured on the packs (``bench/scoring_calibrate.py``), and the
held-out evaluation set (``bench/scoring_eval.py``) checks them; changing them changes scores, so
bump ``SCORER_VERSION`` with them: percentiles only compare answers scored by the same version.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from talentsync.embeddings import Embedder
from talentsync.scoring import form
from talentsync.scoring.claim_model import CLAIM_MODEL
from talentsync.scoring.claims import ClaimModel, about_the_question, claim_free_share
from talentsync.scoring.coverage import FEATURES, AnswerContext, PointModel, coverage, term_density
from talentsync.scoring.form import Gate, Part, ramp
from talentsync.scoring.models import (
    DIMENSIONS,
    AnswerScore,
    DimensionScore,
    KeyPointResult,
    QuestionForScoring,
)
from talentsync.scoring.point_model import POINT_MODEL
from talentsync.scoring.references import (
    CACHE,
    FitProfile,
    PointRefs,
    centroid,
    embed_unit,
    fit_profile,
    point_refs,
)
from talentsync.scoring.text import (
    content_stems,
    lexical_variety,
    split_sentences,
    vague_density,
    vague_hits,
    words,
)

SCORER_VERSION = "listen-v6"

# --- calibration (all-MiniLM-L6-v2; bench/scoring_calibrate.py prints the distributions) --------
# fit = 0.6 x best strong-answer centroid + 0.4 x best question/paraphrase.
RELEVANCE_FLOOR, RELEVANCE_FULL = 0.22, 0.42
# Without strong answers (resume questions) only the short question is a reference: lower ramp.
RELEVANCE_FLOOR_NO_REF, RELEVANCE_FULL_NO_REF = 0.15, 0.38
# own fit minus the best neighbour's fit: below -MARGIN_OFF the answer belongs to the neighbour.
MARGIN_OFF, MARGIN_OK = 0.07, 0.0
# Stories: every behavioral prompt asks for a story, and one story can fit several prompts (a
# failed project is also a lesson learned, and may involve convincing another team), so a
# neighbour's better fit is weak evidence there. Measured on both labelled sets: behavioral answers
# to the question asked sit as low as -0.11, answers to another prompt as high as -0.01, where
# technical, design, product and ML answers separate at about -0.1.
MARGIN_OFF_STORY = 0.15
STORY_CATEGORIES = frozenset({"behavioral"})
IDEAL_FLOOR, IDEAL_FULL = 0.30, 0.75
# A sentence this close to a listening point's own label or description is a recital, not evidence.
RECITE_COS = 0.80
RECITE_OVERLAP = 0.75
# A sentence this close to the question (and closer to it than to any evidence) restates it.
ECHO_COS = 0.55
ECHO_MARGIN = 0.05
# ...and it brings few words of its own: a sentence whose content words are mostly new ("I'd
# check whether the charge already happened") is an answer near the question, not a restatement,
# unless it sits almost on top of the question.
ECHO_NOVELTY_MAX = 0.6
ECHO_SURE_COS = 0.8
ECHO_FLAG_SHARE = 0.4  # share of sentences restating the question that marks the answer as an echo
# Form counts in full once coverage (or, without points, closeness to a strong answer) reaches this.
CONTENT_GATE_LO, CONTENT_GATE_HI = 10.0, 55.0
GATE_FULL_RELEVANCE = 50.0
OFF_TOPIC_BELOW = 25.0
RAMBLING_PENALTY = 1.0
# Figures plus half the proper nouns per 100 words (form.concreteness) at which a long, thin-looking
# answer stops being treated as padding: on the evaluation sets, nine padded answers in ten sit below
# 1.2 and nine strong answers in ten above 1.59.
CONCRETE_LO, CONCRETE_HI = 1.2, 2.4
# Claim-free share of a long answer (claims.claim_free_share) from which it counts as padded whatever
# its coverage, in full at HI. Strong answers of held-out set 5, which the claim model never saw, sit
# below 0.15 in nine cases of ten; its padded answers above 0.19, with a median of 0.28.
FILLER_LO, FILLER_HI = 0.15, 0.35
# Listening-point credit per 100 words below which a long answer counts as padded (full penalty at
# LO, none at HI). Strong answers show 18-45 per 100 words, padded ones 0-12 (dev modules).
DENSITY_LO, DENSITY_HI = 8.0, 18.0
# Distinct content words per 100-word stretch (text.lexical_variety) below which a long answer is
# saying the same things again: full penalty at LO, none at HI. Strong answers on the development
# modules show 0.38-0.57, padded ones 0.32-0.40.
VARIETY_LO, VARIETY_HI = 0.34, 0.40
# Claim-free verbs ("ensures", "leverages", "work together") per 100 words marking buzzword prose.
BUZZWORD_DENSITY = 1.5
# ...and at least this many of them: one "best practice" in a 55-word answer is a density of 1.8
# but a turn of phrase, not buzzword prose (it flagged plain weak answers and halved them).
BUZZWORD_MIN_HITS = 2
# What an answer flagged as gaming (and without substance) keeps of its relevance.
GAMING_RELEVANCE_KEEP = 0.25
# Share of an answer's sentences making no concrete claim (claims.py) that earns the "no_claims"
# flag, when the answer also lacks substance.
NO_CLAIMS_FLAG_SHARE = 0.6
REPETITION_MIN_DISTINCT = 0.6
MIN_JUDGEABLE_WORDS = 20
MIN_JUDGEABLE_WORDS_FOLLOW_UP = 12
MAX_UNITS = 40
# Long spoken sentences are cut into units of at most this many words for embedding.
UNIT_MAX_WORDS = 40

# Weights per category, in DIMENSIONS order: relevance, ideal, coverage, structure, specificity,
# length. Content (first three) carries 65-75 %: form cannot rescue an answer that says nothing.
WEIGHTS: dict[str, tuple[float, ...]] = {
    "behavioral": (0.15, 0.10, 0.40, 0.15, 0.10, 0.10),
    "resume": (0.25, 0.10, 0.20, 0.20, 0.15, 0.10),
    "technical": (0.15, 0.15, 0.45, 0.05, 0.10, 0.10),
    "system_design": (0.15, 0.15, 0.40, 0.10, 0.10, 0.10),
    "product": (0.15, 0.10, 0.40, 0.15, 0.10, 0.10),
    "ml": (0.15, 0.15, 0.45, 0.05, 0.10, 0.10),
}
DEFAULT_CATEGORY = "technical"


def _r1(x: float) -> float:
    return round(float(x) + 0.0, 1)


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


def weights_for(question: QuestionForScoring, *, has_ideal: bool = True, has_points: bool = True) -> dict[str, float]:
    raw = dict(zip(DIMENSIONS, WEIGHTS.get(question.category, WEIGHTS[DEFAULT_CATEGORY]), strict=True))
    # Without a reference the dimension cannot be judged: share its weight out rather than
    # scoring everyone zero (resume questions are generated and have no model answer).
    if not has_ideal:
        raw["ideal_similarity"] = 0.0
    if not has_points:
        raw["coverage"] = 0.0
    total = sum(raw.values())
    return {k: round(v / total, 4) for k, v in raw.items()}


def _empty_score(question: QuestionForScoring) -> AnswerScore:
    weights = weights_for(question, has_ideal=bool(question.strong_answers), has_points=bool(question.key_points))
    dims = {
        name: DimensionScore(name=name, score=0.0, weight=weights[name], explanation="No answer was given.")
        for name in DIMENSIONS
    }
    key_points = [
        KeyPointResult(
            point=p.point, listen_for=p.listen_for, covered=False, status="missed", similarity=0.0, evidence=None
        )
        for p in question.key_points
    ]
    return AnswerScore(
        overall=0.0,
        dimensions=dims,
        key_points=key_points,
        word_count=0,
        scorer_version=SCORER_VERSION,
        flags=["empty"],
    )


def fit(answer_vec: np.ndarray, profile: FitProfile) -> float:
    to_question = float((profile.questions @ answer_vec).max())
    if not len(profile.answers):
        return to_question
    return 0.6 * float((profile.answers @ answer_vec).max()) + 0.4 * to_question


@dataclass(frozen=True)
class _Units:
    texts: list[str]
    vecs: np.ndarray
    weights: np.ndarray  # words per unit
    prose: np.ndarray  # not a keyword list
    recited: np.ndarray  # restates a listening point's label or description
    echo: np.ndarray  # restates the question

    @property
    def evidence(self) -> np.ndarray:
        return self.prose & ~self.recited & ~self.echo


def _classify(
    texts: list[str], vecs: np.ndarray, question: QuestionForScoring, own: FitProfile, refs: Sequence[PointRefs]
) -> _Units:
    keyword_re = form.keyword_pattern(sorted({k.strip().lower() for k in question.keywords if k.strip()}))
    prose = np.array([not form.is_keyword_list(u, keyword_re) for u in texts], dtype=bool)
    recited = np.zeros(len(texts), dtype=bool)
    if refs:
        abstract = np.vstack([r.label for r in refs] + [r.description for r in refs if r.description is not None])
        recited = (vecs @ abstract.T).max(axis=1) >= RECITE_COS
        point_stems = [content_stems(f"{p.point}") for p in question.key_points]
        point_stems += [content_stems(p.listen_for) for p in question.key_points if p.listen_for]
        for j, u in enumerate(texts):
            stems = content_stems(u)
            if stems and any(ps and len(stems & ps) / len(stems | ps) >= RECITE_OVERLAP for ps in point_stems):
                recited[j] = True
    q_sim = (vecs @ own.questions.T).max(axis=1)
    evidence_sim = np.full(len(texts), -1.0)
    if len(own.answer_sentences):
        evidence_sim = (vecs @ own.answer_sentences.T).max(axis=1)
    for r in refs:
        if len(r.examples):
            evidence_sim = np.maximum(evidence_sim, (vecs @ r.examples.T).max(axis=1))
    question_stems = content_stems(" ".join([question.text, *question.paraphrases]))
    novelty = np.array([_novelty(u, question_stems) for u in texts])
    echo = (
        (q_sim >= ECHO_COS)
        & (q_sim >= evidence_sim - ECHO_MARGIN)
        & ((novelty <= ECHO_NOVELTY_MAX) | (q_sim >= ECHO_SURE_COS))
    ) | np.array([about_the_question(u) for u in texts], dtype=bool)
    w = np.array([max(1, len(words(u))) for u in texts], dtype=np.float64)
    return _Units(texts, vecs, w, prose, recited, echo)


def _novelty(unit: str, question_stems: set[str]) -> float:
    """Share of the unit's content words that the question (and its paraphrases) did not use."""
    stems = content_stems(unit)
    return len(stems - question_stems) / len(stems) if stems else 0.0


_ADDRESSES = "The answer addresses this question"


@dataclass(frozen=True)
class _Relevance:
    part: Part
    fit: float
    margin: float
    seems: str | None


def _relevance(
    answer_vec: np.ndarray,
    own: FitProfile,
    neighbours: list[tuple[str, FitProfile]],
    has_refs: bool,
    margin_off: float = MARGIN_OFF,
) -> _Relevance:
    own_fit = fit(answer_vec, own)
    lo, hi = (RELEVANCE_FLOOR, RELEVANCE_FULL) if has_refs else (RELEVANCE_FLOOR_NO_REF, RELEVANCE_FULL_NO_REF)
    absolute = ramp(own_fit, lo, hi)
    seems: str | None = None
    contrast, margin = 1.0, 0.0
    if neighbours:
        fits = [(fit(answer_vec, p), text) for text, p in neighbours]
        best_other, other_text = max(fits, key=lambda f: f[0])
        margin = own_fit - best_other
        contrast = ramp(margin, -margin_off, MARGIN_OK)
        if margin < 0 and best_other >= lo:
            seems = other_text
    score = 100.0 * absolute * contrast
    if seems is not None and contrast < 0.5:
        why = f'The answer fits another question better: "{seems}"'
    elif score >= 75:
        why = _ADDRESSES
    elif score >= 45:
        why = "The answer is partly about this question but drifts or stays general"
    elif score >= 20:
        why = "Much of the answer is about something other than this question"
    else:
        why = "The answer does not address the question that was asked"
    return _Relevance(Part(score, f"{why} (fit {own_fit:.2f})."), own_fit, margin, seems)


def _ideal(answer_vec: np.ndarray | None, own: FitProfile) -> tuple[Part, float]:
    if not len(own.answers):
        return Part(0.0, "No strong reference answer exists for this question, so this is not weighted."), 0.0
    if answer_vec is None:
        return Part(0.0, "Nothing in the answer can be compared with a strong answer."), 0.0
    cos = float((own.answers @ answer_vec).max())
    score = 100.0 * ramp(cos, IDEAL_FLOOR, IDEAL_FULL)
    if score >= 70:
        why = "Close in substance to one of the strong reference answers"
    elif score >= 40:
        why = "Partly overlaps the closest strong reference answer"
    else:
        why = "Far from every strong reference answer"
    return Part(score, f"{why} (match {cos:.2f})."), cos


def score_answer(
    question: QuestionForScoring,
    answer: str,
    embedder: Embedder,
    model: PointModel | None = None,
    claims: ClaimModel | None = None,
) -> AnswerScore:
    """Score ``answer`` to ``question``; deterministic, never raises on odd text."""
    return score_with_features(question, answer, embedder, model, claims)[0]


def score_with_features(
    question: QuestionForScoring,
    answer: str,
    embedder: Embedder,
    model: PointModel | None = None,
    claims: ClaimModel | None = None,
) -> tuple[AnswerScore, np.ndarray]:
    """The score and the listening-point feature matrix behind it (for fitting the point model)."""
    text = (answer or "").strip()
    all_words = words(text)
    if not all_words:
        return _empty_score(question), np.zeros((len(question.key_points), len(FEATURES)))
    word_count = len(all_words)
    flags: list[str] = []
    analysed, truncated = _truncate_words(text, form.MAX_ANALYSED_WORDS)
    if truncated:
        flags.append("truncated")
    sentences = split_sentences(analysed, max_words=UNIT_MAX_WORDS) or [analysed]
    texts = _group_units(sentences, MAX_UNITS)

    strong = question.strong_answers
    own = fit_profile(embedder, question.text, question.paraphrases, strong)
    refs = point_refs(embedder, question.key_points)
    neighbours = [(n.text, fit_profile(embedder, n.text, n.paraphrases, n.answers)) for n in question.neighbours]
    units = _classify(texts, embed_unit(embedder, texts), question, own, refs)

    keyword_re = form.keyword_pattern(sorted({k.strip().lower() for k in question.keywords if k.strip()}))
    stuffing = bool((~units.prose).any()) or form.keyword_density(text, keyword_re) >= form.KEYWORD_STUFFING_DENSITY
    if stuffing:
        flags.append("keyword_stuffing")
    if units.recited.sum() >= 2 or (units.recited.any() and units.recited.mean() >= 0.4):
        flags.append("recites_rubric")
    if units.echo.mean() >= ECHO_FLAG_SHARE:
        flags.append("echoes_question")
    distinct_share = len({u.lower() for u in sentences}) / len(sentences)
    repetitive = len(sentences) >= 4 and distinct_share < REPETITION_MIN_DISTINCT
    if repetitive:
        flags.append("repetitive")

    evidence = units.evidence
    evidence_words = int(units.weights[evidence].sum()) if evidence.any() else 0
    answer_vec = centroid(units.vecs[evidence], units.weights[evidence]) if evidence.any() else None
    margin_off = MARGIN_OFF_STORY if question.category in STORY_CATEGORIES else MARGIN_OFF
    if answer_vec is not None:
        rel = _relevance(answer_vec, own, neighbours, bool(strong), margin_off)
    elif units.prose.any() and not units.recited.any():
        rel = _Relevance(Part(0.0, "The answer only restates the question; it does not answer it."), 0.0, 0.0, None)
    else:
        rel = _Relevance(
            Part(0.0, "The answer lists terms or recites what interviewers listen for instead of answering."),
            0.0,
            0.0,
            None,
        )
    relevance = rel.part
    min_words = MIN_JUDGEABLE_WORDS_FOLLOW_UP if question.kind == "follow_up" else MIN_JUDGEABLE_WORDS
    brevity = min(1.0, evidence_words / min_words)
    ideal, ideal_cos = _ideal(answer_vec, own)
    q_sim = (units.vecs @ own.questions.T).max(axis=1)
    keywords_lower = tuple(sorted({k.strip().lower() for k in question.keywords if k.strip()}))
    ctx = AnswerContext(
        fit=rel.fit,
        # In units of the category's off-topic margin, so a story's weaker contrast means the same.
        margin=max(-0.3, min(0.3, rel.margin * MARGIN_OFF / margin_off)),
        ideal=ideal_cos,
        evidence_words=evidence_words,
        keyword_density=form.keyword_density(text, keyword_re),
        term_density=term_density(units.texts, keywords_lower),
        vague_density=vague_density(analysed),
        keywords=keywords_lower,
    )
    cov, kp_results, feats = coverage(
        question.key_points, refs, units.texts, units.vecs, q_sim, evidence, ctx, model or POINT_MODEL
    )
    if brevity < 1.0:
        note = f"; scaled to {brevity:.0%} because {evidence_words} words is too little to judge."
        relevance = Part(relevance.score * brevity, relevance.explanation[:-1] + note)
        if strong:
            ideal = Part(ideal.score * brevity, ideal.explanation[:-1] + note)
        if question.key_points:
            cov = Part(cov.score * brevity, cov.explanation[:-1] + note)
    if relevance.score < OFF_TOPIC_BELOW and brevity == 1.0:
        flags.append("off_topic")

    content = cov.score if question.key_points else ideal.score if strong else None
    gate = _form_gate(relevance.score, content)
    substance = _substance_gate(content) if question.key_points else Gate(1.0)
    buzzy = ctx.vague_density >= BUZZWORD_DENSITY and vague_hits(analysed) >= BUZZWORD_MIN_HITS
    if buzzy and substance.value < 0.5:
        # Only where it is what the answer consists of: "ensures" and "provides" in an answer that
        # shows what the interviewer listens for are ordinary words, not buzzword prose.
        flags.append("buzzwords")
    claim_free = claim_free_share(claims or CLAIM_MODEL, units.vecs[evidence], units.weights[evidence])
    if substance.value < 0.5:
        # Without substance, staying on the topic is worth only as much as the answer says something
        # concrete: fluff keeps little of its relevance, a thin but genuine attempt keeps most of it.
        # An off-topic answer is told that it is off topic, which is what matters for it.
        on_topic = "off_topic" not in flags
        told = claim_free >= 0.05 and on_topic
        # "Addresses this question" would overstate a score cut for fluff: it is on the topic.
        verdict = relevance.explanation[:-1].replace(_ADDRESSES, "The answer is on this question's topic", 1)
        relevance = Part(
            relevance.score * (1.0 - claim_free),
            f"{verdict}, but {claim_free:.0%} of it makes no concrete claim, so that share of its relevance "
            "is not counted."
            if told
            else relevance.explanation,
        )
        if claim_free >= NO_CLAIMS_FLAG_SHARE and on_topic:
            flags.append("no_claims")
    gaming = {"echoes_question", "recites_rubric", "keyword_stuffing", "buzzwords"} & set(flags)
    if gaming and substance.value < 0.5:
        # Staying on topic by restating it, reciting the rubric or stringing buzzwords together is
        # not answering: such an answer keeps a quarter of its relevance.
        relevance = Part(
            relevance.score * GAMING_RELEVANCE_KEEP,
            f"The answer circles this question's topic without answering it (fit {rel.fit:.2f}), "
            f"so it keeps {GAMING_RELEVANCE_KEEP:.0%} of its relevance.",
        )
    if gate.value < 0.5 and "off_topic" not in flags:
        flags.append("no_substance")
    evidence_texts = [u for u, e in zip(units.texts, evidence, strict=True) if e]
    # A long answer dense with figures and names is a detailed story or design whose listening points
    # the scorer did not see, not padding: it is spared the rambling cost below (but gets no credit).
    concrete = 0.0
    if gate.value < 1.0 and not gaming and not {"off_topic", "no_claims"} & set(flags):
        concrete = ramp(form.concreteness(evidence_texts), CONCRETE_LO, CONCRETE_HI) * (1.0 - claim_free)
    weights = weights_for(question, has_ideal=bool(strong), has_points=bool(question.key_points))
    topic_vecs = np.vstack([own.questions, own.answer_sentences])
    related = evidence & ((units.vecs @ topic_vecs.T).max(axis=1) >= 0.3)
    parts = {
        # Closeness to a strong answer is what keyword prose and padding imitate best, so with
        # listening points defined it counts only as far as the answer shows them.
        "relevance": relevance,
        "ideal_similarity": substance.apply(ideal),
        "coverage": cov,
        "structure": form.structure(question.category, evidence_texts or texts, gate),
        "specificity": form.specificity(units.texts, related, [k.lower() for k in question.keywords], gate, stuffing),
        "length": form.length(question.category, question.kind, evidence_words, gate, repetitive, truncated),
    }
    dims = {
        name: DimensionScore(name=name, score=_r1(part.score), weight=weights[name], explanation=part.explanation)
        for name, part in parts.items()
    }
    weighted = overall = sum(dims[n].score * weights[n] for n in DIMENSIONS)
    if question.key_points:
        # Words without substance cost: the longer a thin answer runs, the worse it gets, so a weak
        # answer stretched with filler never beats the same answer said plainly. Thin is judged
        # both absolutely (the gate) and per word: padding can brush past a few listening points,
        # but a long answer must show them at the rate real answers do.
        _, lo, hi, _ = form.length_band(question.category, question.kind)
        per_100 = 100.0 * cov.score / max(1, word_count)
        # An answer with clear substance (full gate) is not called thin for its density, however long it runs.
        variety = ramp(lexical_variety(analysed), VARIETY_LO, VARIETY_HI)
        thin = 0.0 if gate.value >= 1.0 else 1.0 - min(gate.value, ramp(per_100, DENSITY_LO, DENSITY_HI)) * variety
        # Filler is thin however many listening points the rest brushes past: the more of a long answer
        # makes no concrete claim, the more it counts as padded, even with full substance.
        thin = max(thin, ramp(claim_free, FILLER_LO, FILLER_HI))
        rambling = thin * ramp(word_count, lo, hi) * (1.0 - concrete)
        if rambling > 0.25:
            flags.append("padded")
        overall *= 1.0 - RAMBLING_PENALTY * rambling
    overall = min(100.0, max(0.0, overall))
    score = AnswerScore(
        overall=_r1(overall),
        dimensions=dims,
        key_points=kp_results,
        word_count=word_count,
        scorer_version=SCORER_VERSION,
        flags=flags,
        seems_to_answer=rel.seems if "off_topic" in flags else None,
        padding_cost=_r1(max(0.0, min(100.0, weighted) - overall)),
    )
    return score, feats


def _substance_gate(content: float | None) -> Gate:
    if content is None:
        return Gate(1.0)
    return Gate(
        ramp(content, CONTENT_GATE_LO, CONTENT_GATE_HI),
        "because the answer shows little of what the interviewer listens for",
    )


def _form_gate(relevance: float, content: float | None) -> Gate:
    # The stricter of the two: a half-relevant answer with nothing of substance (fluff, keyword
    # prose) must not have its shape counted at half weight just because it is half on topic.
    on_topic = Gate(ramp(relevance, 0.0, GATE_FULL_RELEVANCE), "because the answer is off topic")
    substance = _substance_gate(content)
    return on_topic if on_topic.value <= substance.value else substance


def warm(embedder: Embedder, questions: Sequence[QuestionForScoring]) -> None:
    """Embed every question-side text now, so the first candidate pays no cold penalty."""
    for q in questions:
        fit_profile(embedder, q.text, q.paraphrases, q.strong_answers)
        point_refs(embedder, q.key_points)


__all__ = ["CACHE", "SCORER_VERSION", "score_answer", "warm", "weights_for"]
