"""Written feedback for a finished session, and optional follow-up refinement.

Two interchangeable writers sit behind ``FeedbackWriter``: the offline one below (deterministic,
built only from the scores, no network) is the default; ``openai_writer.OpenAIFeedbackWriter``
is used when an OpenAI-compatible endpoint is configured. Both return the same ``FeedbackReport``.

The offline writer never invents praise: every sentence it writes points at a number or a key
point that the scorer produced, so the report is as honest as the scores.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel, Field

from talentsync.scoring.models import DIMENSIONS, AnswerScore

log = logging.getLogger(__name__)

# Delivery target bands for spoken answers (conversational interview pace).
WPM_BAND = (120.0, 160.0)
MAX_FILLERS_PER_MIN = 2.0
MAX_LONG_PAUSES = 2

STRENGTH_AT = 70.0  # a dimension at or above this is worth naming as a strength
WEAK_AT = 60.0  # below this it is worth naming as an improvement
STAR_CATEGORIES = frozenset({"behavioral", "resume"})


class AnswerForFeedback(BaseModel):
    question: str
    category: str
    answer: str
    score: AnswerScore
    percentile: float | None = None
    delivery: dict[str, Any] | None = None  # {wpm, fillers_per_min, long_pauses, ...} for voice


class FeedbackInput(BaseModel):
    module_name: str
    answers: list[AnswerForFeedback]
    overall_score: float
    overall_percentile: float | None = None


class AnswerFeedback(BaseModel):
    strengths: list[str]
    improvements: list[str]
    stronger_answer_outline: list[str]


class FeedbackReport(BaseModel):
    summary: str
    focus_areas: list[str] = Field(min_length=3, max_length=3)
    answers: list[AnswerFeedback]  # same order as the input answers
    writer: str  # "offline" or the model name


class FeedbackWriter(Protocol):
    def write(self, inp: FeedbackInput) -> FeedbackReport: ...


class FollowUpRefiner(Protocol):
    def refine(self, question: str, answer: str, candidate: str) -> str | None:
        """A follow-up tailored to ``answer``, or None to keep the ``candidate`` template."""
        ...


class OfflineFollowUpRefiner:
    """Declines every refinement, so the retrieved follow-up template is asked verbatim.

    Templates are written by people and retrieved by similarity to the answer; without a language
    model, rewriting them would only make them worse, so the offline default keeps them.
    """

    def refine(self, question: str, answer: str, candidate: str) -> str | None:
        return None


# --- offline writer ---------------------------------------------------------------------------

DIMENSION_LABELS: dict[str, str] = {
    "relevance": "staying on the question",
    "ideal_similarity": "substance compared with a strong answer",
    "coverage": "covering the key points",
    "structure": "structure",
    "specificity": "concrete detail (figures, names, tools)",
    "length": "answer length",
}

FOCUS_ADVICE: dict[str, str] = {
    "relevance": "Answer the question that was asked: open with a direct one-sentence answer to it "
    "and cut material that belongs to a different question.",
    "ideal_similarity": "Go deeper on substance: explain the mechanism or decision behind your "
    "answer, not only what happened.",
    "coverage": "Show what interviewers listen for; the points you most often missed or only touched: {missed}.",
    "structure": "Give every answer a visible shape: STAR (situation, task, action, result) for stories; "
    "explanation, example, trade-off for technical questions.",
    "specificity": "Add concrete detail: a number (latency, users, %, time saved), the tools you used "
    "and the names of systems or teams involved.",
    "length": "Fit the answer to the question: aim for roughly 1-2 minutes (about 130-300 words); "
    "expand one-liners and trim rambling.",
}


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _fmt(x: float) -> str:
    return f"{x:.0f}"


def _delivery_notes(delivery: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    """(strengths, improvements) about pace, fillers and pauses, each quoting the measurement."""
    if not delivery:
        return [], []
    good: list[str] = []
    bad: list[str] = []
    lo, hi = WPM_BAND
    wpm = delivery.get("wpm")
    if isinstance(wpm, int | float):
        if wpm < lo:
            bad.append(f"You spoke at {wpm:.0f} words per minute; aim for {lo:.0f}-{hi:.0f} so it sounds confident.")
        elif wpm > hi:
            bad.append(f"You spoke at {wpm:.0f} words per minute; slow down to {lo:.0f}-{hi:.0f} so points land.")
        else:
            good.append(f"Comfortable pace: {wpm:.0f} words per minute, inside the {lo:.0f}-{hi:.0f} target.")
    fillers = delivery.get("fillers_per_min")
    if isinstance(fillers, int | float):
        if fillers >= MAX_FILLERS_PER_MIN:
            bad.append(
                f"{fillers:.1f} filler words per minute (um, uh, like); aim for fewer than "
                f"{MAX_FILLERS_PER_MIN:.0f} by pausing silently instead."
            )
        else:
            good.append(f"Few filler words: {fillers:.1f} per minute (target under {MAX_FILLERS_PER_MIN:.0f}).")
    pauses = delivery.get("long_pauses")
    if isinstance(pauses, int | float) and pauses > MAX_LONG_PAUSES:
        bad.append(f"{pauses:.0f} long pauses; take a moment to plan before you start rather than mid-answer.")
    return good, bad


def _answer_feedback(item: AnswerForFeedback) -> AnswerFeedback:
    """Every sentence quotes a fact of the score (a dimension and its number, a listening point
    and its status, a flag), so the feedback cannot contradict the numbers beside it."""
    score = item.score
    dims = {name: score.dimensions[name] for name in DIMENSIONS if name in score.dimensions}
    weighted = {n: d for n, d in dims.items() if d.weight > 0}
    covered = [kp.point for kp in score.key_points if kp.status == "covered"]
    partly = [kp.point for kp in score.key_points if kp.status == "partly"]
    missed = [kp.point for kp in score.key_points if kp.status == "missed"]

    strengths: list[str] = []
    improvements: list[str] = []
    if not score.word_count:
        improvements.append("No answer was recorded; even a partial answer earns credit for what it covers.")
    else:
        if "off_topic" in score.flags:
            if score.seems_to_answer:
                improvements.append(
                    f'This answer seems to answer a different question ("{score.seems_to_answer}"); '
                    "answer the one that was asked."
                )
            else:
                improvements.append("The answer did not address this question; restate it and answer it directly.")
        if covered:
            strengths.append("You gave clear evidence for: " + "; ".join(covered) + ".")
        ranked = sorted(weighted.values(), key=lambda d: (-d.score, DIMENSIONS.index(d.name)))
        for d in ranked:
            if d.score >= STRENGTH_AT and len(strengths) < 3 and d.name != "coverage":
                strengths.append(f"Strength, {DIMENSION_LABELS[d.name]} ({_fmt(d.score)}/100): {d.explanation}")
        if partly:
            improvements.append("Touched on but not shown clearly: " + "; ".join(partly) + ".")
        if missed:
            improvements.append("Missed listening points: " + "; ".join(missed) + ".")
        weakest = sorted(weighted.values(), key=lambda d: (d.score, DIMENSIONS.index(d.name)))
        for d in weakest:
            if d.score < WEAK_AT and d.name != "coverage" and len(improvements) < 4:
                improvements.append(f"Weakest area, {DIMENSION_LABELS[d.name]} ({_fmt(d.score)}/100): {d.explanation}")
        cost = f", which cost {_fmt(score.padding_cost)} points of the overall" if score.padding_cost >= 0.5 else ""
        for flag, advice in FLAG_ADVICE.items():
            if flag in score.flags:
                improvements.append(advice.format(cost=cost))
    good, bad = _delivery_notes(item.delivery)
    strengths.extend(good)
    improvements.extend(bad)
    if not strengths:
        # Say so rather than invent praise: a report that flatters a weak answer misleads.
        best = max(weighted.values(), key=lambda d: (d.score, -DIMENSIONS.index(d.name)), default=None)
        note = "No dimension reached a strong level yet"
        if best is not None and score.word_count and best.score > 0:
            note += f"; the highest was {DIMENSION_LABELS[best.name]} ({_fmt(best.score)}/100)"
        strengths.append(note + ".")
    if not improvements:
        improvements.append(
            "Little to fix here: keep this shape and add one more measurable result to make it memorable."
        )
    return AnswerFeedback(
        strengths=strengths,
        improvements=improvements,
        stronger_answer_outline=_outline(item, covered, partly + missed),
    )


# "{cost}" is filled with what padding cost the overall, when it cost anything.
FLAG_ADVICE: dict[str, str] = {
    "keyword_stuffing": "Listing expected terms earns nothing; explain each idea in a full sentence instead.",
    "recites_rubric": "Naming what interviewers listen for earns nothing; show it with what you actually did or know.",
    "echoes_question": "Restating the question earns nothing; spend those words on the answer.",
    "repetitive": "Much of the answer repeats itself; say each thing once.",
    "padded": "The answer runs long without adding substance{cost}; cut to what you would actually do and why.",
    "no_claims": "Most of the answer makes no concrete claim; say what you did or would do, and what happened.",
}


def _outline(item: AnswerForFeedback, shown: list[str], to_add: list[str]) -> list[str]:
    marked = shown + [f"{p} (add this)" for p in to_add]
    relevance = item.score.dimensions.get("relevance")
    direct = relevance is not None and relevance.score >= 75
    if item.category in STAR_CATEGORIES:
        outline = [
            "Situation: one or two sentences of context (team, product, stakes, when).",
            "Task: what you specifically owned and what success meant.",
        ]
        outline += [f"Show: {p}" for p in marked] or [
            "Action: the steps you took yourself, in order, with the reasoning behind each."
        ]
        outline.append("Result: the measurable outcome (a number), and what you would repeat or change.")
        return outline
    opening = "Keep opening with" if direct else "Open with"
    outline = [f"{opening} a direct one-sentence answer to: {item.question}"]
    outline += [f"Explain: {p}" for p in marked]
    if item.category == "system_design":
        outline.insert(1, "State requirements and a scale estimate (users, requests per second, data size).")
        outline.append("Walk through the data flow end to end, then name the main bottleneck and how it scales.")
    elif item.category == "product":
        outline.insert(1, "Name the users and the problem, and the metric that would prove success.")
        outline.append("Prioritise: what you would ship first, how you would test it, and the guardrail metric.")
    else:
        outline.append("Give a concrete example from your own work, with a number.")
    outline.append("Close with a trade-off or limitation and when you would choose differently.")
    return outline


class OfflineFeedbackWriter:
    """Deterministic report written only from the scores (no language model, no network)."""

    name = "offline"

    def write(self, inp: FeedbackInput) -> FeedbackReport:
        answers = [_answer_feedback(a) for a in inp.answers]
        return FeedbackReport(
            summary=self._summary(inp),
            focus_areas=self._focus_areas(inp),
            answers=answers,
            writer=self.name,
        )

    @staticmethod
    def _dimension_means(inp: FeedbackInput) -> dict[str, float]:
        means: dict[str, float] = {}
        for name in DIMENSIONS:
            values = [
                a.score.dimensions[name].score
                for a in inp.answers
                if name in a.score.dimensions and a.score.dimensions[name].weight > 0
            ]
            if values:
                means[name] = _mean(values)
        return means

    def _summary(self, inp: FeedbackInput) -> str:
        n = len(inp.answers)
        text = f"{inp.module_name}: {inp.overall_score:.0f}/100 overall across {n} answer{'s' if n != 1 else ''}"
        if inp.overall_percentile is not None:
            text += (
                f", higher than {inp.overall_percentile:.0f}% of other candidates' sessions in this module"
                " (scored the same way)"
            )
        text += "."
        means = self._dimension_means(inp)
        if means:
            order = sorted(means, key=lambda k: (means[k], DIMENSIONS.index(k)))
            best, worst = order[-1], order[0]
            text += (
                f" Strongest on {DIMENSION_LABELS[best]} (average {_fmt(means[best])}); "
                f"weakest on {DIMENSION_LABELS[worst]} (average {_fmt(means[worst])})."
            )
        if n > 1:
            scored = sorted(range(n), key=lambda i: (inp.answers[i].score.overall, -i))
            lo, hi = scored[0], scored[-1]
            text += (
                f" Best answer: question {hi + 1} ({_fmt(inp.answers[hi].score.overall)}); "
                f"weakest: question {lo + 1} ({_fmt(inp.answers[lo].score.overall)})."
            )
        covered = sum(kp.status == "covered" for a in inp.answers for kp in a.score.key_points)
        total = sum(len(a.score.key_points) for a in inp.answers)
        if total:
            text += f" Listening points shown clearly: {covered} of {total}."
        return text

    def _focus_areas(self, inp: FeedbackInput) -> list[str]:
        means = self._dimension_means(inp)
        weights = {
            name: _mean([a.score.dimensions[name].weight for a in inp.answers if name in a.score.dimensions])
            for name in means
        }
        missed_counts: dict[str, int] = {}
        for a in inp.answers:
            for kp in a.score.key_points:
                if kp.status != "covered":
                    # dict keeps first-seen order, so ties stay in question order.
                    missed_counts[kp.point] = missed_counts.get(kp.point, 0) + 1
        top_missed = sorted(missed_counts, key=lambda p: -missed_counts[p])[:3]

        # Rank by the overall points a candidate would gain by fixing the area:
        # (100 - average score) x average weight. Ties fall back to the fixed dimension order.
        candidates: list[tuple[float, int, str]] = []
        for name, mean in means.items():
            advice = FOCUS_ADVICE[name]
            if name == "coverage":
                if not top_missed:
                    continue
                advice = advice.format(missed="; ".join(top_missed))
            gain = (100.0 - mean) * weights[name]
            candidates.append((gain, DIMENSIONS.index(name), f"{advice} (average {_fmt(mean)}/100)"))
        delivery = self._delivery_focus(inp)
        if delivery:
            candidates.append(delivery)
        candidates.sort(key=lambda c: (-c[0], c[1]))
        areas = [text for _, _, text in candidates[:3]]
        # Always exactly three: a near-perfect session still gets its three smallest margins, and
        # a session without scores gets the generic first steps.
        for name in ("relevance", "structure", "specificity", "length", "coverage", "ideal_similarity"):
            if len(areas) >= 3:
                break
            fallback = FOCUS_ADVICE[name].format(missed="the points listed under each answer")
            if not any(a.startswith(fallback[:40]) for a in areas):
                areas.append(fallback)
        return areas[:3]

    @staticmethod
    def _delivery_focus(inp: FeedbackInput) -> tuple[float, int, str] | None:
        spoken = [a.delivery for a in inp.answers if a.delivery]
        if not spoken:
            return None
        wpms = [float(d["wpm"]) for d in spoken if isinstance(d.get("wpm"), int | float)]
        fillers = [float(d["fillers_per_min"]) for d in spoken if isinstance(d.get("fillers_per_min"), int | float)]
        lo, hi = WPM_BAND
        problems: list[str] = []
        # On the same scale as a dimension's potential gain (overall points): delivery does not
        # enter the score, but a pace or filler problem is usually worth 8-20 points of impression.
        badness = 0.0
        if wpms:
            wpm = _mean(wpms)
            if wpm < lo or wpm > hi:
                problems.append(f"average pace {wpm:.0f} words per minute (target {lo:.0f}-{hi:.0f})")
                badness = max(badness, min(20.0, 8.0 + abs(wpm - (lo if wpm < lo else hi)) / 5.0))
        if fillers:
            rate = _mean(fillers)
            if rate >= MAX_FILLERS_PER_MIN:
                problems.append(f"{rate:.1f} filler words per minute (target under {MAX_FILLERS_PER_MIN:.0f})")
                badness = max(badness, min(20.0, 8.0 + 2.0 * rate))
        if not problems:
            return None
        return (badness, len(DIMENSIONS), "Work on delivery: " + " and ".join(problems) + ".")
