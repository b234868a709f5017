"""The init container deploy/k8s puts in front of the API and every worker: it must keep waiting on a
database the migrate Job has not upgraded yet, and let the pod start once the schema is at head.

The command is read from the manifest and run here with this repository's alembic.ini (the image's
working directory holds the same files), against the test stack's PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO, Stack
from tests.deploy_checks.k8s import load_manifests

pytestmark = pytest.mark.integration
VENV_PATH = f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"


def wait_command() -> list[str]:
    commands = {
        tuple(init["command"])
        for _, doc in load_manifests()
        if doc["kind"] == "Deployment"
        for init in doc["spec"]["template"]["spec"].get("initContainers", [])
        if init["name"] == "wait-for-migrations"
    }
    assert len(commands) == 1, commands  # one command, the same in every Deployment
    return list(commands.pop())


def run_wait(stack: Stack, database_url: str, timeout: float) -> subprocess.CompletedProcess[str] | None:
    env = {**stack.env(), "DATABASE_URL": database_url, "PATH": VENV_PATH}
    try:
        return subprocess.run(wait_command(), cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def test_passes_once_the_schema_is_at_head(stack: Stack) -> None:
    done = run_wait(stack, stack.database_url, timeout=60)
    assert done is not None and done.returncode == 0, done


def test_keeps_waiting_on_an_unmigrated_database(stack: Stack) -> None:
    from devstack.services import ensure_database

    port = urlsplit(stack.database_url.replace("+psycopg", "")).port
    name = f"unmigrated_{uuid.uuid4().hex[:8]}"
    ensure_database(f"postgresql://postgres@127.0.0.1:{port}/postgres", name)
    assert run_wait(stack, f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}", timeout=8) is None
