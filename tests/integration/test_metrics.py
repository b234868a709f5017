"""After a real text interview: the API's /metrics and the worker's metrics port have the series an
operator needs, the worker's log lines inside activities carry the session's context, and every
query of the Grafana dashboard (deploy/grafana/talentsync.json) names a metric that really exists.
"""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from devstack.services import free_port
from tests.conftest import REPO, Stack, WorkerProc, register, start_worker, wait_report
from tests.integration.test_interview_api import STRONG

pytestmark = pytest.mark.integration

ANSWERS_ROUTE = "/api/sessions/{session_id}/answers"
DASHBOARD = REPO / "deploy" / "grafana" / "talentsync.json"


@dataclass
class Run:
    sid: str
    prefix: str
    request_id: str
    answer_headers: list[dict[str, str]]
    api_page: str
    worker_page: str
    worker: WorkerProc
    ws_open_during: float | None
    ws_open_after: float | None
    route_templates: set[str]


def samples(page: str) -> list[Sample]:
    return [s for family in text_string_to_metric_families(page) for s in family.samples]


def find(page: str, name: str, **labels: str) -> list[Sample]:
    return [s for s in samples(page) if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]


def value(page: str, name: str, **labels: str) -> float:
    return sum(s.value for s in find(page, name, **labels))


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.status == 200
        return resp.read().decode()


@pytest.fixture(scope="module")
def run(stack: Stack) -> Iterator[Run]:
    from fastapi.testclient import TestClient

    from api.main import create_app

    prefix = f"obs{uuid.uuid4().hex[:8]}-"
    port = free_port()
    # No transcription role: a text interview never uses it, and Whisper is slow to load.
    worker = start_worker(
        stack, prefix, queues="interview,ml,retrieval,feedback", env={"WORKER_METRICS_PORT": str(port)}
    )
    try:
        with TestClient(create_app(stack.settings(task_queue_prefix=prefix)), raise_server_exceptions=False) as api:
            headers = register(api)
            module = next(m for m in api.get("/api/modules", headers=headers).json() if m["slug"] == "behavioral")
            request_id = f"test-{uuid.uuid4().hex}"
            r = api.post(
                "/api/sessions",
                json={"module_id": module["id"], "max_questions": 2},
                headers={**headers, "X-Request-ID": request_id},
            )
            assert r.status_code == 201, r.text
            assert r.headers["x-request-id"] == request_id
            sid, q = r.json()["id"], r.json()["question"]

            ticket = api.post(f"/api/sessions/{sid}/events/ticket", headers=headers).json()
            with api.websocket_connect(ticket["url"]) as ws:
                ws.receive_text()  # the current question: the socket is open and streaming
                ws_open_during = value(api.get("/metrics").text, "talentsync_api_websockets_open")
            answer_headers = []
            while q is not None:
                a = api.post(
                    f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": STRONG}, headers=headers
                )
                assert a.status_code == 200, a.text
                answer_headers.append(dict(a.headers))
                q = a.json()["question"]
            wait_report(api, headers, sid)
            api_page = api.get("/metrics").text
            yield Run(
                sid=sid,
                prefix=prefix,
                request_id=request_id,
                answer_headers=answer_headers,
                api_page=api_page,
                worker_page=scrape(f"http://127.0.0.1:{port}/metrics"),
                worker=worker,
                ws_open_during=ws_open_during,
                ws_open_after=value(api_page, "talentsync_api_websockets_open"),
                # Routes in the schema, plus the top-level ones outside it (/metrics, the SPA).
                route_templates=set(api.app.openapi()["paths"]) | {getattr(r, "path", "") for r in api.app.routes},
            )
    finally:
        worker.stop()


def test_api_metrics_have_answer_latency_by_route_template(run: Run) -> None:
    page = run.api_page
    answered = find(page, "talentsync_api_request_duration_seconds_count", method="POST", route=ANSWERS_ROUTE)
    assert answered and sum(s.value for s in answered) >= 2
    buckets = find(
        page, "talentsync_api_request_duration_seconds_bucket", method="POST", route=ANSWERS_ROUTE, status_class="2xx"
    )
    assert {s.labels["le"] for s in buckets} >= {"0.05", "0.1", "1.0", "+Inf"}
    assert value(page, "talentsync_api_requests_total", method="POST", route=ANSWERS_ROUTE, status="200") >= 2
    assert value(page, "talentsync_api_requests_total", method="POST", route="/api/sessions", status="201") >= 1
    # Cardinality stays bounded: every route label is a route template of the app (or "unmatched"),
    # and no label anywhere holds this session's id.
    assert run.sid not in page
    routes = {s.labels["route"] for s in samples(page) if "route" in s.labels}
    assert routes <= run.route_templates | {"unmatched"}, routes - run.route_templates


