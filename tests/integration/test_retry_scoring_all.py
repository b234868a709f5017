""" "Retry all" for real: a feedback worker whose LLM is unreachable parks a session in
`scoring_failed`; a working worker takes its place; one `POST /api/admin/sessions/retry-scoring`
signals every parked session and the report is written. Its own task-queue prefix and API keep the
test apart from the shared worker."""

from __future__ import annotations

import time
import uuid

import pytest
from fastapi.testclient import TestClient

from devstack.services import free_port
from tests.conftest import register, start_worker, wait_report
from tests.integration.test_pipelines import STRONG
from tests.integration.test_staff_console import staff_headers

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _wait_status(client, headers, sid: str, status: str, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/api/sessions/{sid}/report", headers=headers)
        if r.status_code == 202 and r.json()["status"] == status:
            return
        assert r.status_code == 202, r.text
        assert time.monotonic() < deadline, r.text
        time.sleep(0.5)


def test_retry_all_brings_parked_sessions_to_a_report(stack):
    from api.main import create_app

    prefix = f"retry-{uuid.uuid4().hex[:6]}-"
    main = start_worker(stack, prefix, queues="interview,ml,retrieval,transcription")
    # Nothing listens on this port: every feedback attempt fails fast, as an LLM outage would.
    broken = start_worker(
        stack,
        prefix,
        queues="feedback",
        env={"OPENAI_API_KEY": "sk-test-unreachable", "OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1"},
    )
    fixed = None
    try:
        with TestClient(create_app(stack.settings(task_queue_prefix=prefix)), raise_server_exceptions=False) as api:
            cand, staff = register(api), staff_headers(api, stack)
            module = next(m for m in api.get("/api/modules", headers=cand).json() if m["slug"] == "behavioral")
            sids = []
            for _ in range(2):
                r = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": 1}, headers=cand)
                sid, q = r.json()["id"], r.json()["question"]
                ans = api.post(
                    f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": STRONG}, headers=cand
                )
                assert ans.status_code == 200, ans.text
                sids.append(sid)
            for sid in sids:
                _wait_status(api, cand, sid, "scoring_failed")
            listed = api.get("/api/admin/sessions", params={"status": "scoring_failed"}, headers=staff).json()
            assert {f"session-{s}" for s in sids} <= {s["workflow_id"] for s in listed}

            broken.stop()
            fixed = start_worker(stack, prefix, queues="feedback")
            # Bounded: one per call, and the answer says how many are left.
            first = api.post("/api/admin/sessions/retry-scoring", params={"limit": 1}, headers=staff)
            assert first.status_code == 202, first.text
            assert len(first.json()["signalled"]) == 1 and first.json()["remaining"] >= 1
            rest = api.post("/api/admin/sessions/retry-scoring", headers=staff)
            assert rest.status_code == 202, rest.text
            signalled = set(first.json()["signalled"]) | set(rest.json()["signalled"])
            assert {f"session-{s}" for s in sids} <= signalled
            for sid in sids:
                report = wait_report(api, cand, sid)
                assert report["status"] == "completed" and report["summary"]
            assert api.post("/api/admin/sessions/retry-scoring", headers=cand).status_code == 403
    finally:
        for w in (main, broken, fixed):
            if w is not None:
                w.stop()
