"""The embedded stack a benchmark runs against: PostgreSQL, Redis, Temporal (as `make up` tunes it),
migrations and seed, worker process(es) and the API, on random 127.0.0.1 ports; `stop()` ends it all
and removes its data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.services import (  # noqa: E402
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


@dataclass
class BenchStack:
    """Everything this benchmark started; `stop()` ends it in reverse order and removes the data."""

    temporal_mode: str
    data: Path
    procs: list[ManagedProcess] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    api_url: str = ""
    temporal_address: str = ""
    temporal_argv: list[str] = field(default_factory=list)
    setup_s: dict[str, float] = field(default_factory=dict)
    workers: dict[str, str] = field(default_factory=dict)  # process name -> roles it serves

    def pids(self) -> dict[str, int]:
        return {p.name: p.proc.pid for p in self.procs if getattr(p, "proc", None) is not None}

    def stop(self) -> None:
        for p in reversed(self.procs):
            try:
                p.stop()
            except Exception as exc:  # keep stopping the others
                print(f"  could not stop {p.name}: {exc}", file=sys.stderr)
        shutil.rmtree(self.data, ignore_errors=True)


def _timed(stack: BenchStack, name: str, t0: float) -> None:
    stack.setup_s[name] = round(time.perf_counter() - t0, 2)


def wait_for_scoring_references(stack: BenchStack, timeout: float = 400.0) -> float:
    """Seconds until every scoring worker logs that its question-side vectors are ready.

    On the first start after an install, a scoring worker computes them in a low-priority background
    thread (then they live in PostgreSQL and later starts only load them). That one-off work would
    otherwise run through the first phases and measure an install, not the steady state.
    """
    t0 = time.perf_counter()
    serves_ml = {name for name, q in stack.workers.items() if q == "all" or "ml" in q.split(",")}
    scoring = [p for p in stack.procs if p.name in serves_ml]
    while any("scoring references warm" not in p.new_log_text() for p in scoring):
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError("scoring references were not ready in time; see the worker logs")
        time.sleep(0.5)
    return round(time.perf_counter() - t0, 1)


def start_stack(
    temporal_mode: str,
    worker_env: dict[str, str] | None = None,
    worker_root: Path = ROOT,
    worker_queues: list[str] | None = None,
) -> BenchStack:
    """``worker_queues``: one worker process per entry, each a comma-separated list of roles
    (default: one process serving every role; bench/interview.py passes what `make up` runs)."""
    # Under /tmp (not /root): the postgres system user must be able to reach the data directory.
    data = Path(tempfile.mkdtemp(prefix="talentsync-bench-", dir="/tmp"))
    logs = data / "logs"
    stack = BenchStack(temporal_mode=temporal_mode, data=data)
    try:
        t0 = time.perf_counter()
        pg_port, redis_port, t_port, api_port = free_port(), free_port(), free_port(), free_port()
        pg = postgres_service(data, pg_port, logs)
        pg.start()
        stack.procs.append(pg)
        ensure_database(f"postgresql://postgres@{HOST}:{pg_port}/postgres", "talentsync")
        r = redis_service(data, redis_port, logs)  # persistent, as `make up` runs it
        r.start()
        stack.procs.append(r)
        # sqlite file + WAL pragmas exactly as `make up` (devstack.up) starts it; or in-memory.
        t = temporal_service(data if temporal_mode == "sqlite" else None, t_port, None, logs)
        stack.temporal_argv = t.argv
        t.start()
        stack.procs.append(t)
        _timed(stack, "services", t0)

        stack.temporal_address = f"{HOST}:{t_port}"
        run_dir = data / "run"
        run_dir.mkdir(mode=0o700)
        stack.env = {
            "DATABASE_URL": f"postgresql+psycopg://postgres@{HOST}:{pg_port}/talentsync",
            "REDIS_URL": f"redis://{HOST}:{redis_port}/0",
            "TEMPORAL_ADDRESS": stack.temporal_address,
            "DATA_DIR": str(data),
            # The benchmark's candidates answer back to back, far faster than people type, and its users
            # run many sessions: the per-user limits that guard the product would throttle the load.
            "LOGIN_RATE_LIMIT": "100000/minute",
            "ANSWER_RATE_LIMIT": "100000/minute",
            "SESSION_START_RATE_LIMIT": "100000/minute",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
            "TRANSFORMERS_VERBOSITY": "error",
            "XDG_RUNTIME_DIR": str(run_dir),
            "TASK_QUEUE_PREFIX": "",
            # Several worker processes on one machine: no fixed metrics port to clash on.
            "WORKER_METRICS_PORT": "0",
        }

        t0 = time.perf_counter()
        # Migrate and seed in a child process so this process stays free of torch and its threads.
        seeded = subprocess.run(
            [
                sys.executable,
                "-c",
                "from talentsync.config import Settings; from talentsync.seed import migrate, seed; "
                "s = Settings(); migrate(s.database_url); print(seed(s))",
            ],
            cwd=ROOT,
            env={**os.environ, **stack.env},
            capture_output=True,
            text=True,
        )
        if seeded.returncode != 0:
            raise RuntimeError(f"migrate/seed failed:\n{seeded.stderr[-3000:]}")
        _timed(stack, "migrate_seed", t0)

        t0 = time.perf_counter()
        for i, queues in enumerate(worker_queues or [""]):
            argv = [sys.executable, str(worker_root / "worker.py")] + (["--queues", queues] if queues else [])
            name = f"worker-{i}" if worker_queues else "worker"
            worker = ManagedProcess(
                name,
                argv,
                lambda: False,
                logs / f"{name}.log",
                env={**stack.env, **(worker_env or {})},
                cwd=worker_root,
                startup_timeout=180,
            )
            worker.ready = lambda w=worker: "worker ready" in w.new_log_text()  # type: ignore[misc]
            worker.start()
            stack.procs.append(worker)
            stack.workers[name] = queues or "all"
        _timed(stack, "workers", t0)

        t0 = time.perf_counter()
        stack.api_url = f"http://{HOST}:{api_port}"

        def api_ready() -> bool:
            try:
                return httpx.get(f"{stack.api_url}/api/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        api = ManagedProcess(
            "API",
            api_argv(api_port),
            api_ready,
            logs / "api.log",
            env=stack.env,
            cwd=ROOT,
            startup_timeout=120,
        )
        api.start()
        stack.procs.append(api)
        _timed(stack, "api", t0)
        return stack
    except BaseException:
        for p in stack.procs:
            print(f"--- {p.name} log tail:\n{tail(p.log_path)}", file=sys.stderr)
        stack.stop()
        raise
