"""The answer scorer against the real bundled MiniLM, the real packs and the held-out answers.

The evaluation set (bench/eval/scoring) was written and hand-labelled by an outside grader blind to
the scorer; bench/scoring_eval.py measures it leave-one-module-out. Here a subset is scored with the
shipped model and held above thresholds, so a regression fails CI.
"""

from __future__ import annotations

import time

import pytest

from talentsync.embeddings import default_embedder
from talentsync.scoring import DIMENSIONS, SCORER_VERSION, QuestionForScoring, score_answer
from talentsync.scoring.references import CACHE
from tests.unit import scoring_data
from tests.unit.scoring_data import scoring_eval
from tests.unit.scoring_triples import TRIPLES

SUBSET = ["behavioral", "backend-python", "product-management", "system-design"]


@pytest.fixture(scope="module")
def embedder():
    return default_embedder()


@pytest.fixture(scope="module")
def evaluated(embedder):
    packs, items = scoring_eval.load_items(SUBSET)
    scoring_eval.score_all(packs, items, embedder)
    return scoring_eval.metrics(packs, items)


def test_eval_subset_ordering_and_off_topic(evaluated):
    # Measured in-sample on this subset with listen-v6: ordering 0.969 (0.9625 with -v5), off-topic recall 0.90 (36/40)
    # with 2 % false flags. Stories are now called off topic only on a clear margin, which traded
    # two behavioral recalls for fewer false flags; the bounds sit just below the measurement so
    # that a one-answer float difference on another CPU does not fail CI (the aims are measured on
    # the full sets by bench/scoring_eval.py and bench/scoring_holdout.py).
    assert evaluated["ordering"]["accuracy"] >= 0.95, evaluated["misordered"]
    assert evaluated["off_topic"]["recall"] >= 0.87
    assert evaluated["off_topic"]["false_flag_rate"] <= 0.05


def test_eval_subset_listening_points(evaluated):
    kp = evaluated["key_points"]
    assert kp["precision"] >= 0.75 and kp["recall"] >= 0.55, kp
    share = evaluated["credit_share"]
    assert share["strong"] >= 0.7 and share["off_topic"] <= 0.15, share


def test_eval_subset_gaming_is_rare_and_reciting_never_pays(evaluated):
    gaming = evaluated["gaming"]
    # Measured 0.01 in-sample on this subset with listen-v6 (0.025 with -v5, 0.06 with -v4); the full sets'
    # figures are in bench/results/scoring_eval.json and scoring_holdout*.json.
    assert gaming["rate"] <= 0.05, gaming
    assert gaming["by_kind"]["pasted_points"].startswith("0/"), gaming


def test_same_answer_same_score_warm_or_cold(embedder):
    q = scoring_data.question("backend-idempotent-api")
    text = scoring_data.answer("backend-idempotent-api-strong-1")
    first = score_answer(q, text, embedder)
    CACHE._by_embedder.clear()  # cold reference cache: must compute the very same vectors
    second = score_answer(q, text, embedder)
    assert first.model_dump() == second.model_dump()
    assert first.scorer_version == SCORER_VERSION


def test_negated_evidence_is_not_credited(embedder):
    q = scoring_data.question("backend-async-blocking")
    positive = (
        "Calling requests.get inside an async def blocks the whole event loop, so every other request on that "
        "worker waits until the call returns. I would switch to httpx.AsyncClient and await it."
    )
    negated = (
        "I don't think calling requests.get inside an async def really blocks the event loop or matters for "
        "other requests; honestly I don't bother switching to an async client, it looks fine to me."
    )
    pos = score_answer(q, positive, embedder)
    neg = score_answer(q, negated, embedder)
    assert sum(k.status == "covered" for k in neg.key_points) < sum(k.status == "covered" for k in pos.key_points)
    assert neg.overall < pos.overall
    assert any(k.note == "negated" for k in neg.key_points if k.evidence)


def test_off_topic_answer_names_the_question_it_answers(embedder):
    q = scoring_data.question("sysdesign-rate-limiter")
    other = scoring_data.answer("sysdesign-ticket-booking-strong-1")
    s = score_answer(q, other, embedder)
    assert "off_topic" in s.flags
    assert s.seems_to_answer and "ticket" in s.seems_to_answer.lower()
    assert "fits another question better" in s.dimensions["relevance"].explanation


def test_reciting_listening_points_earns_nothing(embedder):
    q = scoring_data.question("behavioral-incident-ownership")
    pasted = "\n".join(f"- {k.point}" for k in q.key_points)
    s = score_answer(q, pasted, embedder)
    assert s.overall < 5 and "recites_rubric" in s.flags


