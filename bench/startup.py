"""How long `make up` takes to print its URLs: a first start on an empty data directory, then warm starts.

    .venv/bin/python bench/startup.py [--warm 3]

Runs the real `make up` (dependencies and web build already in place, as on a second day of use) with
its data directory in a fresh temp dir and every port a free one on 127.0.0.1, so it never touches a
running `make up`. The clock runs from launching `make up` until it prints "TalentSync is running."
(PostgreSQL, Redis and Temporal started, migrations and seed checked, workers ready with their models
loaded, API listening). Then it is stopped with Ctrl-C, as a user would, and started again on the same
data. The first start also creates the databases and embeds the question bank; the warm starts are
what a user waits for every day.

Prints the figures and writes bench/results/startup.json (with the commit and the load average).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from provenance import head_commit  # noqa: E402

from devstack.services import free_port  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "startup.json"
READY = "TalentSync is running."
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def start_once(env: dict[str, str], log: Path, timeout: float) -> tuple[float, list[str]]:
    """Seconds until ready, and devstack's step lines ("[3/7] …", "ok (2.1s)") to show where they went."""
    began = time.perf_counter()
    steps: list[str] = []
    with log.open("ab") as out:
        proc = subprocess.Popen(
            ["make", "-s", "up"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=out, start_new_session=True
        )
        assert proc.stdout is not None
        try:
            for raw in proc.stdout:
                out.write(raw)
                line = ANSI.sub("", raw.decode(errors="replace")).strip()
                if READY in line:
                    return time.perf_counter() - began, steps
                if line.startswith("[") or line.startswith("ok"):
                    steps.append(line)
                if time.perf_counter() - began > timeout:
                    break
            raise RuntimeError(f"`make up` did not get ready; see {log}")
        finally:
            # Ctrl-C to the whole group, as in a terminal; devstack stops everything in reverse order.
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warm", type=int, default=3, help="warm starts after the first (default 3)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="talentsync-startup-") as tmp:
        data = Path(tmp) / "data"
        env = {
            **os.environ,
            "DATA_DIR": str(data),
            "TALENTSYNC_PG_PORT": str(free_port()),
            "TALENTSYNC_REDIS_PORT": str(free_port()),
            "TALENTSYNC_TEMPORAL_PORT": str(free_port()),
            "TALENTSYNC_TEMPORAL_UI_PORT": str(free_port()),
            "API_PORT": str(free_port()),
            "WORKER_METRICS_PORT": "0",
        }
        log = Path(tmp) / "make-up.log"
        first, first_steps = start_once(env, log, timeout=900)
        print(f"first start (empty data dir): {first:.1f} s")
        warm: list[float] = []
        warm_steps: list[str] = []
        for i in range(args.warm):
            took, warm_steps = start_once(env, log, timeout=300)
            warm.append(took)
            print(f"warm start {i + 1}: {took:.1f} s")
        for line in warm_steps:
            print(f"  {line}")
    result: dict[str, Any] = {
        "commit": head_commit(),
        "load_avg_1m": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)},
        "first_start_s": round(first, 2),
        "warm_start_s": [round(x, 2) for x in warm],
        "warm_start_median_s": round(statistics.median(warm), 2) if warm else None,
        "aim_warm_s": 10.0,
        "first_start_steps": first_steps,
        "last_warm_start_steps": warm_steps,
        "method": "`make up` launched to 'TalentSync is running.' printed; stopped with SIGINT between runs",
    }
    print(f"warm start median {result['warm_start_median_s']} s (aim ≤ 10 s)")
    if not args.no_write:
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
