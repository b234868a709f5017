"""A text interview through the API, the real workflow and worker, ending in a report."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import register, wait_report

pytestmark = pytest.mark.integration

STRONG = (
    "In my last role at Acme I led the migration of our payments service. The situation was that latency "
    "had grown to 900 ms at p95; my task was to bring it under 200 ms. I profiled the service, added a Redis "
    "cache, batched database writes and moved PDF generation to a queue. As a result p95 dropped to 140 ms, "
    "error rates fell by 60%, and we saved about $4,000 a month. I learned to measure before changing anything."
)


def _strong_for(question_text: str) -> str:
    """A strong answer to this very question: one of its pack's reference answers.

    The scorer judges whether an answer fits *this* question, so one story pasted into every
    question is (rightly) off topic for most of them.
    """
    from talentsync.packs import discover_packs

    for pack in discover_packs(include_entry_points=False):
        for pq in pack.questions:
            if pq.text == question_text:
                return (pq.reference_answers or [pq.ideal_answer])[0]
    return STRONG


def _module(api, headers, slug: str | None = None) -> dict:
    mods = api.get("/api/modules", headers=headers).json()
    return next(m for m in mods if slug is None or m["slug"] == slug)


def test_full_text_interview(api, stack):
    headers = register(api)
    module = _module(api, headers, "behavioral")
    r = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": 3}, headers=headers)
    assert r.status_code == 201, r.text
    sid, q = r.json()["id"], r.json()["question"]
    assert q["index"] == 0 and q["kind"] in ("core", "resume") and q["text"]

    # Not the current question -> 409; empty -> 422; too long -> 422. Nothing is recorded for them.
    assert (
        api.post(
            f"/api/sessions/{sid}/answers",
            json={"question_id": str(uuid.uuid4()), "text": "x"},
            headers=headers,
        ).status_code
        == 409
    )
    assert (
        api.post(
            f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": "   "}, headers=headers
        ).status_code
        == 422
    )
    long = api.post(
        f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": "word " * 5000}, headers=headers
    )
    assert long.status_code == 422 and "limit" in long.json()["detail"]

    # Someone else cannot see or answer this session.
    other = register(api)
    assert api.get(f"/api/sessions/{sid}", headers=other).status_code == 404
    assert (
        api.post(f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": "hi"}, headers=other).status_code
        == 404
    )

    asked = [q["id"]]
    answer = _strong_for(q["text"])
    first = api.post(f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": answer}, headers=headers)
    assert first.status_code == 200, first.text
    # A client retry of the same answer is answered once, with the same next question.
    retry = api.post(f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": answer}, headers=headers)
    assert retry.status_code == 200 and retry.json() == first.json()
    q = first.json()["question"]
    while q is not None:
        assert q["id"] not in asked
        asked.append(q["id"])
        nxt = api.post(
            f"/api/sessions/{sid}/answers",
            json={"question_id": q["id"], "text": _strong_for(q["text"])},
            headers=headers,
        )
        assert nxt.status_code == 200, nxt.text
        q = nxt.json()["question"]
    assert len(asked) == 3

    # The session no longer takes answers.
    late = api.post(
        f"/api/sessions/{sid}/answers",
        json={"question_id": asked[-1], "text": "one more thought"},
        headers=headers,
    )
    assert late.status_code == 409

    report = wait_report(api, headers, sid)
    assert report["session_id"] == sid and len(report["answers"]) == 3
    assert 0 < report["overall"]["score"] <= 100
    for a in report["answers"]:
        assert a["scores"]["key_points"], "each score explains itself"
        assert set(a["scores"]["dimensions"]) >= {
            "relevance",
            "coverage",
            "structure",
            "specificity",
            "length",
        }
        assert a["feedback"]["strengths"] or a["feedback"]["improvements"]
    assert len(report["focus_areas"]) == 3 and report["summary"]

    engine = create_engine(stack.database_url)
    with engine.connect() as c:
        n = c.execute(text("SELECT count(*) FROM responses WHERE session_id = :s"), {"s": sid}).scalar_one()
        status = c.execute(text("SELECT status FROM sessions WHERE id = :s"), {"s": sid}).scalar_one()
    engine.dispose()
    assert n == 3 and status == "completed"

    listing = api.get("/api/sessions", headers=headers).json()
    assert listing[0]["id"] == sid and listing[0]["overall_score"] is not None


def test_percentiles_rank_against_earlier_answers(api):
    module = None
    scores = []
    for answer in ("I don't know.", STRONG):
        headers = register(api)
        module = module or _module(api, headers, "behavioral")
        sid = api.post(
            "/api/sessions",
            json={"module_id": module["id"], "max_questions": 1},
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
        ).json()["id"]
        q = api.get(f"/api/sessions/{sid}", headers=headers).json()["question"]
        text = _strong_for(q["text"]) if answer == STRONG else answer
        api.post(f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": text}, headers=headers)
        scores.append(wait_report(api, headers, sid))
    weak, strong = scores
    assert strong["overall"]["score"] > weak["overall"]["score"]
    assert strong["overall"]["percentile"] is not None and strong["overall"]["population"] >= 1


def test_double_click_start_returns_the_same_session(api):
    headers = {**register(api), "Idempotency-Key": "start-" + uuid.uuid4().hex}
    module = _module(api, headers)
    a = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": 2}, headers=headers)
    b = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": 2}, headers=headers)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] == b.json()["id"] and a.json()["question"] == b.json()["question"]


def test_skip_and_end_early(api):
    headers = register(api)
    module = _module(api, headers, "system-design")
    start = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": 5}, headers=headers).json()
    sid, q = start["id"], start["question"]
    skipped = api.post(f"/api/sessions/{sid}/skip", json={"question_id": q["id"]}, headers=headers)
    assert skipped.status_code == 200 and skipped.json()["question"]["index"] == 1
    q = skipped.json()["question"]
    assert (
        api.post(
            f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": STRONG}, headers=headers
        ).status_code
        == 200
    )
    assert api.post(f"/api/sessions/{sid}/end", headers=headers).status_code == 202
    report = wait_report(api, headers, sid)
    # The skipped question is listed as skipped (not silently dropped), then the answered one.
    assert [a.get("skipped", False) for a in report["answers"]] == [True, False]
    assert report["answers"][0]["scores"] is None and report["answers"][1]["scores"] is not None


def test_bad_session_requests(api):
    headers = register(api)
    assert api.post("/api/sessions", json={"module_id": 999999}, headers=headers).status_code == 404
    assert api.post("/api/sessions", json={"module_id": 1, "max_questions": 0}, headers=headers).status_code == 422
    assert api.get("/api/sessions/not-a-uuid", headers=headers).status_code == 404
    assert api.get(f"/api/sessions/{uuid.uuid4()}/report", headers=headers).status_code == 404
    assert (
        api.post("/api/sessions", json={"module_id": 1, "resume_id": str(uuid.uuid4())}, headers=headers).status_code
        == 404
    )
