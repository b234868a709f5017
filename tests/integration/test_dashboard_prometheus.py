"""Every query of the Grafana dashboard, run by a real Prometheus that scraped a real API and worker.

tests/integration/test_metrics.py checks that each query names a metric that exists; this checks that
Prometheus accepts each query and that the panels an operator reads first (answer latency, request
rate, activity latency, answers scored, sessions by status, schedule-to-start) return numbers after a
few interviews. Needs the `prometheus` binary (Debian: `apt-get install prometheus`); skipped without.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devstack.services import api_argv, free_port, tcp_ready
from tests.conftest import REPO, Stack, start_worker
from tests.integration.test_interview_api import STRONG

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PROMETHEUS = shutil.which("prometheus")
DASHBOARD = REPO / "deploy" / "grafana" / "talentsync.json"
SCRAPE_S = 1
# Panels that must show data after a few clean text interviews. The others (5xx, failures, voice
# answers, scoring_failed) are right to be empty when nothing failed and nobody spoke.
MUST_HAVE_DATA = (
    "Answer latency p95 (typed answers, last 5m)",
    "Answer latency p50 / p95 (POST /api/sessions/{id}/answers)",
    "Answers scored per minute",
    "Sessions by status",
    "Request rate by route",
    "Latency p95 by route",
    "Activity latency p95 by activity",
    "Task-queue schedule-to-start latency p95 (Temporal SDK)",
    "Worker slots in use (Temporal SDK)",
)


def interview(client: httpx.Client, max_questions: int) -> None:
    email = f"prom-{uuid.uuid4().hex[:10]}@example.com"
    password = "correct-horse-42"
    assert client.post("/api/auth/register", json={"email": email, "password": password, "full_name": "P"}).is_success
    token = client.post("/api/auth/token", data={"username": email, "password": password}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    module = next(m for m in client.get("/api/modules", headers=headers).json() if m["slug"] == "behavioral")
    r = client.post("/api/sessions", json={"module_id": module["id"], "max_questions": max_questions}, headers=headers)
    assert r.status_code == 201, r.text
    sid, q = r.json()["id"], r.json()["question"]
    while q is not None:
        a = client.post(f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": STRONG}, headers=headers)
        assert a.status_code == 200, a.text
        q = a.json()["question"]
    deadline = time.monotonic() + 300  # generous: the machine may be shared with other test runs
    while client.get(f"/api/sessions/{sid}/report", headers=headers).status_code != 200:
        assert time.monotonic() < deadline, "report not ready"
        time.sleep(0.3)


@pytest.fixture(scope="module")
def prometheus(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if PROMETHEUS is None:
        pytest.skip("the prometheus binary is not installed (apt-get install prometheus)")
    tmp = tmp_path_factory.mktemp("prometheus")
    prefix = f"prom{uuid.uuid4().hex[:8]}-"
    worker_port, api_port, prom_port = free_port(), free_port(), free_port()
    worker = start_worker(
        stack, prefix, queues="interview,ml,retrieval,feedback", env={"WORKER_METRICS_PORT": str(worker_port)}
    )
    procs: list[subprocess.Popen[bytes]] = []
    try:
        log = open(tmp / "api.log", "wb")  # closed with the process
        procs.append(
            subprocess.Popen(
                api_argv(api_port), env=stack.env(TASK_QUEUE_PREFIX=prefix), cwd=REPO, stdout=log, stderr=log
            )
        )
        config = {
            "global": {"scrape_interval": f"{SCRAPE_S}s", "evaluation_interval": f"{SCRAPE_S}s"},
            "scrape_configs": [
                {"job_name": "talentsync-api", "static_configs": [{"targets": [f"127.0.0.1:{api_port}"]}]},
                {"job_name": "talentsync-worker", "static_configs": [{"targets": [f"127.0.0.1:{worker_port}"]}]},
            ],
        }
        (tmp / "prometheus.yml").write_text(json.dumps(config))  # JSON is YAML
        plog = open(tmp / "prometheus.log", "wb")  # closed with the process
        procs.append(
            subprocess.Popen(
                [
                    PROMETHEUS,
                    f"--config.file={tmp / 'prometheus.yml'}",
                    f"--storage.tsdb.path={tmp / 'data'}",
                    f"--web.listen-address=127.0.0.1:{prom_port}",
                ],
                stdout=plog,
                stderr=plog,
            )
        )
        deadline = time.monotonic() + 60
        while not (tcp_ready(api_port) and tcp_ready(prom_port)):
            assert time.monotonic() < deadline, (tmp / "api.log").read_text()[-2000:]
            time.sleep(0.2)
        # Rates need samples before the answers too: wait until Prometheus has scraped both targets,
        # or a fast run answers everything before the first scrape and every rate reads zero.
        while sorted(numbers(run_query(f"http://127.0.0.1:{prom_port}", "up"))) != [1.0, 1.0]:
            assert time.monotonic() < deadline + 60, "Prometheus never scraped both targets"
            time.sleep(0.5)
        with httpx.Client(base_url=f"http://127.0.0.1:{api_port}", timeout=180) as client:
            for _ in range(3):
                interview(client, max_questions=1)
        time.sleep(4 * SCRAPE_S)  # a few scrapes after the last answer
        yield f"http://127.0.0.1:{prom_port}"
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        worker.stop()


def queries() -> list[tuple[str, str]]:
    board = json.loads(DASHBOARD.read_text())
    return [(p["title"], t["expr"]) for p in board["panels"] for t in p.get("targets", [])]


def run_query(base: str, expr: str) -> dict[str, Any]:
    # Grafana substitutes $__rate_interval (at least four scrape intervals); a minute covers the run.
    expr = expr.replace("$__rate_interval", "1m")
    r = httpx.get(f"{base}/api/v1/query", params={"query": expr}, timeout=10)
    return r.json()


def numbers(result: dict[str, Any]) -> list[float]:
    return [float(series["value"][1]) for series in result["data"]["result"]]


def test_both_targets_are_up(prometheus: str) -> None:
    values = numbers(run_query(prometheus, "up"))
    assert values == [1.0, 1.0]


def test_every_dashboard_query_is_valid_promql(prometheus: str) -> None:
    for title, expr in queries():
        result = run_query(prometheus, expr)
        assert result["status"] == "success", f"{title}: {result.get('error')}"


def test_first_panels_show_data_after_interviews(prometheus: str) -> None:
    by_title: dict[str, list[float]] = {}
    for title, expr in queries():
        by_title.setdefault(title, []).extend(v for v in numbers(run_query(prometheus, expr)) if not math.isnan(v))
    for title in MUST_HAVE_DATA:
        assert by_title.get(title), f"panel {title!r} shows nothing after three interviews"
    p95 = by_title["Answer latency p95 (typed answers, last 5m)"][0]
    assert 0 < p95 < 30, p95
    # Sessions by status is recounted at most every 15 s (SessionStatusCollector): give it one round.
    deadline = time.monotonic() + 20
    completed: list[float] = []
    while not (completed and completed[0] >= 3) and time.monotonic() < deadline:
        time.sleep(1)
        completed = numbers(run_query(prometheus, 'max(talentsync_sessions{status="completed"})'))
    assert completed and completed[0] >= 3


def test_route_labels_are_templates(prometheus: str) -> None:
    # Three sessions, three users: none of their ids may have become a label value.
    routes = httpx.get(f"{prometheus}/api/v1/label/route/values", timeout=10).json()["data"]
    assert "/api/sessions/{session_id}/answers" in routes
    assert not [r for r in routes if any(c.isdigit() for c in r)], routes


def test_the_scrapes_stay_small(prometheus: str) -> None:
    # Samples per scrape after the interviews (measured: see README, Observability); a label that
    # grew with traffic would blow through these.
    for job, limit in (("talentsync-api", 1500), ("talentsync-worker", 2500)):
        count = numbers(run_query(prometheus, f'scrape_samples_scraped{{job="{job}"}}'))
        assert count and count[0] < limit, (job, count)
