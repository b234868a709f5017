"""The scorer on the later held-out answer set: ``scoring_eval.py --holdout`` under its own name.

    .venv/bin/python bench/scoring_holdout.py [--modules ...] [--no-write]

bench/eval/scoring_holdout/ was written by outside graders, blind to the scorer, for questions the
first set does not use, after the scorer's constants were chosen; its labels never train the point
model. Same figures as bench/scoring_eval.py, written to bench/results/scoring_holdout.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring_eval import main

if __name__ == "__main__":
    sys.argv.append("--holdout")
    main()
