"""Lint and types are part of the test suite, so CI holds every change to them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PRODUCT = ["talentsync", "api", "activities", "workflows", "devstack", "worker.py"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=600)


def test_ruff_lint():
    r = _run(str(BIN / "ruff"), "check", ".")
    assert r.returncode == 0, r.stdout[-5000:]


def test_ruff_format():
    r = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert r.returncode == 0, r.stdout[-5000:]


def test_mypy():
    r = _run(str(BIN / "mypy"), *PRODUCT)
    assert r.returncode == 0, r.stdout[-5000:]
