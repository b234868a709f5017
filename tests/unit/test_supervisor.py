"""The `make up` supervisor restarts the worker or API when it exits, and gives up on a crash loop.

Real child processes (small Python scripts) under the real ``Supervisor.supervise`` loop.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from devstack.services import ManagedProcess
from devstack.up import Supervisor

pytestmark = pytest.mark.slow  # the supervisor polls once a second: ~7 s

# First run: becomes ready, then dies (like a worker whose poller failed). Later runs die during
# start-up, before they are ready (like a worker that cannot reach Temporal yet).
SCRIPT = """
import pathlib, sys, time
marker = pathlib.Path(sys.argv[1])
print("attempt", flush=True)
if marker.exists():
    sys.exit(3)
marker.write_text("started")
print("worker ready", flush=True)
time.sleep(0.3)
sys.exit(1)
"""


def test_an_exiting_app_is_restarted_and_a_crash_loop_stops_the_supervisor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    log = tmp_path / "worker.log"
    proc = ManagedProcess(
        "worker",
        [sys.executable, "-c", SCRIPT, str(tmp_path / "marker")],
        lambda: "worker ready" in proc.new_log_text(),
        log,
        startup_timeout=10,
    )
    proc.start()
    supervisor = Supervisor()
    supervisor.started = [proc]
    supervisor.apps = [proc]

    # A restart that fails during start-up must not escape as an exception (that used to stop
    # the whole stack as "Cannot start"); it counts as a crash, and five in a minute end it.
    assert supervisor.supervise() == 1
    assert log.read_text().count("attempt") == 6  # the first start and five restarts
    assert not proc.alive()
