"""Every sentence of the offline feedback is checked against the score it was written from.

Scores come from the real scorer on held-out answers of every kind (strong, weak, off-topic,
gaming), so the claims are checked on the answers that used to produce contradictions
("Length 0 — 136 words is within the range"; "the best was staying on the question (0/100)").
"""

from __future__ import annotations

import re

import pytest

from talentsync.embeddings import default_embedder
from talentsync.llm.feedback import (
    DIMENSION_LABELS,
    STRENGTH_AT,
    WEAK_AT,
    AnswerForFeedback,
    FeedbackInput,
    OfflineFeedbackWriter,
)
from tests.unit.scoring_data import scoring_eval

LABEL_TO_DIM = {v: k for k, v in DIMENSION_LABELS.items()}


@pytest.fixture(scope="module")
def cases():
    embedder = default_embedder()
    packs, items = scoring_eval.load_items(["backend-python", "behavioral"])
    scoring_eval.score_all(packs, items, embedder)
    out = []
    for it in items:
        q = scoring_eval._question(packs, it.module, it.slug)
        out.append(AnswerForFeedback(question=q.text, category=q.category, answer=it.text, score=it.score))
    return out


def _dim_claims(sentence: str):  # type: ignore[no-untyped-def]
    for m in re.finditer(r"(Strength|Weakest area|the highest was),? ([a-z ()/,]+?) \((\d+)/100\)", sentence):
        yield m.group(1), LABEL_TO_DIM[m.group(2).strip()], int(m.group(3))


def test_every_claim_matches_the_scores(cases):
    report = OfflineFeedbackWriter().write(
        FeedbackInput(
            module_name="Mixed", answers=cases, overall_score=sum(c.score.overall for c in cases) / len(cases)
        )
    )
    checked = 0
    for item, fb in zip(cases, report.answers, strict=True):
        score = item.score
        status = {k.point: k.status for k in score.key_points}
        for sentence in [*fb.strengths, *fb.improvements]:
            for kind, dim, value in _dim_claims(sentence):
                d = score.dimensions[dim]
                assert value == round(d.score), (sentence, d.score)
                if kind == "Strength":
                    assert d.score >= STRENGTH_AT and d.explanation in sentence
                elif kind == "Weakest area":
                    assert d.score < WEAK_AT and d.explanation in sentence
                else:
                    assert d.score > 0  # never "the highest was X (0/100)"
                checked += 1
            for prefix, want in (
                ("You gave clear evidence for: ", "covered"),
                ("Touched on but not shown clearly: ", "partly"),
                ("Missed listening points: ", "missed"),
            ):
                if sentence.startswith(prefix):
                    named = sentence[len(prefix) : -1].split("; ")
                    assert sorted(named) == sorted(p for p, s in status.items() if s == want), sentence
                    checked += 1
            if "seems to answer a different question" in sentence or "did not address this question" in sentence:
                assert "off_topic" in score.flags
                checked += 1
            cost = re.search(r"which cost (\d+) points of the overall", sentence)
            if cost is not None:
                assert "padded" in score.flags and int(cost.group(1)) == round(score.padding_cost), sentence
                checked += 1
        # Dimension explanations agree with their own numbers.
        for d in score.dimensions.values():
            if "counted at 0%" in d.explanation:
                assert d.score == 0
            m = re.search(r"counted at (\d+)%", d.explanation)
            if m is None and "within the" in d.explanation and d.name == "length":
                assert d.score == 100, d
            if d.name == "relevance" and d.explanation.startswith("The answer addresses this question"):
                assert d.score >= 75
        if "off_topic" in score.flags:
            assert not any("addresses this question" in s for s in fb.strengths)
        # The overall is the weighted sum of the dimensions shown, less what padding cost.
        weighted = sum(d.score * d.weight for d in score.dimensions.values())
        assert abs(score.overall + score.padding_cost - min(100.0, weighted)) <= 0.15, (score.overall, weighted)
        # Padding that cost more than a quarter is always named.
        assert "padded" in score.flags or score.padding_cost <= 25, score
    assert checked > 100


def test_summary_numbers_match(cases):
    inp = FeedbackInput(module_name="Mixed", answers=cases[:11], overall_score=61.0, overall_percentile=37.0)
    summary = OfflineFeedbackWriter().write(inp).summary
    assert "61/100 overall" in summary and "higher than 37%" in summary
    m = re.search(r"Listening points shown clearly: (\d+) of (\d+)", summary)
    assert m is not None
    covered = sum(k.status == "covered" for a in inp.answers for k in a.score.key_points)
    total = sum(len(a.score.key_points) for a in inp.answers)
    assert (int(m.group(1)), int(m.group(2))) == (covered, total)
    best = max(range(len(inp.answers)), key=lambda i: (inp.answers[i].score.overall, -i))
    assert f"Best answer: question {best + 1} ({inp.answers[best].score.overall:.0f})" in summary


def test_feedback_sees_the_flags_stored_with_a_score():
    # The feedback activity rebuilds each score from its row; without the flags it could never
    # advise on an off-topic or padded answer in a real session, only in tests like the one above.
    from activities.feedback import score_from_row
    from talentsync.db.models import Score

    row = Score(
        overall=20.0,
        dimensions={},
        key_points=[],
        word_count=300,
        scorer_version="listen-v6",
        flags=["padded", "off_topic"],
        seems_to_answer="How do you scale a web app?",
        padding_cost=31.5,
    )
    score = score_from_row(row)
    assert score.flags == ["padded", "off_topic"]
    assert score.seems_to_answer == "How do you scale a web app?" and score.padding_cost == 31.5
