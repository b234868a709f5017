"""Run every benchmark script in bench/ one after another and print a summary (`make bench`).

    .venv/bin/python bench/run_all.py [--only interview,stt] [--skip stt]

A benchmark is a `bench/*.py` script with a `__main__` guard (data modules such as scoring_corpus.py
are skipped, as is this file). Known ones run in a fixed order, cheapest first; any others follow
alphabetically; missing ones are reported as missing, not as failures. Each writes its own
bench/results/<name>.json; the summary lists exit status, wall time and whether that file was
updated. Exit status is non-zero if any benchmark that ran failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
KNOWN_ORDER = [
    "scoring_eval",
    "scoring_holdout",
    "embedder",
    "resume_parse",
    "stt",
    "score_preview",
    "interview",
    "previous_round",
]
# Scripts with a __main__ that are not benchmarks: scoring_fit rewrites the shipped point model, and
# chaos has its own target (`make chaos`).
NOT_BENCHMARKS = {"scoring_fit", "chaos", "readme_figures"}


def discover() -> list[str]:
    found = sorted(
        p.stem
        for p in BENCH.glob("*.py")
        if p.name != Path(__file__).name
        and p.stem not in NOT_BENCHMARKS
        and "__main__" in p.read_text(errors="replace")
    )
    return [n for n in KNOWN_ORDER if n in found] + [n for n in found if n not in KNOWN_ORDER]


def run_one(name: str) -> dict[str, object]:
    script = BENCH / f"{name}.py"
    result_file = RESULTS / f"{name}.json"
    before = result_file.stat().st_mtime if result_file.exists() else None
    print(f"\n===== {name} ({script.relative_to(ROOT)}) =====", flush=True)
    t0 = time.perf_counter()
    # Inherit stdout/stderr so each benchmark's own figures are printed as they come.
    proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=os.environ.copy(), check=False)
    elapsed = time.perf_counter() - t0
    after = result_file.stat().st_mtime if result_file.exists() else None
    return {
        "name": name,
        "code": proc.returncode,
        "seconds": elapsed,
        "results": str(result_file.relative_to(ROOT)) if after is not None and after != before else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated benchmark names to run")
    parser.add_argument("--skip", default="", help="comma-separated benchmark names to leave out")
    args = parser.parse_args()
    available = discover()
    wanted = [n.strip() for n in args.only.split(",") if n.strip()] if args.only else available
    skip = {n.strip() for n in args.skip.split(",") if n.strip()}
    missing = [n for n in (wanted if args.only else KNOWN_ORDER) if n not in available]
    todo = [n for n in wanted if n in available and n not in skip]

    rows = [run_one(name) for name in todo]

    print("\n===== summary =====")
    for row in rows:
        status = "ok" if row["code"] == 0 else f"FAILED (exit {row['code']})"
        wrote = f"wrote {row['results']}" if row["results"] else "no results file written"
        print(f"  {row['name']:14s} {status:18s} {row['seconds']:7.1f} s  {wrote}")
    for name in missing:
        print(f"  {name:14s} missing (no bench/{name}.py)")
    for name in sorted(skip & set(available)):
        print(f"  {name:14s} skipped")
    return 1 if any(row["code"] != 0 for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
