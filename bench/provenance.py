"""What a benchmark's JSON records about the code it measured (imported by the bench/*.py scripts)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def head_commit() -> str:
    """The checked-out commit, or "unknown" outside a git checkout."""
    out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    return out.stdout.strip() or "unknown"
