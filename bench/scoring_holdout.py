"""The scorer on the later held-out answer sets: ``scoring_eval.py --holdout NAME`` for each.

    .venv/bin/python bench/scoring_holdout.py [--modules ...] [--no-write]

bench/eval/scoring_holdout/ to scoring_holdout6/ were written by other outside graders, blind to the
scorer, for questions no other set uses; their answers never train the models.
Same figures as bench/scoring_eval.py, written to bench/results/<set>.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring_eval import HOLDOUT_SETS, main

if __name__ == "__main__":
    for name in HOLDOUT_SETS:
        main([*sys.argv[1:], "--holdout", name])