def test_api_counts_open_websockets(run: Run) -> None:
    assert run.ws_open_during is not None and run.ws_open_after is not None
    assert run.ws_open_during == run.ws_open_after + 1


def test_every_response_has_a_request_id(run: Run) -> None:
    ids = [h["x-request-id"] for h in run.answer_headers]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and len(set(ids)) == len(ids)


def test_worker_metrics_after_the_interview(run: Run) -> None:
    page = run.worker_page
    for name in ("seed_session", "record_response", "score_answer", "finalize_session", "write_feedback"):
        n = value(page, "talentsync_activity_duration_seconds_count", activity=name, outcome="completed")
        assert n >= 1, f"{name} not timed"
    assert value(page, "talentsync_activity_duration_seconds_count", activity="score_answer", outcome="completed") >= 2
    p_sum = value(page, "talentsync_activity_duration_seconds_sum", activity="score_answer", outcome="completed")
    assert 0 < p_sum < 120, "seconds, not milliseconds"
    assert value(page, "talentsync_answers_scored_total") >= 2
    # Sessions by status from PostgreSQL: every status present, this one completed.
    statuses = {s.labels["status"]: s.value for s in find(page, "talentsync_sessions")}
    assert set(statuses) >= {"active", "scoring", "scoring_failed", "completed"}
    assert statuses["completed"] >= 1
    # Temporal SDK metrics, merged into the same page from the SDK's private port.
    assert value(page, "talentsync_temporal_sdk_scrape_ok") == 1
    queue = f"{run.prefix}interview"
    s2s = find(page, "temporal_workflow_task_schedule_to_start_latency_count", task_queue=queue)
    assert s2s and s2s[0].value >= 1
    assert find(page, "temporal_activity_schedule_to_start_latency_count", task_queue=f"{run.prefix}ml")
    assert find(page, "temporal_activity_execution_latency_count", activity_type="score_answer")


def test_activity_log_lines_carry_the_session(run: Run) -> None:
    lines: list[dict[str, Any]] = []
    for raw in run.worker.log.read_text(errors="replace").splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    assert lines, "the worker logs JSON lines in the test environment"
    seeded = [x for x in lines if x.get("message") == "seeded session" and x.get("session_id") == run.sid]
    assert seeded, "seed_session logged for this session"
    line = seeded[0]
    assert line["workflow_id"] == f"session-{run.sid}"
    assert line["activity"] == "seed_session"
    assert line["attempt"] == 1 and line["task_queue"] == f"{run.prefix}interview"
    assert line["level"] == "INFO" and line["logger"] == "activities.session" and line["time"]
    feedback = [x for x in lines if x.get("message") == "feedback written" and x.get("session_id") == run.sid]
    assert feedback and feedback[0]["activity"] == "write_feedback"
    assert feedback[0]["workflow_id"] == f"session-{run.sid}"


METRIC_NAME = re.compile(r"\b(?:talentsync|temporal)_[a-zA-Z0-9_]+")


def dashboard_queries() -> list[tuple[str, str]]:
    board = json.loads(DASHBOARD.read_text())
    out = []
    for panel in board["panels"]:
        for target in panel.get("targets", []):
            out.append((panel["title"], target["expr"]))
    return out


def exposed_names(page: str) -> set[str]:
    """Sample names on the page, plus those of declared families that have no sample yet (the failure
    counter has none until something fails; its HELP/TYPE lines are on the page all the same)."""
    names = set()
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
    for family in text_string_to_metric_families(page):
        names.update(s.name for s in family.samples)
        names.update(family.name + suffix for suffix in suffixes.get(family.type, ()))
    return names


def test_dashboard_queries_name_metrics_that_exist(run: Run) -> None:
    board = json.loads(DASHBOARD.read_text())
    assert board["title"] and board["uid"] and board["panels"]
    scraped = exposed_names(run.api_page) | exposed_names(run.worker_page)
    queries = dashboard_queries()
    assert len(queries) >= 9
    for title, expr in queries:
        names = METRIC_NAME.findall(expr)
        assert names, f"panel {title!r}: no metric in {expr!r}"
        for name in names:
            assert name in scraped, f"panel {title!r} queries {name}, which no scrape has"
    titles = " ".join(t for t, _ in queries).lower()
    for needed in (
        "answer latency",
        "5xx",
        "websocket",
        "activity",
        "failures",
        "scored",
        "status",
        "schedule-to-start",
    ):
        assert needed in titles, f"no panel about {needed}"
