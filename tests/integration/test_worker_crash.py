"""A worker process dies (`kill -9`) in the middle of an interview; the session carries on.

Real stack (PostgreSQL, Redis, Temporal dev server, worker.py subprocesses, the FastAPI app); each
test has its own task-queue prefix so only its own workers serve its sessions. Temporal keeps the
session's state in its history, so a new worker rebuilds it by replay: no answer is lost and none is
recorded twice. The dead worker's sticky queue holds the next workflow task for its 10 s
schedule-to-start timeout before the task moves to the normal queue, hence the generous waits.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import Stack, WorkerProc, register, start_worker, wait_report

pytestmark = [pytest.mark.slow, pytest.mark.integration]
log = logging.getLogger(__name__)

ANSWER = (
    "At my last job I owned the on-call rotation for the payments API. Alert volume had doubled, so I "
    "grouped alerts by cause, deleted the noisy ones and wrote runbooks. Pages fell by 70% in a month."
)


@contextmanager
def session_stack(stack: Stack) -> Iterator[tuple[Any, dict[str, str], list[WorkerProc], str]]:
    """An API client and a worker on a fresh task-queue prefix; every worker started is stopped."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    prefix = f"crash{uuid.uuid4().hex[:8]}-"
    workers = [start_worker(stack, prefix)]
    try:
        with TestClient(create_app(stack.settings(task_queue_prefix=prefix)), raise_server_exceptions=False) as api:
            yield api, register(api), workers, prefix
    finally:
        for w in workers:
            w.stop()


def start_session(api: Any, headers: dict[str, str], max_questions: int) -> tuple[str, dict]:
    module = next(m for m in api.get("/api/modules", headers=headers).json() if m["slug"] == "behavioral")
    r = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": max_questions}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["question"]


def post_answer(api: Any, headers: dict[str, str], sid: str, qid: str) -> Any:
    return api.post(f"/api/sessions/{sid}/answers", json={"question_id": qid, "text": ANSWER}, headers=headers)


def wait_scored(api: Any, headers: dict[str, str], sid: str, n: int, timeout: float = 30) -> None:
    # Killing a worker in the middle of score_answer would delay that score by the activity's 60 s
    # start-to-close timeout (it does not heartbeat); these tests are about the answer path.
    deadline = time.monotonic() + timeout
    while api.get(f"/api/sessions/{sid}", headers=headers).json()["scored"] < n:
        assert time.monotonic() < deadline, "answer not scored in time"
        time.sleep(0.2)


def finish(api: Any, headers: dict[str, str], sid: str, question: dict | None) -> int:
    answered = 0
    while question is not None:
        r = post_answer(api, headers, sid, question["id"])
        assert r.status_code == 200, r.text
        question, answered = r.json()["question"], answered + 1
    return answered


def assert_recorded_once(stack: Stack, sid: str, expected_answers: int) -> None:
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as c:
            per_question = c.execute(
                text("SELECT session_question_id, count(*) FROM responses WHERE session_id = :s GROUP BY 1"),
                {"s": sid},
            ).all()
            scores = c.execute(
                text("SELECT count(*) FROM scores s JOIN responses r ON r.id = s.response_id WHERE r.session_id = :s"),
                {"s": sid},
            ).scalar_one()
            reports = c.execute(text("SELECT count(*) FROM feedback_reports WHERE session_id = :s"), {"s": sid})
            status = c.execute(text("SELECT status FROM sessions WHERE id = :s"), {"s": sid}).scalar_one()
            n_reports = reports.scalar_one()
    finally:
        engine.dispose()
    assert len(per_question) == expected_answers, per_question
    assert all(n == 1 for _, n in per_question), f"an answer was recorded twice: {per_question}"
    assert scores == expected_answers and n_reports == 1 and status == "completed"


def test_answer_in_flight_survives_worker_kill(stack: Stack) -> None:
    with session_stack(stack) as (api, headers, workers, prefix), ThreadPoolExecutor(1) as pool:
        sid, q0 = start_session(api, headers, max_questions=3)
        first = post_answer(api, headers, sid, q0["id"])
        assert first.status_code == 200, first.text
        q1 = first.json()["question"]
        wait_scored(api, headers, sid, 1)

        workers[0].kill()
        pending = pool.submit(post_answer, api, headers, sid, q1["id"])
        time.sleep(2)
        assert not pending.done(), "with no worker alive the answer cannot have been processed"

        workers.append(start_worker(stack, prefix))
        restarted = time.monotonic()
        second = pending.result(timeout=60)
        waited = time.monotonic() - restarted
        assert second.status_code == 200, second.text
        q2 = second.json()["question"]
        assert q2 is not None and q2["index"] == 2 and q2["id"] not in (q0["id"], q1["id"])
        log.info("in-flight answer returned %.1f s after the new worker was ready", waited)
        assert waited < 30, f"answer took {waited:.1f} s after the new worker started"

        assert finish(api, headers, sid, q2) == 1
        report = wait_report(api, headers, sid)
        assert len(report["answers"]) == 3
    assert_recorded_once(stack, sid, expected_answers=3)


def test_idle_session_survives_worker_kill(stack: Stack) -> None:
    with session_stack(stack) as (api, headers, workers, prefix):
        sid, q0 = start_session(api, headers, max_questions=2)
        first = post_answer(api, headers, sid, q0["id"])
        assert first.status_code == 200, first.text
        wait_scored(api, headers, sid, 1)

        workers[0].kill()
        workers.append(start_worker(stack, prefix))
        # The new worker has no cached state: it replays the session's history to answer the query
        # and the next update, and must land on the same current question.
        t0 = time.monotonic()
        state = api.get(f"/api/sessions/{sid}", headers=headers).json()
        t1 = time.monotonic()
        assert state["status"] == "active" and state["question"] == first.json()["question"]
        assert finish(api, headers, sid, first.json()["question"]) == 1
        log.info("after restart: query %.1f s, next answer %.1f s", t1 - t0, time.monotonic() - t1)
        report = wait_report(api, headers, sid)
        assert len(report["answers"]) == 2
    assert_recorded_once(stack, sid, expected_answers=2)
