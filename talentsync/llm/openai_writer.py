"""Feedback and follow-up refinement through an OpenAI-compatible chat-completions endpoint.

Used when ``OPENAI_API_KEY`` (or a compatible base URL) is configured; the offline writer in
``feedback.py`` is the default. The model is given the scores and explanations, never asked to
score: numbers in the report always come from the deterministic scorer.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import openai
from pydantic import ValidationError

from talentsync.llm.feedback import FeedbackInput, FeedbackReport

log = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 4000  # keeps a 20,000-character paste from blowing the context and the bill
MAX_FOLLOW_UP_CHARS = 300


class FeedbackWriterError(RuntimeError):
    """The model's reply could not be turned into a valid report (retrying may help)."""


FEEDBACK_SYSTEM_PROMPT = """\
You are an interview coach writing feedback on a mock interview. You receive each question, the
candidate's answer and the scores a deterministic scorer gave it (0-100 per dimension, with
explanations, covered and missed key points, and delivery measurements for spoken answers).
Do not re-score or contradict the numbers; explain them. Be specific: name missed key points,
quote numbers, and avoid generic praise. Delivery targets: 120-160 words per minute, fewer than
2 filler words per minute.
Reply with one JSON object and nothing else:
{"summary": string,
 "focus_areas": [string, string, string],          // exactly three, most important first
 "answers": [ {"strengths": [string], "improvements": [string],
               "stronger_answer_outline": [string]} ]  // one per answer, same order
}"""

REFINE_SYSTEM_PROMPT = """\
You help an interviewer ask a natural follow-up question. You receive the original question, the
candidate's answer and a follow-up template chosen for that answer. Rewrite the template so it
refers to what the candidate actually said, keeping its intent, in one short question. If the
template already fits, or the answer gives nothing to tailor it to, decline.
Reply with one JSON object and nothing else: {"follow_up": string or null}"""


def _answers_payload(inp: FeedbackInput) -> dict[str, Any]:
    answers = []
    for i, a in enumerate(inp.answers, start=1):
        answers.append(
            {
                "n": i,
                "question": a.question,
                "category": a.category,
                "answer": a.answer[:MAX_ANSWER_CHARS],
                "overall": a.score.overall,
                "percentile": a.percentile,
                "dimensions": {
                    name: {"score": d.score, "why": d.explanation}
                    for name, d in a.score.dimensions.items()
                    if d.weight > 0
                },
                "covered_key_points": [kp.point for kp in a.score.key_points if kp.status == "covered"],
                "partly_covered_key_points": [kp.point for kp in a.score.key_points if kp.status == "partly"],
                "missed_key_points": [kp.point for kp in a.score.key_points if kp.status == "missed"],
                "flags": a.score.flags,
                "delivery": a.delivery,
            }
        )
    return {
        "module": inp.module_name,
        "overall_score": inp.overall_score,
        "overall_percentile": inp.overall_percentile,
        "answers": answers,
    }


def _json_reply(completion: Any) -> dict[str, Any]:
    try:
        content = completion.choices[0].message.content
    except (AttributeError, IndexError) as exc:
        raise FeedbackWriterError("chat completion has no message content") from exc
    if not content:
        raise FeedbackWriterError("chat completion returned empty content")
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise FeedbackWriterError(f"model returned invalid JSON: {exc.msg} at char {exc.pos}") from exc
    if not isinstance(data, dict):
        raise FeedbackWriterError(f"model returned JSON {type(data).__name__}, expected an object")
    return data


class OpenAIFeedbackWriter:
    """Writes the report with a chat model in JSON mode, validated into ``FeedbackReport``."""

    def __init__(self, client: openai.OpenAI, model: str, *, temperature: float = 0.2) -> None:
        self._client = client
        self._model = model
        self._temperature = temperature

    def write(self, inp: FeedbackInput) -> FeedbackReport:
        completion = self._client.chat.completions.create(
            model=self._model,
            messages=[
                {"role": "system", "content": FEEDBACK_SYSTEM_PROMPT},
                {"role": "user", "content": json.dumps(_answers_payload(inp), ensure_ascii=False)},
            ],
            response_format={"type": "json_object"},
            temperature=self._temperature,
        )
        data = _json_reply(completion)
        # The writer name is ours to set, not the model's.
        data["writer"] = self._model
        try:
            report = FeedbackReport.model_validate(data)
        except ValidationError as exc:
            raise FeedbackWriterError(f"model reply does not match FeedbackReport: {exc}") from exc
        if len(report.answers) != len(inp.answers):
            raise FeedbackWriterError(
                f"model returned feedback for {len(report.answers)} answers, expected {len(inp.answers)}"
            )
        return report


class OpenAIFollowUpRefiner:
    """Tailors a retrieved follow-up template to the answer; declines (None) on any doubt.

    It runs inside follow-up retrieval, while the candidate waits for the next question (a 5 s
    activity). The template is always a valid question, so anything but a quick good reply (a bad
    or empty reply, a timeout, a refused key, a 5xx) keeps it: the error is logged, never raised,
    because an activity retry would repeat the wait. Give it a client with a short timeout and no
    retries of its own (``providers.build_refiner``).
    """

    def __init__(self, client: openai.OpenAI, model: str, *, temperature: float = 0.3) -> None:
        self._client = client
        self._model = model
        self._temperature = temperature

    def refine(self, question: str, answer: str, candidate: str) -> str | None:
        started = time.perf_counter()
        try:
            completion = self._request(question, answer, candidate)
        except openai.APIError as exc:  # timeouts, connection errors, 4xx/5xx
            log.warning(
                "follow-up refinement skipped, template kept: %s: %s",
                type(exc).__name__,
                exc,
                extra={"model": self._model, "elapsed_ms": round((time.perf_counter() - started) * 1000)},
            )
            return None
        return self._follow_up(completion)

    def _request(self, question: str, answer: str, candidate: str) -> Any:
        return self._client.chat.completions.create(
            model=self._model,
            messages=[
                {"role": "system", "content": REFINE_SYSTEM_PROMPT},
                {
                    "role": "user",
                    "content": json.dumps(
                        {
                            "question": question,
                            "answer": answer[:MAX_ANSWER_CHARS],
                            "follow_up_template": candidate,
                        },
                        ensure_ascii=False,
                    ),
                },
            ],
            response_format={"type": "json_object"},
            temperature=self._temperature,
        )

    def _follow_up(self, completion: Any) -> str | None:
        try:
            data = _json_reply(completion)
        except FeedbackWriterError as exc:
            log.warning("follow-up refinement declined: %s", exc, extra={"model": self._model})
            return None
        text = data.get("follow_up")
        if not isinstance(text, str):
            return None
        text = " ".join(text.split())
        if not text or len(text) > MAX_FOLLOW_UP_CHARS:
            return None
        return text
