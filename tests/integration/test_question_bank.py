"""Staff question-bank writes start the embedding-sync workflow; follow-ups become retrievable."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import register

pytestmark = pytest.mark.integration


def _admin(api, stack) -> dict[str, str]:
    s = stack.settings()
    tok = api.post(
        "/api/auth/token",
        data={"username": s.first_admin_email, "password": s.first_admin_password.get_secret_value()},
    )
    return {"Authorization": f"Bearer {tok.json()['access_token']}"}


def _vectors(stack, question_id: int) -> dict[str, set[str]]:
    engine = create_engine(stack.database_url)
    out: dict[str, set[str]] = {}
    with engine.connect() as c:
        for table in ("vec_questions", "vec_followups", "vec_ideal_answers"):
            rows = c.execute(
                text(f"SELECT id FROM {table} WHERE metadata @> CAST(:f AS jsonb)"),
                {"f": f'{{"question_id": {question_id}}}'},
            )
            out[table] = {r.id for r in rows}
    engine.dispose()
    return out


def _wait(predicate, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_create_and_update_question_syncs_vectors(api, stack):
    headers = _admin(api, stack)
    module = api.get("/api/modules", headers=headers).json()[0]
    body = {
        "module_id": module["id"],
        "text": "Tell me about a time you had to learn a new technology quickly.",
        "category": "behavioral",
        "difficulty": 1,
        "ideal_answer": "At my last job I learned Kubernetes in two weeks by building a staging cluster...",
        "key_points": ["concrete deadline", "learning method", "result"],
        "keywords": ["Kubernetes", "documentation", "mentor"],
        "follow_ups": [
            {"text": "How did you check you had really understood it?", "trigger": "learning plan, studying"},
            {"text": "Who did you ask for help?", "trigger": "mentors, colleagues helping"},
        ],
    }
    created = api.post("/api/questions", json=body, headers=headers)
    assert created.status_code == 201, created.text
    qid = created.json()["id"]
    _wait(lambda: len(_vectors(stack, qid)["vec_followups"]) == 2)
    vecs = _vectors(stack, qid)
    assert vecs["vec_questions"] == {f"q-{qid}"} and vecs["vec_ideal_answers"] == {f"ia-{qid}"}

    body["follow_ups"] = body["follow_ups"][:1]
    body["text"] = "Tell me about a time you had to learn a new tool under time pressure."
    updated = api.put(f"/api/questions/{qid}", json=body, headers=headers)
    assert updated.status_code == 200, updated.text
    _wait(lambda: len(_vectors(stack, qid)["vec_followups"]) == 1)

    found = api.get("/api/questions/search", params={"q": "pressure"}, headers=headers).json()
    assert any(q["id"] == qid for q in found)


def test_question_writes_need_staff(api, stack):
    headers = register(api)
    module = api.get("/api/modules", headers=headers).json()[0]
    r = api.post(
        "/api/questions",
        json={"module_id": module["id"], "text": "A question from a candidate?", "category": "behavioral"},
        headers=headers,
    )
    assert r.status_code == 403
    bad = api.post(
        "/api/questions", json={"module_id": module["id"], "text": "x", "category": "nope"}, headers=_admin(api, stack)
    )
    assert bad.status_code == 422
    assert (
        api.put(
            "/api/questions/999999",
            json={"module_id": module["id"], "text": "Long enough text?", "category": "behavioral"},
            headers=_admin(api, stack),
        ).status_code
        == 404
    )


def test_websocket_pushes_question_and_report_events(api):
    headers = register(api)
    module = api.get("/api/modules", headers=headers).json()[0]
    start = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": 1}, headers=headers).json()
    sid, q = start["id"], start["question"]
    ticket = api.post(f"/api/sessions/{sid}/events/ticket", headers=headers)
    assert ticket.status_code == 200, ticket.text
    with api.websocket_connect(ticket.json()["url"]) as ws:
        first = ws.receive_json()  # the current question, mirrored in Redis
        assert first["type"] == "question" and first["data"]["id"] == q["id"]
        api.post(f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": "My answer."}, headers=headers)
        seen = set()
        deadline = time.monotonic() + 60
        while "report_ready" not in seen and time.monotonic() < deadline:
            seen.add(ws.receive_json()["type"])
    assert {"scoring", "status", "report_ready"} <= seen


def test_websocket_rejects_strangers(api):
    from starlette.websockets import WebSocketDisconnect

    owner = register(api)
    module = api.get("/api/modules", headers=owner).json()[0]
    sid = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": 1}, headers=owner).json()["id"]
    stranger = register(api)
    # A stranger gets no ticket for this session, and a ticket is good for its own session only.
    assert api.post(f"/api/sessions/{sid}/events/ticket", headers=stranger).status_code == 404
    their_sid = api.post(
        "/api/sessions", json={"module_id": module["id"], "max_questions": 1}, headers=stranger
    ).json()["id"]
    their_ticket = api.post(f"/api/sessions/{their_sid}/events/ticket", headers=stranger).json()["ticket"]
    token = stranger["Authorization"].split()[1]
    for url in (
        f"/api/sessions/{sid}/events",
        f"/api/sessions/{sid}/events?token={token}",  # a JWT in the URL is not accepted at all
        f"/api/sessions/{sid}/events?ticket={their_ticket}",
    ):
        with pytest.raises(WebSocketDisconnect) as closed, api.websocket_connect(url) as ws:
            ws.receive_json()
        assert closed.value.code == 4401


def test_score_preview_is_what_a_report_holds(api, stack):
    """Staff try an answer: the preview runs the session scorer on the ml queue and returns its result."""
    import time

    admin = _admin(api, stack)
    module = next(m for m in api.get("/api/modules", headers=admin).json() if m["slug"] == "backend-python")
    qs = api.get(f"/api/modules/{module['id']}/questions", headers=admin).json()
    q = next(q for q in qs if q["slug"] == "backend-async-blocking")
    assert q["key_points"] and q["key_points"][0]["listen_for"] and q["reference_answers"]
    answer = (
        "requests.get is synchronous, so inside an async def it blocks the event loop and every other request on "
        "that worker waits. I'd use httpx.AsyncClient created once at startup, or wrap the call in "
        "asyncio.to_thread, and set timeouts so a slow upstream cannot pin the loop."
    )
    t0 = time.perf_counter()
    r = api.post(f"/api/questions/{q['id']}/score-preview", json={"answer": answer}, headers=admin)
    elapsed = time.perf_counter() - t0
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"overall", "dimensions", "key_points", "flags", "scorer_version"}
    assert body["overall"] > 30 and body["scorer_version"]
    assert all({"score", "weight", "explanation"} <= set(d) for d in body["dimensions"].values())
    assert [k["point"] for k in body["key_points"]] == [k["point"] for k in q["key_points"]]
    assert all({"point", "covered", "evidence", "status"} <= set(k) for k in body["key_points"])
    assert elapsed < 30  # a hang guard; latency is measured in bench/score_preview.py
    # Same answer, same result.
    again = api.post(f"/api/questions/{q['id']}/score-preview", json={"answer": answer}, headers=admin).json()
    assert again == body


def test_score_preview_is_for_staff_and_checks_input(api, stack):
    admin = _admin(api, stack)
    candidate = register(api)
    assert api.post("/api/questions/1/score-preview", json={"answer": "x"}, headers=candidate).status_code == 403
    assert api.post("/api/questions/2147483647/score-preview", json={"answer": "x"}, headers=admin).status_code == 404
    assert api.post("/api/questions/2147483648/score-preview", json={"answer": "x"}, headers=admin).status_code in (
        404,
        422,
    )
    assert api.post("/api/questions/1/score-preview", json={"answer": "a\x00b"}, headers=admin).status_code == 422
    assert api.post("/api/questions/1/score-preview", json={"answer": ""}, headers=admin).status_code == 422
