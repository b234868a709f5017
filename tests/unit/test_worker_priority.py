"""A worker process that serves only background roles yields the CPU to the answer path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _niceness_after(queues: list[str], increment: int) -> tuple[int, int]:
    # A child process: lowering priority cannot be undone, so the test process never does it.
    code = (
        "import os, worker; before = os.nice(0); "
        f"after = worker.lower_priority_if_background({queues!r}, {increment}); print(before, after)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    before, after = out.stdout.split()
    return int(before), int(after)


@pytest.mark.parametrize(
    ("queues", "lowered"),
    [
        (["ml"], True),
        (["ml", "feedback"], True),
        (["interview"], False),
        (["retrieval", "ml"], False),  # a process on the answer path keeps its priority
        (["interview", "transcription", "ml", "retrieval", "feedback"], False),
    ],
)
def test_only_background_processes_lower_their_priority(queues, lowered):
    before, after = _niceness_after(queues, 10)
    assert after == (min(before + 10, 19) if lowered else before)


def test_zero_turns_it_off():
    before, after = _niceness_after(["ml"], 0)
    assert after == before