def test_result_shape_and_weights(embedder):
    q = scoring_data.question("behavioral-influence")
    s = score_answer(q, scoring_data.answer("behavioral-influence-strong-1"), embedder)
    assert set(s.dimensions) == set(DIMENSIONS)
    assert abs(sum(d.weight for d in s.dimensions.values()) - 1.0) < 1e-3
    assert all(0 <= d.score <= 100 and d.explanation.endswith(".") for d in s.dimensions.values())
    assert [k.point for k in s.key_points] == [k.point for k in q.key_points]
    for k in s.key_points:
        assert k.status in ("covered", "partly", "missed")
        assert (k.status == "covered") == k.covered
        if k.status == "covered":
            assert k.evidence


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_answer_scores_zero(embedder, text):
    s = score_answer(scoring_data.question("backend-memory-leak"), text, embedder)
    assert s.overall == 0 and s.flags == ["empty"]
    assert all(k.status == "missed" for k in s.key_points)


def test_very_long_answer_is_bounded_and_flagged(embedder):
    q = scoring_data.question("backend-memory-leak")
    text = " ".join([scoring_data.answer("backend-memory-leak-strong-1")] * 12)
    t0 = time.perf_counter()
    s = score_answer(q, text, embedder)
    assert time.perf_counter() - t0 < 30  # generous: a hang, not a speed goal (those live in bench/)
    assert "truncated" in s.flags and "repetitive" in s.flags


def test_an_answer_that_opens_near_the_question_is_not_an_echo(embedder):
    q = scoring_data.question("backend-idempotent-api")
    answer = (
        "You want the charge endpoint to be idempotent, so that a retry never charges twice.\n"
        "I'd check whether the charge already happened before doing it again, and wrap the\n"
        "check and the insert in one transaction. I'd also return clear errors and log retries."
    )
    echo = (
        "So the question is how to make a POST endpoint that charges a customer safe to retry.\n"
        "So we have a POST endpoint that charges a customer, and it has to be safe to retry.\n"
        "The problem is really about retries and a charging endpoint, and making that POST safe."
    )
    assert "echoes_question" not in score_answer(q, answer, embedder).flags
    restated = score_answer(q, echo, embedder)
    assert "echoes_question" in restated.flags and restated.overall < 10


def test_padding_a_weak_answer_never_raises_it(embedder):
    q = scoring_data.question("backend-idempotent-api")
    weak = (
        "I'd check whether the charge already happened before doing it again, and use a transaction so it's safe. "
        "Also good error handling so the client knows whether it worked, and some logging."
    )
    filler = (
        "This is a really important question, because payments are really important and getting them wrong is "
        "really bad for the business. Idempotent means calling it again has the same effect, which is really "
        "important. So it's really something you want to get right, and I think it's really important. "
    )
    plain = score_answer(q, weak, embedder)
    padded = score_answer(q, filler * 4 + weak + " " + filler * 3, embedder)
    assert padded.overall <= plain.overall
    assert "padded" in padded.flags


def test_a_detailed_story_is_not_called_padded(embedder):
    # A strong story whose listening points the scorer does not see (it credits 1 of 5 partly) is long
    # and looks thin; listen-v5 flagged it padded and cut it to 6.5, below both weak answers (15.0).
    # Its figures and names say it is a real story, so it is not told it pads.
    q = scoring_data.question("frontend-react-production-bug")
    story = score_answer(q, scoring_data.answer("frontend-react-production-bug-strong-2"), embedder)
    assert "padded" not in story.flags, (story.overall, story.flags)


def test_padding_that_brushes_past_listening_points_is_still_padding(embedder, monkeypatch):
    # A weak RAG-evaluation answer stretched with filler brushes past enough listening points for full
    # substance (59 of 100), so the density rule never calls it thin: 69.2 against weak answers near 15-19.
    # About a third of its words make no concrete claim, and that alone makes it padding.
    from talentsync.scoring import scorer

    q = scoring_data.question("data-science-ml-rag-evaluation")
    text = scoring_data.answer("data-science-ml-rag-evaluation-padded-1")
    with_rule = score_answer(q, text, embedder)
    monkeypatch.setattr(scorer, "FILLER_LO", 2.0)  # claim-free shares never reach 2: the rule is off
    monkeypatch.setattr(scorer, "FILLER_HI", 3.0)
    without = score_answer(q, text, embedder)
    assert "padded" in with_rule.flags and "padded" not in without.flags, (with_rule.flags, without.flags)
    assert with_rule.overall < 0.5 * without.overall, (with_rule.overall, without.overall)
    # The report says what padding cost: the overall plus that is the weighted sum of the dimensions.
    weighted = sum(d.score * d.weight for d in with_rule.dimensions.values())
    assert with_rule.padding_cost > 20 and abs(with_rule.overall + with_rule.padding_cost - weighted) <= 0.15
    assert without.padding_cost == 0.0


