"""Feedback writers: the offline one on real scores (real MiniLM), the OpenAI one against a fake
chat-completions server on 127.0.0.1 (tests/fakes/openai_server.py) driven by the real ``openai`` SDK."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from talentsync.config import Settings
from talentsync.embeddings import default_embedder
from talentsync.llm.feedback import (
    AnswerForFeedback,
    FeedbackInput,
    FeedbackReport,
    OfflineFeedbackWriter,
    OfflineFollowUpRefiner,
)
from talentsync.llm.openai_writer import FeedbackWriterError, OpenAIFeedbackWriter, OpenAIFollowUpRefiner
from talentsync.providers import build_refiner
from talentsync.scoring import score_answer
from tests.fakes.openai_server import FakeChatCompletions, fake_openai_server
from tests.unit import scoring_data

# Short names for real questions and held-out answers (bench/eval/scoring).
SOURCES = {
    "behavioral-deadline": "behavioral-incident-ownership",
    "technical-idempotency": "backend-idempotent-api",
    "system-design-feed": "sysdesign-rate-limiter",
    "product-engagement-drop": "product-management-metric-drop",
}


@pytest.fixture(scope="module")
def scored() -> dict[str, AnswerForFeedback]:
    """Real scores for a few answers, keyed '<name>/<strong|weak>'."""
    embedder = default_embedder()
    out = {}
    for name, slug in SOURCES.items():
        q = scoring_data.question(slug)
        for kind in ("strong", "weak"):
            text = scoring_data.answer(f"{slug}-{kind}-1")
            out[f"{name}/{kind}"] = AnswerForFeedback(
                question=q.text, category=q.category, answer=text, score=score_answer(q, text, embedder)
            )
    empty_q = scoring_data.question("data-science-ml-production-monitoring")
    out["ml-drift/empty"] = AnswerForFeedback(
        question=empty_q.text, category=empty_q.category, answer="", score=score_answer(empty_q, "", embedder)
    )
    return out


def _session(scored: dict[str, AnswerForFeedback], keys: list[str], **extra: Any) -> FeedbackInput:
    answers = [scored[k] for k in keys]
    overall = sum(a.score.overall for a in answers) / len(answers)
    return FeedbackInput(module_name="Backend Python", answers=answers, overall_score=overall, **extra)


# --- offline writer ---------------------------------------------------------------------------


def test_offline_report_is_deterministic_and_ordered(scored):
    inp = _session(
        scored,
        ["technical-idempotency/weak", "behavioral-deadline/strong", "system-design-feed/weak"],
        overall_percentile=42.0,
    )
    first = OfflineFeedbackWriter().write(inp)
    second = OfflineFeedbackWriter().write(FeedbackInput.model_validate_json(inp.model_dump_json()))
    assert first == second
    assert first.writer == "offline"
    assert len(first.answers) == 3
    assert len(first.focus_areas) == 3 and len(set(first.focus_areas)) == 3
    assert "Backend Python" in first.summary and "42%" in first.summary
    # The summary points at the actual best and weakest answers.
    assert "Best answer: question 2" in first.summary


def test_offline_names_missed_key_points_and_weakest_dimension(scored):
    item = scored["technical-idempotency/weak"]
    report = OfflineFeedbackWriter().write(_session(scored, ["technical-idempotency/weak"]))
    improvements = " ".join(report.answers[0].improvements)
    missed = [kp.point for kp in item.score.key_points if not kp.covered]
    assert missed, "the weak answer should miss listening points"
    for point in missed:
        assert point in improvements
    weakest = min((d for d in item.score.dimensions.values() if d.name != "coverage"), key=lambda d: d.score)
    assert f"({weakest.score:.0f}/100)" in improvements
    # Missed points also drive a focus area for a one-answer session.
    assert any(missed[0] in area for area in report.focus_areas)


def test_strong_answer_gets_strengths_from_its_scores(scored):
    item = scored["system-design-feed/strong"]
    report = OfflineFeedbackWriter().write(_session(scored, ["system-design-feed/strong"]))
    fb = report.answers[0]
    covered = [kp.point for kp in item.score.key_points if kp.covered]
    assert covered and any(covered[0] in s for s in fb.strengths)
    assert not any("Missed key points" in s for s in fb.improvements) or len(covered) < len(item.score.key_points)


def test_outline_uses_star_for_behavioral_and_key_points_elsewhere(scored):
    report = OfflineFeedbackWriter().write(_session(scored, ["behavioral-deadline/weak", "system-design-feed/weak"]))
    star = report.answers[0].stronger_answer_outline
    assert star[0].startswith("Situation:") and star[1].startswith("Task:") and star[-1].startswith("Result:")
    for kp in scored["behavioral-deadline/weak"].score.key_points:
        assert any(kp.point in line for line in star)
    design = report.answers[1].stronger_answer_outline
    assert "requirements" in design[1].lower()
    for kp in scored["system-design-feed/weak"].score.key_points:
        assert any(kp.point in line for line in design)
    assert any("(add this)" in line for line in design)


def test_delivery_numbers_compared_with_target_bands(scored):
    fast = scored["product-engagement-drop/strong"].model_copy(
        update={"delivery": {"wpm": 191.4, "fillers_per_min": 4.25, "long_pauses": 5}}
    )
    calm = scored["technical-idempotency/strong"].model_copy(
        update={"delivery": {"wpm": 138.0, "fillers_per_min": 0.8, "long_pauses": 0}}
    )
    inp = FeedbackInput(module_name="Product", answers=[fast, calm], overall_score=70.0)
    report = OfflineFeedbackWriter().write(inp)
    fast_text = " ".join(report.answers[0].improvements)
    assert "191 words per minute" in fast_text and "120-160" in fast_text
    assert "4.2 filler words per minute" in fast_text or "4.3 filler words per minute" in fast_text
    assert "5 long pauses" in fast_text
    calm_text = " ".join(report.answers[1].strengths)
    assert "138 words per minute" in calm_text and "0.8" in calm_text
    assert any(area.startswith("Work on delivery") for area in report.focus_areas)


@pytest.mark.parametrize(
    "keys",
    [
        ["ml-drift/empty"],
        ["system-design-feed/strong"],
        ["system-design-feed/strong", "technical-idempotency/strong"],
        ["behavioral-deadline/weak", "technical-idempotency/weak", "product-engagement-drop/weak", "ml-drift/empty"],
    ],
)
def test_always_exactly_three_focus_areas(scored, keys):
    report = OfflineFeedbackWriter().write(_session(scored, keys))
    assert len(report.focus_areas) == 3
    assert len(set(report.focus_areas)) == 3
    assert len(report.answers) == len(keys)
    for fb in report.answers:
        assert fb.strengths and fb.improvements and fb.stronger_answer_outline


def test_empty_answer_feedback_is_honest(scored):
    report = OfflineFeedbackWriter().write(_session(scored, ["ml-drift/empty"]))
    fb = report.answers[0]
    assert "No answer was recorded" in fb.improvements[0]
    assert all("Strength," not in s for s in fb.strengths)


def test_offline_follow_up_refiner_keeps_the_template():
    assert OfflineFollowUpRefiner().refine("q", "a", "How did you measure it?") is None


# --- OpenAI-compatible writer against a fake chat-completions server ------------------------------


@pytest.fixture
def fake_openai() -> Iterator[FakeChatCompletions]:
    with fake_openai_server() as fake:
        yield fake


def _valid_reply(n_answers: int) -> str:
    return json.dumps(
        {
            "summary": "Solid technical depth; behavioural stories need results.",
            "focus_areas": ["Quantify results", "Cover retries", "Use STAR"],
            "answers": [
                {"strengths": ["Clear"], "improvements": ["Add numbers"], "stronger_answer_outline": ["Open", "Close"]}
            ]
            * n_answers,
            "writer": "model-claims-this",
        }
    )


def test_openai_writer_sends_json_mode_request_and_validates(fake_openai, scored):
    inp = _session(scored, ["technical-idempotency/weak", "behavioral-deadline/strong"])
    fake_openai.replies.append(_valid_reply(2))
    report = OpenAIFeedbackWriter(fake_openai.client(), "gpt-4o-mini").write(inp)
    assert isinstance(report, FeedbackReport)
    assert report.writer == "gpt-4o-mini"  # ours, not whatever the model claimed
    assert report.focus_areas == ["Quantify results", "Cover retries", "Use STAR"]

    (request,) = fake_openai.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer test"
    body = request["body"]
    assert body["model"] == "gpt-4o-mini"
    assert body["response_format"] == {"type": "json_object"}
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "JSON" in body["messages"][0]["content"]
    payload = json.loads(body["messages"][1]["content"])
    assert payload["module"] == "Backend Python"
    first = payload["answers"][0]
    missed = [kp.point for kp in scored["technical-idempotency/weak"].score.key_points if not kp.covered]
    assert first["missed_key_points"] == missed
    assert (
        first["dimensions"]["coverage"]["score"]
        == scored["technical-idempotency/weak"].score.dimensions["coverage"].score
    )


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ("Sure! Here is your feedback: great job.", "invalid JSON"),
        ('{"summary": "x", "focus_areas": ["a", "b"], "answers": []}', "does not match FeedbackReport"),
        ("[1, 2, 3]", "expected an object"),
    ],
)
def test_openai_writer_rejects_bad_replies(fake_openai, scored, reply, message):
    fake_openai.replies.append(reply)
    with pytest.raises(FeedbackWriterError, match=message):
        OpenAIFeedbackWriter(fake_openai.client(), "m").write(_session(scored, ["technical-idempotency/weak"]))


def test_openai_writer_rejects_wrong_answer_count(fake_openai, scored):
    fake_openai.replies.append(_valid_reply(1))
    with pytest.raises(FeedbackWriterError, match="expected 2"):
        OpenAIFeedbackWriter(fake_openai.client(), "m").write(
            _session(scored, ["technical-idempotency/weak", "behavioral-deadline/strong"])
        )


def test_openai_follow_up_refiner(fake_openai):
    refiner = OpenAIFollowUpRefiner(fake_openai.client(), "m")
    fake_openai.replies += [
        json.dumps({"follow_up": "  How did you choose   the five-minute polling interval? "}),
        json.dumps({"follow_up": None}),
        "not json at all",
    ]
    args = ("How did you hit the deadline?", "We polled every five minutes.", "Why that design?")
    assert refiner.refine(*args) == "How did you choose the five-minute polling interval?"
    assert refiner.refine(*args) is None
    assert refiner.refine(*args) is None  # bad output: keep the template
    sent = json.loads(fake_openai.requests[0]["body"]["messages"][1]["content"])
    assert sent == {
        "question": args[0],
        "answer": args[1],
        "follow_up_template": args[2],
    }
    assert fake_openai.requests[0]["body"]["response_format"] == {"type": "json_object"}


# --- follow-up refinement inside the retrieval time budget ---------------------------------------

REFINE_ARGS = ("How did you hit the deadline?", "We polled every five minutes.", "Why that design?")


def _refiner_settings(fake: FakeChatCompletions, **extra: Any) -> Settings:
    return Settings(_env_file=None, openai_api_key=fake.api_key, openai_base_url=fake.base_url, **extra)  # type: ignore[call-arg]


def test_refiner_gives_up_on_a_slow_model_within_its_own_timeout(fake_openai, caplog):
    """The default 2.5 s (one try, no SDK retries) fits the 5 s retrieval activity; the template is kept."""
    fake_openai.delay = 3.5
    fake_openai.replies.append(json.dumps({"follow_up": "too late"}))
    refiner = build_refiner(_refiner_settings(fake_openai))
    started = time.perf_counter()
    assert refiner.refine(*REFINE_ARGS) is None
    elapsed = time.perf_counter() - started
    assert 2.4 < elapsed < 3.2, elapsed
    assert len(fake_openai.requests) == 1  # max_retries=0: a retry would double the wait
    assert "template kept: APITimeoutError" in caplog.text


def test_refiner_timeout_is_a_setting(fake_openai):
    fake_openai.delay = 1.5
    fake_openai.replies.append(json.dumps({"follow_up": "too late"}))
    refiner = build_refiner(_refiner_settings(fake_openai, openai_refine_timeout_seconds=0.3))
    started = time.perf_counter()
    assert refiner.refine(*REFINE_ARGS) is None
    assert time.perf_counter() - started < 1.0
    # A quick reply within the budget is used.
    fake_openai.delay = 0.0
    fake_openai.replies.append(json.dumps({"follow_up": "Why poll every five minutes?"}))
    assert refiner.refine(*REFINE_ARGS) == "Why poll every five minutes?"


@pytest.mark.parametrize("status", [401, 429, 500, 503])
def test_refiner_errors_keep_the_template(fake_openai, caplog, status):
    fake_openai.fail_next(status)
    refiner = build_refiner(_refiner_settings(fake_openai))
    assert refiner.refine(*REFINE_ARGS) is None
    assert len(fake_openai.requests) == 1
    assert f"Error code: {status}" in caplog.text


def test_refiner_keeps_the_template_when_the_server_is_gone():
    with fake_openai_server() as gone:
        settings = _refiner_settings(gone)
    assert build_refiner(settings).refine(*REFINE_ARGS) is None
