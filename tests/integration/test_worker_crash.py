"""A worker process dies (`kill -9`) in the middle of an interview; the session carries on.

Real stack (PostgreSQL, Redis, Temporal dev server, worker.py subprocesses, the FastAPI app); each
test has its own task-queue prefix so only its own workers serve its sessions. Temporal keeps the
session's state in its history, so a new worker rebuilds it by replay: no answer is lost and none is
recorded twice. The dead worker's sticky queue holds the next workflow task for its 10 s
schedule-to-start timeout before the task moves to the normal queue, and an activity that was
running on the dead worker is retried once its start-to-close or heartbeat timeout (10-15 s,
workflows/interview_session.py) runs out: recovery is measured from the moment the new worker is
ready, and should take well under 30 s.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from devstack.services import free_port, temporal_service
from talentsync.events import channel
from talentsync.speech.audio import decode_audio
from talentsync.speech.encode import encode_audio
from tests.conftest import REPO, Stack, WorkerProc, register, start_worker, wait_report

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


# What "resumes within 30 s of a new worker being ready" is checked against: generous, because the
# machine is shared and a workflow task may wait out the dead worker's 10 s sticky-queue timeout.
RECOVERY_BOUND_S = 45
SPEECH_CLIP = REPO / "tests" / "fixtures" / "speech" / "sense_and_sensibility_01_austen_64kb-0870.wav"


def pending_activities(stack: Stack, sid: str) -> list[str]:
    """The session workflow's pending activities as `name:STATE`, for the log of what was cut off."""
    from temporalio.api.enums.v1 import PendingActivityState

    from workflows.client import connect_temporal

    async def describe() -> list[str]:
        client = await connect_temporal(stack.temporal_address)
        desc = await client.get_workflow_handle(f"session-{sid}").describe()
        return [
            f"{a.activity_type.name}:{PendingActivityState.Name(a.state).removeprefix('PENDING_ACTIVITY_STATE_')}"
            for a in desc.raw_description.pending_activities
        ]

    return asyncio.run(describe())


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


def test_report_after_kill_while_the_session_is_finishing(stack: Stack) -> None:
    # The last answer starts scoring, then finalize and the feedback report. Freezing the worker
    # the moment that answer is back and then killing it leaves those activities to the new one.
    with session_stack(stack) as (api, headers, workers, prefix):
        sid, q0 = start_session(api, headers, max_questions=2)
        first = post_answer(api, headers, sid, q0["id"])
        assert first.status_code == 200, first.text
        last = post_answer(api, headers, sid, first.json()["question"]["id"])
        assert last.status_code == 200 and last.json()["question"] is None, last.text
        os.kill(workers[0].proc.pid, signal.SIGSTOP)
        cut_off = pending_activities(stack, sid)
        workers[0].kill()
        killed = time.monotonic()

        workers.append(start_worker(stack, prefix))
        ready = time.monotonic()
        report = wait_report(api, headers, sid, timeout=120)
        recovered = time.monotonic() - ready
        print(
            f"\nreport ready {recovered:.1f} s after the new worker was ready "
            f"({ready - killed:.1f} s after the kill it took to start; cut off: {cut_off})"
        )
        log.info("report ready %.1f s after the new worker was ready; cut off %s", recovered, cut_off)
        assert len(report["answers"]) == 2
        assert recovered < RECOVERY_BOUND_S, f"report took {recovered:.1f} s after the new worker was ready"
    assert_recorded_once(stack, sid, expected_answers=2)


def test_voice_answer_survives_kill_during_transcription(stack: Stack, tmp_path: Any) -> None:
    import redis

    webm = encode_audio(decode_audio(SPEECH_CLIP).samples, 16_000, tmp_path / "answer.webm", "webm").read_bytes()
    events = redis.Redis.from_url(stack.redis_url).pubsub()
    with session_stack(stack) as (api, headers, workers, prefix), ThreadPoolExecutor(1) as pool:
        sid, q0 = start_session(api, headers, max_questions=1)
        events.subscribe(channel(sid))
        pending = pool.submit(
            api.post,
            f"/api/sessions/{sid}/answers/audio",
            data={"question_id": q0["id"]},
            files={"file": ("answer.webm", webm, "application/octet-stream")},
            headers=headers,
        )
        # Kill the worker once Whisper is at work on the answer: the activity is in flight.
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "transcription never started"
            message = events.get_message(timeout=1)
            if message and message["type"] == "message" and b'"transcribing"' in message["data"]:
                break
        workers[0].kill()
        killed = time.monotonic()
        events.close()

        workers.append(start_worker(stack, prefix))
        ready = time.monotonic()
        answered = pending.result(timeout=120)
        answer_s = time.monotonic() - ready
        assert answered.status_code == 200, answered.text
        assert "dashwood" in answered.json()["transcript"]["text"].lower()
        report = wait_report(api, headers, sid, timeout=120)
        report_s = time.monotonic() - ready
        print(
            f"\nvoice answer back {answer_s:.1f} s, report {report_s:.1f} s after the new worker was ready "
            f"({ready - killed:.1f} s after the kill it took to start)"
        )
        log.info("voice answer %.1f s, report %.1f s after the new worker was ready", answer_s, report_s)
        assert report["answers"][0]["source"] == "audio"
        assert report_s < RECOVERY_BOUND_S, f"report took {report_s:.1f} s after the new worker was ready"
    assert_recorded_once(stack, sid, expected_answers=1)


def test_worker_exits_non_zero_when_temporal_goes_away(stack: Stack) -> None:
    # The SDK retries polls forever; without the watchdog this process would stay up, polling
    # nothing, and its supervisor would never restart it.
    temporal = temporal_service(None, free_port(), None, stack.data_dir / "logs")
    temporal.start()
    address = temporal.argv[temporal.argv.index("--port") + 1]
    log_path = stack.data_dir / "logs" / f"worker-watchdog-{uuid.uuid4().hex[:6]}.log"
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "worker.py"), "--queues", "interview", "--exit-after-unreachable", "5"],
            env=stack.env(TEMPORAL_ADDRESS=f"127.0.0.1:{address}", TASK_QUEUE_PREFIX="watchdog-"),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
    try:
        deadline = time.monotonic() + 120
        while "worker ready" not in log_path.read_text(errors="replace"):
            assert proc.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "worker did not start"
            time.sleep(0.2)
        temporal.proc.kill()  # type: ignore[union-attr]
        gone = time.monotonic()
        code = proc.wait(timeout=60)
        took = time.monotonic() - gone
        print(f"\nworker exited with code {code} {took:.1f} s after Temporal went away")
        assert code == 1, log_path.read_text()[-3000:]
        # 5 s unreachable, checks every 5 s, then at most a 10 s bounded shutdown.
        assert took < 30
        assert "giving up" in log_path.read_text(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
        temporal.stop()
