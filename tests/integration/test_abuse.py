"""Abuse at the edge, against the real stack: bad characters and ids, caps, login limits, headers,
oversized bodies, and faults while a session starts. Every refusal is a clear 4xx, fast."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from starlette.websockets import WebSocketDisconnect
from temporalio.service import RPCError, RPCStatusCode

from api.main import create_app
from tests.conftest import register

pytestmark = pytest.mark.integration

PASSWORD = "correct-horse-42"
NUL = "\x00"
WAV_HEADER = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80>\x00\x00\x00}\x00\x00\x02\x00\x10\x00"


@contextmanager
def app_with(stack, **overrides) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(stack.settings(**overrides)), raise_server_exceptions=False) as client:
        yield client


def _admin(api, stack) -> dict[str, str]:  # type: ignore[no-untyped-def]
    s = stack.settings()
    tok = api.post(
        "/api/auth/token",
        data={"username": s.first_admin_email, "password": s.first_admin_password.get_secret_value()},
    )
    return {"Authorization": f"Bearer {tok.json()['access_token']}"}


def _start(api, headers, max_questions: int = 3) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    module = api.get("/api/modules", headers=headers).json()[0]
    r = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": max_questions}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["question"]


def _assert_fast_4xx(response, started: float, status: int = 422) -> None:  # type: ignore[no-untyped-def]
    elapsed = time.perf_counter() - started
    assert response.status_code == status, response.text
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]
    assert elapsed < 1.0, f"{elapsed:.2f} s for a request that should be refused at once"


def test_nul_and_control_characters_are_refused_fast_in_every_text_field(api, stack):
    headers = register(api)
    admin = _admin(api, stack)
    sid, q = _start(api, headers)
    module_id = api.get("/api/modules", headers=headers).json()[0]["id"]
    question = {"module_id": module_id, "text": "A perfectly ordinary question?", "category": "behavioral"}
    some_id = uuid.uuid4()
    cases = [
        ("POST", "/api/auth/register", {"json": {"email": "a@example.com", "password": PASSWORD, "full_name": "A\0B"}}),
        (
            "POST",
            "/api/auth/register",
            {"json": {"email": "b@example.com", "password": PASSWORD + NUL, "full_name": "B"}},
        ),
        ("POST", "/api/auth/register", {"json": {"email": "c\0@example.com", "password": PASSWORD, "full_name": "C"}}),
        (
            "POST",
            "/api/auth/register",
            {"json": {"email": "d@example.com", "password": PASSWORD, "full_name": "D\x1b[31m"}},
        ),
        ("POST", "/api/auth/token", {"data": {"username": "x\0@example.com", "password": PASSWORD}}),
        ("POST", "/api/auth/token", {"data": {"username": "x@example.com", "password": "p\0ssword-12"}}),
        ("GET", "/api/questions/search", {"params": {"q": "team\0work"}, "headers": headers}),
        ("POST", "/api/questions", {"json": {**question, "text": "What is\0 this question?"}, "headers": admin}),
        ("POST", "/api/questions", {"json": {**question, "keywords": ["ok", "k\0"]}, "headers": admin}),
        ("POST", "/api/questions", {"json": {**question, "key_points": ["a point\0"]}, "headers": admin}),
        (
            "POST",
            "/api/questions",
            {"json": {**question, "follow_ups": [{"text": "And then\0 what?"}]}, "headers": admin},
        ),
        ("PUT", "/api/questions/1", {"json": {**question, "ideal_answer": "ideal\0"}, "headers": admin}),
        ("PUT", f"/api/resumes/{some_id}", {"json": {"parsed": {"skills": ["Py\0thon"]}}, "headers": headers}),
        (
            "PUT",
            f"/api/resumes/{some_id}",
            {"json": {"parsed": {"roles": [{"title": "Dev\0", "employer": "Acme"}]}}, "headers": headers},
        ),
        ("PUT", f"/api/resumes/{some_id}", {"json": {"parsed": {"summary": "I build\0 things"}}, "headers": headers}),
        (
            "POST",
            f"/api/sessions/{sid}/answers",
            {"json": {"question_id": q["id"], "text": "my\0 answer"}, "headers": headers},
        ),
        (
            "POST",
            f"/api/sessions/{sid}/answers",
            {"json": {"question_id": "q\0", "text": "answer"}, "headers": headers},
        ),
        ("POST", f"/api/sessions/{sid}/skip", {"json": {"question_id": "q\0"}, "headers": headers}),
        (
            "POST",
            f"/api/sessions/{sid}/answers/audio",
            {"data": {"question_id": "q\0"}, "files": {"file": ("a.wav", WAV_HEADER, "audio/wav")}, "headers": headers},
        ),
    ]
    for method, url, kwargs in cases:
        started = time.perf_counter()
        r = api.request(method, url, **kwargs)
        _assert_fast_4xx(r, started)
        assert "control character" in r.json()["detail"] or "email" in r.json()["detail"], (url, r.text)

    # The session is untouched and still takes a normal answer (with line breaks, which are fine).
    ok = api.post(
        f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": "Line one.\nLine two."}, headers=headers
    )
    assert ok.status_code == 200, ok.text


def test_ids_outside_the_int32_range_are_422_not_500(api, stack):
    headers = register(api)
    admin = _admin(api, stack)
    body = {"text": "A perfectly ordinary question?", "category": "behavioral"}
    for big in (2**31, 2**63, 0, -1):
        assert api.get(f"/api/modules/{big}/questions", headers=headers).status_code == 422
        assert api.put(f"/api/questions/{big}", json={**body, "module_id": 1}, headers=admin).status_code == 422
        assert api.post("/api/sessions", json={"module_id": big}, headers=headers).status_code == 422
        assert api.post("/api/questions", json={**body, "module_id": big}, headers=admin).status_code == 422
    assert api.get(f"/api/modules/{2**31 - 1}/questions", headers=headers).status_code == 404
    assert api.post("/api/sessions", json={"module_id": 2**31 - 1}, headers=headers).status_code == 404


def test_resume_corrections_are_bounded(api):
    headers = register(api)
    rid = uuid.uuid4()  # the shape is checked before the resume is looked up
    too_many = api.put(f"/api/resumes/{rid}", json={"parsed": {"skills": ["x"] * 201}}, headers=headers)
    assert too_many.status_code == 422 and "200" in too_many.json()["detail"]
    long_title = api.put(
        f"/api/resumes/{rid}", json={"parsed": {"roles": [{"title": "t" * 301, "employer": "A"}]}}, headers=headers
    )
    assert long_title.status_code == 422 and "roles.0.title" in long_title.json()["detail"]
    roles = api.put(
        f"/api/resumes/{rid}", json={"parsed": {"roles": [{"title": "t", "employer": "A"}] * 51}}, headers=headers
    )
    assert roles.status_code == 422
    # Within bounds, the request reaches the ownership check.
    assert api.put(f"/api/resumes/{rid}", json={"parsed": {"skills": ["Go"] * 200}}, headers=headers).status_code == 404


def test_per_user_caps_answer_429_with_retry_after(stack, worker):
    with app_with(
        stack, max_active_sessions_per_user=1, answer_rate_limit="2/minute", upload_rate_limit="2/hour"
    ) as api:
        headers = register(api)
        sid, q = _start(api, headers, max_questions=5)
        second = api.post("/api/sessions", json={"module_id": 1}, headers=headers)
        assert second.status_code == 429 and int(second.headers["Retry-After"]) > 0
        assert "in progress" in second.json()["detail"]

        for _ in range(2):
            r = api.post(
                f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": "An answer."}, headers=headers
            )
            assert r.status_code == 200, r.text
            q = r.json()["question"]
        third = api.post(
            f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": "More."}, headers=headers
        )
        assert third.status_code == 429 and 0 < int(third.headers["Retry-After"]) <= 60

        for _ in range(2):
            up = api.post("/api/resumes", files={"file": ("cv.txt", b"", "text/plain")}, headers=headers)
            assert up.status_code == 422  # counted even when the file is refused
        over = api.post("/api/resumes", files={"file": ("cv.txt", b"", "text/plain")}, headers=headers)
        assert over.status_code == 429 and int(over.headers["Retry-After"]) > 60


def test_websocket_cap_and_single_use_tickets(stack, worker):
    with app_with(stack, max_websockets_per_user=2) as api:
        headers = register(api)
        sid, q = _start(api, headers)

        def ticket_url() -> str:
            r = api.post(f"/api/sessions/{sid}/events/ticket", headers=headers)
            assert r.status_code == 200, r.text
            return r.json()["url"]

        url = ticket_url()
        with api.websocket_connect(url) as first, api.websocket_connect(ticket_url()) as second:
            assert first.receive_json()["data"]["id"] == q["id"]
            assert second.receive_json()["type"] == "question"
            with pytest.raises(WebSocketDisconnect) as over, api.websocket_connect(ticket_url()) as third:
                third.receive_json()
            assert over.value.code == 4429 and "limit 2" in over.value.reason
            with pytest.raises(WebSocketDisconnect) as reused, api.websocket_connect(url) as again:
                again.receive_json()
            assert reused.value.code == 4401
        # Closing frees the slots.
        with api.websocket_connect(ticket_url()) as fresh:
            assert fresh.receive_json()["type"] == "question"


def _login(api, email: str, password: str, ip: str):  # type: ignore[no-untyped-def]
    return api.post("/api/auth/token", data={"username": email, "password": password}, headers={"X-Forwarded-For": ip})


def test_login_limits_are_per_account_and_address_and_per_address(stack):
    with app_with(stack, login_rate_limit="3/minute", login_ip_failure_limit="4/minute", trusted_proxy_hops=1) as api:
        victim = f"victim-{uuid.uuid4().hex[:8]}@example.com"
        r = api.post(
            "/api/auth/register",
            json={"email": victim, "password": PASSWORD, "full_name": "V"},
            headers={"X-Forwarded-For": "10.1.0.1"},
        )
        assert r.status_code == 201, r.text

        # Someone hammering one account from their address is stopped there...
        attacker = f"10.1.{uuid.uuid4().int % 200}.66"
        for _ in range(3):
            assert _login(api, victim, "wrong-password-1", attacker).status_code == 401
        locked = _login(api, victim, "wrong-password-1", attacker)
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
        # ...and the owner, elsewhere, still signs in.
        assert _login(api, victim, PASSWORD, "10.1.0.2").status_code == 200

        # Spraying many accounts from one address: failures count per address.
        sprayer = f"10.2.{uuid.uuid4().int % 200}.77"
        for i in range(4):
            assert (
                _login(api, f"nobody-{i}-{uuid.uuid4().hex[:6]}@example.com", "Spring2026!", sprayer).status_code == 401
            )
        blocked = _login(api, victim, PASSWORD, sprayer)
        assert blocked.status_code == 429 and "network" in blocked.json()["detail"]
        # A forged left-hand X-Forwarded-For entry does not get around it: only the proxy's entry counts.
        assert _login(api, victim, PASSWORD, f"203.0.113.9, {sprayer}").status_code == 429
        assert _login(api, victim, PASSWORD, "10.1.0.3").status_code == 200


def test_security_headers_on_every_response(api):
    headers = register(api)
    responses = [
        api.get("/api/health"),
        api.get("/api/users/me"),  # 401
        api.get("/api/no-such-thing"),  # 404
        api.post("/api/sessions", json={"module_id": "x"}, headers=headers),  # 422
        api.post("/api/auth/register", content=b"x" * (2 * 1024 * 1024), headers={"Content-Type": "application/json"}),
        api.get("/"),
    ]
    for r in responses:
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "microphone=(self)" in r.headers["permissions-policy"]
    assert responses[4].status_code == 413
    assert responses[0].headers["cache-control"] == "no-store"
    assert "cdn.jsdelivr.net" in api.get("/api/docs").headers["content-security-policy"]


def _chunks(payload: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for i in range(0, len(payload), size):
        yield payload[i : i + size]


def test_chunked_bodies_over_the_limit_get_413(api):
    headers = register(api)
    boundary = "talentsyncboundary"
    multipart = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="cv.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + b"a" * (6 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    r = api.post(
        "/api/resumes",
        content=_chunks(multipart),  # a generator: sent chunked, no Content-Length
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert r.status_code == 413, r.text
    assert "limit" in r.json()["detail"]
    big_json = b'{"email": "a@example.com", "password": "' + b"p" * (2 * 1024 * 1024) + b'", "full_name": "x"}'
    r = api.post("/api/auth/register", content=_chunks(big_json), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text


def test_openapi_documents_the_error_responses(api):
    spec = api.get("/api/openapi.json").json()
    start = spec["paths"]["/api/sessions"]["post"]["responses"]
    assert {"401", "404", "409", "413", "422", "429"} <= set(start)
    assert start["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert "Retry-After" in start["429"]["headers"]
    upload = spec["paths"]["/api/resumes"]["post"]["responses"]
    assert {"400", "413", "415", "429"} <= set(upload)
    assert "HTTPValidationError" not in str(spec["components"]["schemas"].get("ErrorOut", {}))


class _StartFails:
    """The real Temporal client, except that opening a session fails the way an outage does."""

    def __init__(self, real, start_first: bool) -> None:  # type: ignore[no-untyped-def]
        self._real, self._start_first = real, start_first

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._real, name)

    async def execute_update_with_start_workflow(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self._start_first:  # the workflow starts, then the reply is lost
            await self._real.execute_update_with_start_workflow(*args, **kwargs)
        raise RPCError("injected: connection reset", RPCStatusCode.UNAVAILABLE, b"")


def _session_status(stack, sid: str) -> str:  # type: ignore[no-untyped-def]
    engine = create_engine(stack.database_url)
    with engine.connect() as c:
        status = c.execute(text("SELECT status FROM sessions WHERE id = :s"), {"s": sid}).scalar_one()
    engine.dispose()
    return str(status)


def test_a_session_that_never_started_is_not_left_active(stack, worker):
    with app_with(stack, max_active_sessions_per_user=1) as api:
        headers = register(api)
        real = api.app.state.temporal  # type: ignore[attr-defined]
        module_id = api.get("/api/modules", headers=headers).json()[0]["id"]
        try:
            api.app.state.temporal = _StartFails(real, start_first=False)  # type: ignore[attr-defined]
            key = {"Idempotency-Key": uuid.uuid4().hex}
            failed = api.post("/api/sessions", json={"module_id": module_id}, headers={**headers, **key})
            assert failed.status_code == 503 and "did not start" in failed.json()["detail"]
            sid = str(
                uuid.uuid5(uuid.UUID(api.get("/api/users/me", headers=headers).json()["id"]), key["Idempotency-Key"])
            )
            assert _session_status(stack, sid) == "failed_to_start"
            assert api.get(f"/api/sessions/{sid}/report", headers=headers).status_code == 409

            # Started, but the reply was lost: the workflow owns the row, which stays active.
            api.app.state.temporal = _StartFails(real, start_first=True)  # type: ignore[attr-defined]
            lost = api.post("/api/sessions", json={"module_id": module_id}, headers=headers)
            assert lost.status_code == 503
        finally:
            api.app.state.temporal = real  # type: ignore[attr-defined]
        active = [s for s in api.get("/api/sessions", headers=headers).json() if s["status"] == "active"]
        assert len(active) == 1, "only the session whose workflow runs is active"
        # Retrying the attempt that never started is a new start: the running session holds the one slot.
        retried = api.post("/api/sessions", json={"module_id": module_id}, headers={**headers, **key})
        assert retried.status_code == 429  # the cap of 1 is taken by the running one, not the phantom


def _audio_files(stack) -> set[Path]:  # type: ignore[no-untyped-def]
    root = Path(stack.data_dir) / "media" / "audio"
    return set(root.glob("*")) if root.exists() else set()


def test_rejected_recordings_leave_nothing_on_disk(api, stack):
    headers = register(api)
    sid, q = _start(api, headers)
    before = _audio_files(stack)
    wav = WAV_HEADER + b"\x00\x00" * 16000
    not_current = api.post(
        f"/api/sessions/{sid}/answers/audio",
        data={"question_id": str(uuid.uuid4())},
        files={"file": ("a.wav", wav, "audio/wav")},
        headers=headers,
    )
    assert not_current.status_code == 409, not_current.text
    not_audio = api.post(
        f"/api/sessions/{sid}/answers/audio",
        data={"question_id": q["id"]},
        files={"file": ("a.webm", b"plain text, not audio" * 100, "audio/webm")},
        headers=headers,
    )
    assert not_audio.status_code == 415
    assert _audio_files(stack) == before
