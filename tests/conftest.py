"""Real PostgreSQL, Redis and Temporal for the tests, started here on 127.0.0.1 and stopped after.

`stack` is session-scoped: one set of servers (temporary data, random ports) for the whole run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Stack:
    database_url: str
    redis_url: str
    temporal_address: str
    data_dir: Path

    def settings(self, **overrides: object):  # type: ignore[no-untyped-def]
        from talentsync.config import Settings

        values: dict[str, object] = {
            "environment": "test",
            "database_url": self.database_url,
            "redis_url": self.redis_url,
            "temporal_address": self.temporal_address,
            "data_dir": self.data_dir,
            "login_rate_limit": "1000/minute",
            "upload_rate_limit": "1000/minute",
            "percentile_min_population": 1,
            "followup_thin_words": 0,
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "TEMPORAL_ADDRESS": self.temporal_address,
            "DATA_DIR": str(self.data_dir),
            "ENVIRONMENT": "test",
            "LOGIN_RATE_LIMIT": "1000/minute",
            # Integration tests rank against a handful of earlier sessions, not a real population.
            "PERCENTILE_MIN_POPULATION": "1",
            "UPLOAD_RATE_LIMIT": "1000/minute",
            # Tests script question sequences with short answers; a second follow-up after a thin answer
            # would change them. That path has its own tests (tests/workflows, test_follow_up_words_api).
            "FOLLOWUP_THIN_WORDS": "0",
            # Workers started by tests run side by side (and beside a `make up`): no fixed metrics port.
            "WORKER_METRICS_PORT": "0",
            **extra,
        }


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    from devstack.services import (
        ensure_database,
        free_port,
        postgres_service,
        redis_service,
        temporal_service,
    )

    # Outside /root: the postgres system user must be able to reach the data directory.
    data = Path(tempfile.mkdtemp(prefix="talentsync-test-", dir="/tmp"))
    logs = data / "logs"
    procs = []
    try:
        pg_port, redis_port, t_port = free_port(), free_port(), free_port()
        pg = postgres_service(data, pg_port, logs)
        pg.start()
        procs.append(pg)
        ensure_database(f"postgresql://postgres@127.0.0.1:{pg_port}/postgres", "talentsync")
        r = redis_service(data, redis_port, logs, persist=False)
        r.start()
        procs.append(r)
        t = temporal_service(None, t_port, None, logs)  # in-memory, headless: fast and disposable
        t.start()
        procs.append(t)
        s = Stack(
            database_url=f"postgresql+psycopg://postgres@127.0.0.1:{pg_port}/talentsync",
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
            temporal_address=f"127.0.0.1:{t_port}",
            data_dir=data,
        )
        from talentsync.seed import migrate, seed

        migrate(s.database_url)
        seed(s.settings())
        yield s
    finally:
        for p in reversed(procs):
            p.stop()
        shutil.rmtree(data, ignore_errors=True)


@dataclass
class WorkerProc:
    proc: subprocess.Popen[bytes]
    prefix: str
    log: Path

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def start_worker(
    stack: Stack,
    prefix: str,
    queues: str = "interview,ml,retrieval,feedback,transcription",
    env: dict[str, str] | None = None,
) -> WorkerProc:
    log = stack.data_dir / "logs" / f"worker-{prefix or 'default'}-{uuid.uuid4().hex[:6]}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    fh = open(log, "wb")
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "worker.py"), "--queues", queues],
        env=stack.env(TASK_QUEUE_PREFIX=prefix, **(env or {})),
        stdout=fh,
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )
    import time

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited: {log.read_text()[-3000:]}")
        if "worker ready" in log.read_text(errors="replace"):
            return WorkerProc(proc, prefix, log)
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"worker did not start: {log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def worker(stack: Stack) -> Iterator[WorkerProc]:
    w = start_worker(stack, "")
    yield w
    w.stop()


@pytest.fixture(scope="session")
def api(stack: Stack, worker: WorkerProc):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from api.main import create_app

    with TestClient(create_app(stack.settings()), raise_server_exceptions=False) as client:
        yield client


def register(client, email: str | None = None, password: str = "correct-horse-42") -> dict[str, str]:  # type: ignore[no-untyped-def]
    email = email or f"cand-{uuid.uuid4().hex[:10]}@example.com"
    r = client.post("/api/auth/register", json={"email": email, "password": password, "full_name": "Test Candidate"})
    assert r.status_code == 201, r.text
    tok = client.post("/api/auth/token", data={"username": email, "password": password})
    assert tok.status_code == 200, tok.text
    return {"Authorization": f"Bearer {tok.json()['access_token']}"}


def wait_report(client, headers: dict[str, str], sid: str, timeout: float = 120) -> dict:  # type: ignore[no-untyped-def]
    """Poll GET /report until it is ready (202 while scoring)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get(f"/api/sessions/{sid}/report", headers=headers)
        if r.status_code == 200:
            return r.json()
        assert r.status_code == 202, r.text
        time.sleep(0.3)
    raise AssertionError("report not ready in time")


def follow_up_templates(db, session_question_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The follow-up templates (id, text, trigger) of the bank question behind a session question."""
    from sqlalchemy import text

    with db.connect() as c:
        rows = c.execute(
            text(
                "SELECT t.id, t.text, t.trigger FROM session_questions sq "
                "JOIN follow_up_templates t ON t.question_id = sq.question_id WHERE sq.id = :id ORDER BY t.id"
            ),
            {"id": session_question_id},
        ).all()
    return [dict(r._mapping) for r in rows]
