"""The `make up` supervisor tells the user plainly when a port is taken, and leaves nothing running."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.services import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("variable", ["TALENTSYNC_PG_PORT", "TALENTSYNC_REDIS_PORT"])
def test_port_in_use_is_explained(tmp_path, variable):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = blocker.getsockname()[1]
        env = {
            **os.environ,
            "DATA_DIR": str(tmp_path / "data"),
            "TALENTSYNC_PG_PORT": str(free_port()),
            "TALENTSYNC_REDIS_PORT": str(free_port()),
            variable: str(taken),
        }
        for name in ("DATABASE_URL", "REDIS_URL", "TEMPORAL_ADDRESS"):
            env.pop(name, None)
        r = subprocess.run(
            [sys.executable, "-m", "devstack"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
        )
    assert r.returncode == 1
    assert f"port {taken}" in r.stdout and variable in r.stdout and "Cannot start" in r.stdout
    # Whatever started before the failure was stopped again.
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in ps