def test_concreteness_counts_figures_and_half_the_names():
    from talentsync.scoring.form import concreteness

    assert concreteness(["It is really important and we all care about it a lot."]) == 0.0
    # Two figures ("40%", "three") and one name ("Stripe") in 20 words: (2 + 0.5) per 20 words.
    story = (
        "Checkout failures rose 40% after the Stripe upgrade, so I rolled it back within three minutes "
        "and paged the team."
    )
    assert concreteness([story]) == pytest.approx(100 * 2.5 / 20)


def test_a_few_on_topic_words_cannot_score_high(embedder):
    s = score_answer(scoring_data.question("backend-async-blocking"), "Event loop blocked. Use httpx.", embedder)
    assert s.overall < 40


# Content-style points without examples (resume questions and rows from before listening points)
# still work: the previous round's technical triples, whose points state content.
CONTENT_TRIPLES = [t for t in TRIPLES if t["question"]["category"] in ("technical", "system_design", "ml")]


@pytest.mark.parametrize("triple", CONTENT_TRIPLES, ids=[t["id"] for t in CONTENT_TRIPLES])
def test_points_without_examples_still_separate_strong_from_weak(embedder, triple):
    q = QuestionForScoring(**triple["question"])
    strong = score_answer(q, triple["strong"], embedder)
    weak = score_answer(q, triple["weak"], embedder)
    assert strong.overall >= weak.overall + 30, (strong.overall, weak.overall)

    # Credit as the coverage score counts it: the listen-v4 and -v5 models calls most content points of these
    # strong answers "partly" rather than "covered" (it is stricter without examples), none "missed".
    def credit(score):
        return sum(1.0 if k.status == "covered" else 0.5 if k.status == "partly" else 0.0 for k in score.key_points)

    assert credit(strong) >= credit(weak) + 2, (
        [k.status for k in strong.key_points],
        [k.status for k in weak.key_points],
    )


def test_talk_about_the_question_is_not_an_answer(embedder):
    q = scoring_data.question("backend-idempotent-api")
    meta = (
        "That's a great question, and one every backend engineer meets sooner or later. "
        "I think it's really asking whether I understand what can go wrong when a client sends the same request twice. "
        "What you're asking, basically, is how I'd keep a customer's money safe when the network misbehaves."
    )
    s = score_answer(q, meta, embedder)
    assert "echoes_question" in s.flags and s.overall < 10, (s.overall, s.flags)


def test_claim_model_tells_fluff_from_a_thin_genuine_sentence(embedder):
    from talentsync.scoring.claim_model import CLAIM_MODEL
    from talentsync.scoring.references import embed_unit

    sentences = [
        "Great teams understand that trust and openness are the foundation of everything they build together.",
        "I'd put a counter per user in Redis and reject the request once it passes a hundred a minute.",
    ]
    free = CLAIM_MODEL.claim_free(embed_unit(embedder, sentences))
    assert free is not None and free.tolist() == [True, False]
    # Vectors of another embedder (another dimension) are not guessed at.
    assert CLAIM_MODEL.claim_free(embed_unit(embedder, sentences)[:, :100]) is None


def test_confident_fluff_scores_below_a_thin_genuine_attempt(embedder):
    from talentsync.scoring.claims import ClaimModel

    q = scoring_data.question("sysdesign-rate-limiter")
    thin = (
        "I'd probably just use a library for it, something that counts how many calls each customer makes and "
        "blocks them if they go over. We'd set the limit in a config file and change it when people complain."
    )
    fluff = (
        "When I think about limiting API requests per customer, I always come back to the same principles: "
        "fairness, clarity and resilience. Customers deserve limits they can understand and rely on, and the "
        "platform deserves protection from anyone who overwhelms it. The right design balances both, evolves as "
        "usage grows, and is owned by the whole team. Getting that balance right is what separates a great API "
        "from a merely good one."
    )
    genuine = score_answer(q, thin, embedder)
    confident = score_answer(q, fluff, embedder)
    assert confident.overall < genuine.overall, (confident.overall, genuine.overall)
    assert "no_claims" in confident.flags and "no_claims" not in genuine.flags
    # Both show nothing the interviewer listens for; on topic alone, the fluff would not lose.
    blind = ClaimModel(weights=(-10.0,) + (0.0,) * 384)
    assert score_answer(q, fluff, embedder, claims=blind).overall >= genuine.overall
