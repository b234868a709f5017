"""`make up`: start and supervise the whole product on embedded defaults.

PostgreSQL+pgvector, Redis, the Temporal dev server (Web UI), migrations, seed content, the worker and
the API serving the web app — all on 127.0.0.1. DATABASE_URL / REDIS_URL / TEMPORAL_ADDRESS in the
environment point at external services instead. Ctrl-C stops everything in reverse order.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path

from devstack.services import (
    HOST,
    ManagedProcess,
    ServiceError,
    api_argv,
    ensure_database,
    port_is_free,
    postgres_service,
    redis_service,
    require_free_port,
    tail,
    tcp_ready,
    temporal_service,
)
from talentsync.config import REPO_ROOT

console = logging.getLogger("talentsync.up")  # the supervisor's console output

BOLD, GREEN, RED, DIM, RESET = (
    ("\033[1m", "\033[32m", "\033[31m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("",) * 5
)


# The answer path (interview, retrieval, transcription) in one process and the background roles
# (scoring, reports) in another that yields the CPU to it (BACKGROUND_WORKER_NICE): on this 2-core
# machine that answers faster and takes more answers per second than one process for everything
# (bench/results/interview_open30_*.json).
DEFAULT_WORKER_PROCESSES = "interview,retrieval,transcription;ml,feedback"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Supervisor:
    def __init__(self) -> None:
        self.data_dir = Path(os.environ.get("DATA_DIR", REPO_ROOT / ".data")).resolve()
        self.log_dir = self.data_dir / "logs"
        self.started: list[ManagedProcess] = []
        self.apps: list[ManagedProcess] = []
        self.step_no = 0
        self.total_steps = 7
        self.stopping = False

    def step(self, text: str) -> float:
        self.step_no += 1
        console.info("%s[%d/%d]%s %s…", BOLD, self.step_no, self.total_steps, RESET, text)
        return time.monotonic()

    def done(self, t0: float, note: str = "") -> None:
        console.info("      %sok%s %s(%.1fs)%s%s", GREEN, RESET, DIM, time.monotonic() - t0, note and " " + note, RESET)

    def start(self, proc: ManagedProcess) -> None:
        proc.start()
        self.started.append(proc)

    def run(self) -> int:
        env: dict[str, str] = {"DATA_DIR": str(self.data_dir)}
        # Quiet third-party start-up noise (progress bars, runtime-dir warnings) in the console.
        run_dir = self.data_dir / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        run_dir.chmod(0o700)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(run_dir))
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        pg_port, redis_port = _port("TALENTSYNC_PG_PORT", 5433), _port("TALENTSYNC_REDIS_PORT", 6380)
        temporal_port, ui_port = (
            _port("TALENTSYNC_TEMPORAL_PORT", 7233),
            _port("TALENTSYNC_TEMPORAL_UI_PORT", 8233),
        )
        api_port = _port("API_PORT", 8000)
        self.data_dir.mkdir(parents=True, exist_ok=True)

        def start_postgres() -> tuple[dict[str, str], str]:
            require_free_port(pg_port, "PostgreSQL", "TALENTSYNC_PG_PORT")
            self.start(postgres_service(self.data_dir, pg_port, self.log_dir))
            ensure_database(f"postgresql://postgres@{HOST}:{pg_port}/postgres", "talentsync")
            return {"DATABASE_URL": f"postgresql+psycopg://postgres@{HOST}:{pg_port}/talentsync"}, f"{HOST}:{pg_port}"

        def start_redis() -> tuple[dict[str, str], str]:
            require_free_port(redis_port, "Redis", "TALENTSYNC_REDIS_PORT")
            self.start(redis_service(self.data_dir, redis_port, self.log_dir))
            return {"REDIS_URL": f"redis://{HOST}:{redis_port}/0"}, f"{HOST}:{redis_port}"

        def start_temporal() -> tuple[dict[str, str], str]:
            require_free_port(temporal_port, "Temporal", "TALENTSYNC_TEMPORAL_PORT")
            require_free_port(ui_port, "the Temporal Web UI", "TALENTSYNC_TEMPORAL_UI_PORT")
            self.start(temporal_service(self.data_dir, temporal_port, ui_port, self.log_dir))
            urls = {"TEMPORAL_ADDRESS": f"{HOST}:{temporal_port}", "TEMPORAL_UI_URL": f"http://{HOST}:{ui_port}"}
            return urls, f"{HOST}:{temporal_port}"

        for title, variable, start_embedded in (
            ("PostgreSQL with pgvector", "DATABASE_URL", start_postgres),
            ("Redis", "REDIS_URL", start_redis),
            ("Temporal dev server + Web UI", "TEMPORAL_ADDRESS", start_temporal),
        ):
            t0 = self.step(title)
            if os.environ.get(variable):  # an external service replaces the embedded one
                env[variable] = os.environ[variable]
                self.done(t0, f"(external, from {variable})")
            else:
                urls, where = start_embedded()
                env.update(urls)
                self.done(t0, where)
        os.environ.update(env)

        from talentsync.config import Settings
        from talentsync.seed import migrate, seed

        settings = Settings()
        t0 = self.step("Database migrations (alembic upgrade head)")
        migrate(settings.database_url)
        self.done(t0)

        t0 = self.step("Seed content: roles, first admin, question packs and their embeddings")
        stats = seed(settings)
        changed = (
            f"{stats.get('vectors', 0)} vectors embedded" if stats.get("changed") else "unchanged since last start"
        )
        self.done(t0, f"{stats.get('packs', 0)} packs, {changed}")

        # WORKER_PROCESSES splits the roles over processes, ';'-separated, e.g.
        # "interview,retrieval,transcription;ml,feedback;ml,feedback" runs three (two for scoring);
        # set it empty for one process serving every role.
        split = os.environ.get("WORKER_PROCESSES", DEFAULT_WORKER_PROCESSES)
        groups = [g.strip() for g in split.split(";") if g.strip()] or [""]
        label = "; ".join(g or "all task queues" for g in groups)
        t0 = self.step(f"Worker process(es): {label}")
        # The first worker gets the metrics port; a taken port turns worker metrics off, not the start.
        metrics_port = _port("WORKER_METRICS_PORT", 9464)
        if metrics_port and not port_is_free(metrics_port):
            console.warning(f"      port {metrics_port} is in use: worker metrics are off (set WORKER_METRICS_PORT)")
            metrics_port = 0
        worker_urls: list[str] = []
        python = sys.executable
        for i, queues in enumerate(groups):
            name = "worker" if len(groups) == 1 else f"worker-{i + 1}"
            port = metrics_port + i if metrics_port and port_is_free(metrics_port + i) else 0
            if port:
                worker_urls.append(f"http://{HOST}:{port}/metrics ({queues or 'all roles'})")
            worker = ManagedProcess(
                name,
                [python, str(REPO_ROOT / "worker.py"), *(["--queues", queues] if queues else [])],
                lambda: False,
                self.log_dir / f"{name}.log",
                env={**env, "WORKER_METRICS_PORT": str(port)},
                cwd=REPO_ROOT,
                startup_timeout=180,
            )
            worker.ready = lambda w=worker: self._worker_ready(w)  # type: ignore[misc]
            self.start(worker)
            self.apps.append(worker)
        self.done(t0)
        worker_metrics = ", ".join(worker_urls) or "off"

        t0 = self.step("API + web app")
        require_free_port(api_port, "the API", "API_PORT")
        api = ManagedProcess(
            "API",
            api_argv(api_port),
            lambda: tcp_ready(api_port),
            self.log_dir / "api.log",
            env=env,
            cwd=REPO_ROOT,
            startup_timeout=120,
        )
        self.start(api)
        self.apps.append(api)
        self.done(t0)

        ui = env.get("TEMPORAL_UI_URL", settings.temporal_ui_url)
        from talentsync.config import DEV_ADMIN_PASSWORD

        admin_pw = settings.first_admin_password.get_secret_value()
        admin_pw = (
            f"{admin_pw} (development default; set FIRST_ADMIN_PASSWORD)"
            if admin_pw == DEV_ADMIN_PASSWORD
            else "(FIRST_ADMIN_PASSWORD)"
        )
        console.info(
            f"\n{BOLD}TalentSync is running.{RESET}\n"
            f"  Web app          http://{HOST}:{api_port}\n"
            f"  API docs         http://{HOST}:{api_port}/api/docs\n"
            f"  Temporal Web UI  {ui}\n"
            f"  Metrics          http://{HOST}:{api_port}/metrics (API), {worker_metrics}\n"
            f"  Admin sign-in    {settings.first_admin_email} / {admin_pw}\n"
            f"  Data             {self.data_dir}   Logs: {self.log_dir}\n"
            f"Press Ctrl-C to stop.\n"
        )
        return self.supervise()

    def _worker_ready(self, proc: ManagedProcess) -> bool:
        # Only what this run wrote counts; the log file is appended across restarts.
        return "worker ready" in proc.new_log_text()

    def supervise(self) -> int:
        """Restart the worker or the API whenever it exits (a crash, kill -9, or the worker quitting
        because a poller died or Temporal was unreachable); give up if one crashes 5 times a minute.
        A dead infrastructure service (PostgreSQL, Redis, Temporal) stops everything instead."""
        restarts: dict[str, list[float]] = {}
        while not self.stopping:
            time.sleep(1)
            for proc in self.started:
                if proc.alive() or self.stopping:
                    continue
                code = proc.proc.returncode if proc.proc is not None else None
                if proc not in self.apps:
                    console.error(
                        f"{RED}{proc.name} stopped unexpectedly (exit code {code}); see {proc.log_path}:{RESET}\n"
                        f"{tail(proc.log_path)}"
                    )
                    return 1
                recent = [t for t in restarts.get(proc.name, []) if time.monotonic() - t < 60]
                if len(recent) >= 5:
                    console.error(
                        f"{RED}{proc.name} keeps crashing; see {proc.log_path}:{RESET}\n{tail(proc.log_path)}"
                    )
                    return 1
                restarts[proc.name] = [*recent, time.monotonic()]
                console.warning(f"{RED}{proc.name} exited (code {code}); restarting (log: {proc.log_path}){RESET}")
                t0 = time.monotonic()
                try:
                    proc.start()
                except ServiceError as err:
                    # A restart that fails counts as one more crash; the next pass tries again.
                    console.error(f"{RED}{proc.name} did not come back: {err}{RESET}")
                    continue
                console.info(f"{GREEN}{proc.name} is back{RESET} {DIM}({time.monotonic() - t0:.1f}s){RESET}")
        return 0

    def stop(self) -> None:
        self.stopping = True
        for proc in reversed(self.started):
            if proc.alive():
                console.info(f"stopping {proc.name}…")
            proc.stop()


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    console.addHandler(handler)
    console.setLevel(logging.INFO)
    console.propagate = False
    sup = Supervisor()

    def on_signal(signum: int, frame: object) -> None:
        sup.stopping = True
        raise KeyboardInterrupt

    # SIGINT explicitly too: a shell that starts us in the background would otherwise leave it ignored.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    code = 1
    try:
        code = sup.run()
    except KeyboardInterrupt:
        console.info("\nshutting down…")
        code = 0
    except ServiceError as err:
        console.error(f"\n{RED}{BOLD}Cannot start:{RESET} {err}")
    except Exception as err:
        console.error(f"\n{RED}{BOLD}Start-up failed:{RESET} {type(err).__name__}: {err}")
        logging.getLogger(__name__).debug("start-up failure", exc_info=True)
    finally:
        sup.stop()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
