"""An embedded stack whose parts can be killed and restarted: PostgreSQL, Redis (AOF, as `make up`),
the Temporal dev server on its sqlite file (state survives a restart), one worker and the API under
uvicorn, all on 127.0.0.1 with random ports and a temporary data directory.

`ChaosStack.start()` starts all of it; the bounded test passes an already migrated and seeded
PostgreSQL (`database_url`) and gets the rest of its own, so restarting its Redis or Temporal never
touches the servers the other tests share.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.services import (
    HOST,
    ManagedProcess,
    api_argv,
    ensure_database,
    free_port,
    postgres_service,
    redis_service,
    tail,
    temporal_service,
)

ROOT = Path(__file__).resolve().parents[2]
ALL_QUEUES = "interview,ml,retrieval,feedback,transcription"

# Limits a real deployment keeps per user stay on; these only let one machine play many candidates.
CHAOS_ENV = {
    "LOGIN_RATE_LIMIT": "100000/minute",
    "LOGIN_IP_FAILURE_LIMIT": "100000/minute",
    "UPLOAD_RATE_LIMIT": "100000/minute",
    "ANSWER_RATE_LIMIT": "100000/minute",
    "SESSION_START_RATE_LIMIT": "100000/minute",
    "WS_TICKET_RATE_LIMIT": "100000/minute",
    "PERCENTILE_MIN_POPULATION": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "WORKER_METRICS_PORT": "0",
}


@dataclass
class ChaosStack:
    data: Path
    queues: str = ALL_QUEUES
    database_url: str = ""
    env: dict[str, str] = field(default_factory=dict)
    postgres: ManagedProcess | None = None
    redis: ManagedProcess | None = None
    temporal: ManagedProcess | None = None
    worker: ManagedProcess | None = None
    api: ManagedProcess | None = None
    api_url: str = ""
    temporal_address: str = ""
    owns_data: bool = True
    setup_s: dict[str, float] = field(default_factory=dict)

    # ------------------------------------------------------------------ start / stop

    @classmethod
    def start(
        cls, database_url: str | None = None, queues: str = ALL_QUEUES, extra_env: dict[str, str] | None = None
    ) -> ChaosStack:
        # Under /tmp (not /root): the postgres system user must be able to reach the data directory.
        data = Path(tempfile.mkdtemp(prefix="talentsync-chaos-", dir="/tmp"))
        stack = cls(data=data, queues=queues)
        try:
            stack._start(database_url, extra_env or {})
        except BaseException:
            stack.print_tails()
            stack.stop()
            raise
        return stack

    def _start(self, database_url: str | None, extra_env: dict[str, str]) -> None:
        logs = self.data / "logs"
        t0 = time.perf_counter()
        seed = database_url is None
        if database_url is None:
            pg_port = free_port()
            self.postgres = postgres_service(self.data, pg_port, logs)
            self.postgres.start()
            ensure_database(f"postgresql://postgres@{HOST}:{pg_port}/postgres", "talentsync")
            database_url = f"postgresql+psycopg://postgres@{HOST}:{pg_port}/talentsync"
        self.database_url = database_url
        redis_port, t_port = free_port(), free_port()
        self.redis = redis_service(self.data, redis_port, logs)  # AOF on: as `make up` runs it
        self.redis.start()
        self.temporal = temporal_service(self.data, t_port, None, logs)  # sqlite file + WAL
        self.temporal.start()
        self.temporal_address = f"{HOST}:{t_port}"
        run_dir = self.data / "run"
        run_dir.mkdir(mode=0o700, exist_ok=True)
        self.env = {
            **CHAOS_ENV,
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://{HOST}:{redis_port}/0",
            "TEMPORAL_ADDRESS": self.temporal_address,
            "DATA_DIR": str(self.data),
            "XDG_RUNTIME_DIR": str(run_dir),
            "TASK_QUEUE_PREFIX": "",
            "ENVIRONMENT": "development",
            **extra_env,
        }
        self.setup_s["services"] = round(time.perf_counter() - t0, 1)
        if seed:
            t0 = time.perf_counter()
            code = (
                "from talentsync.config import Settings; from talentsync.seed import migrate, seed; "
                "s = Settings(); migrate(s.database_url); seed(s)"
            )
            done = subprocess.run(
                [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **self.env}, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise RuntimeError(f"migrate/seed failed:\n{done.stderr[-3000:]}")
            self.setup_s["migrate_seed"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        self.worker = ManagedProcess(
            "worker",
            [sys.executable, str(ROOT / "worker.py"), "--queues", self.queues],
            lambda: False,
            logs / "worker.log",
            env=self.env,
            cwd=ROOT,
            startup_timeout=180,
        )
        worker = self.worker
        worker.ready = lambda: "worker ready" in worker.new_log_text()
        api_port = free_port()
        self.api_url = f"http://{HOST}:{api_port}"
        self.api = ManagedProcess(
            "API", api_argv(api_port), self._api_ready, logs / "api.log", env=self.env, cwd=ROOT, startup_timeout=120
        )
        # The API does not need the worker to be ready: both start at once.
        with ThreadPoolExecutor(2) as pool:
            for started in [pool.submit(worker.start), pool.submit(self.api.start)]:
                started.result()
        self.setup_s["worker_and_api"] = round(time.perf_counter() - t0, 1)

    def wait_until_warm(self, limit_s: float = 300) -> float:
        """Wait for the worker's one-time warm-up of scoring references (talentsync/scoring/
        reference_store.py) on a fresh database: until it ends, scoring competes with it for the CPU
        and a drill would measure the first start after installation, not recovery. Seconds waited."""
        assert self.worker is not None
        t0 = time.perf_counter()
        log_text = ""
        while time.perf_counter() - t0 < limit_s:
            log_text = self.worker.log_path.read_text(errors="replace")
            if "scoring references warm" in log_text or "warming scoring references failed" in log_text:
                break
            if "reference_store" not in log_text and not (ROOT / "talentsync/scoring/reference_store.py").exists():
                break  # no warm-up in this version
            time.sleep(0.5)
        return round(time.perf_counter() - t0, 1)

    def _api_ready(self) -> bool:
        try:
            return httpx.get(f"{self.api_url}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def processes(self) -> list[ManagedProcess]:
        return [p for p in (self.postgres, self.redis, self.temporal, self.worker, self.api) if p is not None]

    def stop(self) -> None:
        for p in reversed(self.processes()):
            try:
                p.stop()
            except Exception as exc:  # keep stopping the others
                print(f"  could not stop {p.name}: {exc}", file=sys.stderr)
        if self.owns_data:
            shutil.rmtree(self.data, ignore_errors=True)

    def print_tails(self) -> None:
        for p in self.processes():
            print(f"--- {p.name} log tail ({p.log_path}):\n{tail(p.log_path, 25)}", file=sys.stderr)

    # ------------------------------------------------------------------ faults (each returns when back)

    def kill_worker(self) -> tuple[float, float]:
        """kill -9 the worker, start a new one; (time of the kill, time the new one was ready)."""
        assert self.worker is not None and self.worker.proc is not None
        killed = time.monotonic()
        self.worker.proc.send_signal(signal.SIGKILL)
        self.worker.proc.wait(10)
        self.worker.start()
        return killed, time.monotonic()

    def restart_temporal(self, down_s: float = 0.0) -> tuple[float, float]:
        assert self.temporal is not None
        stopped = time.monotonic()
        self.temporal.stop()
        time.sleep(down_s)
        self.temporal.start()
        return stopped, time.monotonic()

    def restart_postgres(self, down_s: float = 0.0) -> tuple[float, float]:
        """A fast shutdown (SIGINT: clients are disconnected, no crash recovery), then a start."""
        assert self.postgres is not None and self.postgres.proc is not None
        stopped = time.monotonic()
        self.postgres.proc.send_signal(signal.SIGINT)
        self.postgres.proc.wait(30)
        time.sleep(down_s)
        self.postgres.start()
        return stopped, time.monotonic()

    def restart_redis(self, down_s: float = 0.0) -> tuple[float, float]:
        assert self.redis is not None
        stopped = time.monotonic()
        self.redis.stop()
        time.sleep(down_s)
        self.redis.start()
        return stopped, time.monotonic()
