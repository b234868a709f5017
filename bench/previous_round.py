"""Run an earlier commit's own interview benchmark on this machine, for side-by-side figures.

    .venv/bin/python bench/previous_round.py [--commit 56e6483] [-- extra args for its bench/interview.py]

Checks the commit out into a temporary git worktree (this checkout's virtualenv is linked in, so no
download), runs *that* commit's `bench/interview.py` (its code, its packs, its stack), and writes its
JSON to bench/results/previous_round.json with the commit it measured added (older
benchmarks did not record it). Run it right before or after `bench/interview.py` on a quiet machine:
the two files then compare the rounds on the same machine and load. The default commit is the last
one of the previous round.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "previous_round.json"
PREVIOUS_ROUND = "56e6483"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commit", default=PREVIOUS_ROUND)
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="after --: arguments for that bench")
    args = parser.parse_args()
    full = subprocess.run(
        ["git", "rev-parse", args.commit], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="talentsync-prev-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), full], cwd=ROOT, check=True)
        try:
            os.symlink(ROOT / ".venv", tree / ".venv")
            out = Path(tmp) / "result.json"
            extra = [a for a in args.rest if a != "--"]
            subprocess.run(
                [str(tree / ".venv" / "bin" / "python"), "bench/interview.py", "--out", str(out), *extra],
                cwd=tree,
                check=True,
            )
            result = json.loads(out.read_text())
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    result["commit"] = full
    result["measured_by"] = f"bench/previous_round.py: that commit's own bench/interview.py {' '.join(extra)}".strip()
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)} (commit {full[:10]})")


if __name__ == "__main__":
    main()
