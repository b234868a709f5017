"""Log context and formats (talentsync/logcontext.py) and the API's request-id/metrics middleware.

The middleware is exercised on a small FastAPI app wired like api/main.py; the full app, the worker
and a real interview are in tests/integration/test_metrics.py.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import uuid

import pytest
from fastapi import APIRouter, Depends, FastAPI, WebSocket
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from api.observability import ObservabilityMiddleware, bind_session_id, install_observability
from talentsync.logcontext import (
    ContextFilter,
    TextFormatter,
    bind_log_context,
    current_log_context,
    json_formatter,
    reset_log_context,
    session_id_from_workflow_id,
)


def capture(fmt: logging.Formatter) -> tuple[logging.Logger, io.StringIO]:
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(fmt)
    handler.addFilter(ContextFilter())
    logger = logging.getLogger(f"test.obs.{uuid.uuid4().hex}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return logger, buf


def json_lines(buf: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_json_lines_carry_bound_context_and_extra_fields() -> None:
    logger, buf = capture(json_formatter())
    token = bind_log_context(request_id="req-12345678", session_id="s-1")
    try:
        logger.info("scored", extra={"questions": 3, "session_id": "explicit"})
    finally:
        reset_log_context(token)
    logger.info("after")
    first, after = json_lines(buf)
    assert first["message"] == "scored" and first["level"] == "INFO" and first["time"]
    assert first["request_id"] == "req-12345678"
    assert first["questions"] == 3, "extra fields are kept (they used to be dropped)"
    assert first["session_id"] == "explicit", "a field passed in extra wins over the context"
    assert "request_id" not in after and current_log_context() == {}


def test_uvicorn_colour_copies_are_dropped() -> None:
    for fmt in (json_formatter(), TextFormatter()):
        logger, buf = capture(fmt)
        logger.info("Uvicorn running", extra={"color_message": "\x1b[1mUvicorn running\x1b[0m", "port": 8000})
        assert "color_message" not in buf.getvalue() and "\x1b" not in buf.getvalue()
        assert "8000" in buf.getvalue()


def test_context_does_not_leak_between_concurrent_tasks() -> None:
    logger, buf = capture(json_formatter())

    async def handle(rid: str) -> None:
        bind_log_context(request_id=rid)
        await asyncio.sleep(0.01)  # interleave with the other task
        logger.info("done")

    async def main() -> None:
        await asyncio.gather(handle("req-aaaaaaaa"), handle("req-bbbbbbbb"))

    asyncio.run(main())
    assert sorted(line["request_id"] for line in json_lines(buf)) == ["req-aaaaaaaa", "req-bbbbbbbb"]


def test_temporal_sdk_records_get_the_same_fields() -> None:
    logger, buf = capture(json_formatter())
    sid = str(uuid.uuid4())
    logger.warning(
        "Completing activity as failed",
        extra={"temporal_activity": {"activity_type": "score_answer", "attempt": 2, "workflow_id": f"session-{sid}"}},
    )
    logger.info("wf", extra={"temporal_workflow": {"workflow_id": "question-sync-9"}})
    act, wf = json_lines(buf)
    assert (act["activity"], act["attempt"], act["workflow_id"], act["session_id"]) == (
        "score_answer",
        2,
        f"session-{sid}",
        sid,
    )
    assert wf["workflow_id"] == "question-sync-9" and "session_id" not in wf


def test_text_format_shows_fields_before_the_traceback() -> None:
    logger, buf = capture(TextFormatter())
    token = bind_log_context(workflow_id="session-x")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed", extra={"activity": "seed_session"})
    finally:
        reset_log_context(token)
    first, *rest = buf.getvalue().splitlines()
    assert first.endswith("failed [activity=seed_session workflow_id=session-x]")
    assert rest[0].startswith("Traceback") and "ValueError: boom" in rest[-1]


def test_session_id_from_workflow_id() -> None:
    sid = uuid.uuid4()
    assert session_id_from_workflow_id(f"session-{sid}") == str(sid)
    assert session_id_from_workflow_id("resume-parse-1") is None
    assert session_id_from_workflow_id("session-not-a-uuid-but-36-characters-") is None
    assert session_id_from_workflow_id(None) is None


def sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def app_client() -> TestClient:
    # Wired like api/main.py: routers included under /api (FastAPI keeps them nested).
    app = FastAPI(dependencies=[Depends(bind_session_id)])
    app.add_middleware(ObservabilityMiddleware)
    router, inner = APIRouter(), APIRouter()
    seen: dict[str, object] = {}

    @router.get("/things/{session_id}")
    async def thing(session_id: str) -> dict:
        seen.update(current_log_context())
        return {"ok": True}

    @inner.get("/sync/{session_id}")
    def sync_thing(session_id: str) -> dict:  # runs in a thread: the binding must reach it
        seen.update(current_log_context())
        return {"ok": True}

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("unhandled")

    @router.websocket("/ws/{session_id}")
    async def ws(websocket: WebSocket, session_id: str) -> None:
        await websocket.accept()
        await websocket.send_text("hi")
        await websocket.receive_text()

    router.include_router(inner)
    app.include_router(router, prefix="/api")
    install_observability(app)
    client = TestClient(app, raise_server_exceptions=False)
    client.seen = seen  # type: ignore[attr-defined]
    return client


def test_request_id_is_accepted_when_sane_and_made_otherwise(app_client: TestClient) -> None:
    ok = app_client.get("/api/things/abc", headers={"X-Request-ID": "edge-7f3a9c21"})
    assert ok.headers["x-request-id"] == "edge-7f3a9c21"
    assert app_client.seen["request_id"] == "edge-7f3a9c21"  # type: ignore[attr-defined]
    assert app_client.seen["session_id"] == "abc"  # type: ignore[attr-defined]
    for bad in ("short", "x" * 200, "has space in it", "quote\"inject'"):
        r = app_client.get("/api/things/abc", headers={"X-Request-ID": bad})
        assert r.headers["x-request-id"] != bad and len(r.headers["x-request-id"]) == 32
    made = app_client.get("/api/things/abc").headers["x-request-id"]
    assert uuid.UUID(made)


def test_sync_routes_see_the_session_id(app_client: TestClient) -> None:
    before = sample(
        "talentsync_api_requests_total", {"method": "GET", "route": "/api/sync/{session_id}", "status": "200"}
    )
    app_client.get("/api/sync/s-42")
    assert app_client.seen["session_id"] == "s-42"  # type: ignore[attr-defined]
    after = sample(
        "talentsync_api_requests_total", {"method": "GET", "route": "/api/sync/{session_id}", "status": "200"}
    )
    assert after == before + 1, "a route two routers deep is labelled with its full template"


def test_metrics_use_route_templates_and_count_errors(app_client: TestClient) -> None:
    route = {"method": "GET", "route": "/api/things/{session_id}"}
    before = sample("talentsync_api_requests_total", {**route, "status": "200"})
    for i in range(3):
        app_client.get(f"/api/things/{uuid.uuid4()}-{i}")
    assert sample("talentsync_api_requests_total", {**route, "status": "200"}) == before + 3
    assert sample("talentsync_api_request_duration_seconds_count", {**route, "status_class": "2xx"}) >= 3

    errors = sample("talentsync_api_requests_total", {"method": "GET", "route": "/api/boom", "status": "500"})
    boom = app_client.get("/api/boom", headers={"X-Request-ID": "user-report-1234"})
    assert boom.status_code == 500 and boom.text == "Internal Server Error"
    assert boom.headers["x-request-id"] == "user-report-1234", "the user can quote it"
    assert (
        sample("talentsync_api_requests_total", {"method": "GET", "route": "/api/boom", "status": "500"}) == errors + 1
    )

    unmatched = sample("talentsync_api_requests_total", {"method": "GET", "route": "unmatched", "status": "404"})
    app_client.get(f"/wp-admin/{uuid.uuid4()}")
    assert sample("talentsync_api_requests_total", {"method": "GET", "route": "unmatched", "status": "404"}) == (
        unmatched + 1
    )
    weird = sample("talentsync_api_requests_total", {"method": "OTHER", "route": "unmatched", "status": "404"})
    app_client.request("BREW", "/coffee")
    assert sample("talentsync_api_requests_total", {"method": "OTHER", "route": "unmatched", "status": "404"}) > weird

    page = app_client.get("/metrics")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/plain")
    assert "talentsync_api_request_duration_seconds_bucket" in page.text
    assert "/wp-admin" not in page.text, "raw paths never become labels"


def test_open_websockets_gauge(app_client: TestClient) -> None:
    base = sample("talentsync_api_websockets_open", {})
    with app_client.websocket_connect("/api/ws/s-1") as ws:
        assert ws.receive_text() == "hi"
        assert sample("talentsync_api_websockets_open", {}) == base + 1
        ws.send_text("bye")
    assert sample("talentsync_api_websockets_open", {}) == base
