"""Calibrates the follow-up similarity threshold on the shipped packs.

For every bank question, the ideal answer stands in for an on-topic answer: the best follow-up
similarity should clear the threshold (recall). An ideal answer to another question of the same
module (off-topic but in-domain) or of another module should not (false follow-ups).
Prints a table and writes bench/results/followup_threshold.json.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from talentsync.embeddings import default_embedder
from talentsync.packs import discover_packs

THRESHOLDS = (0.30, 0.35, 0.40, 0.45, 0.50)


def main() -> None:
    embedder = default_embedder()
    packs = discover_packs()
    questions = [(p.slug, q) for p in packs for q in p.questions]
    rng = random.Random(1)
    on_topic, same_module, other_module = [], [], []
    for slug, q in questions:
        fu = embedder.embed([f"{f.trigger} {f.text}" for f in q.follow_ups])
        on_topic.append(float((fu @ embedder.embed([q.ideal_answer])[0]).max()))
        sibling = rng.choice([o for s, o in questions if s == slug and o is not q])
        same_module.append(float((fu @ embedder.embed([sibling.ideal_answer])[0]).max()))
        stranger = rng.choice([o for s, o in questions if s != slug])
        other_module.append(float((fu @ embedder.embed([stranger.ideal_answer])[0]).max()))
    rows = []
    print(f"{len(questions)} questions; threshold  recall  false(same module)  false(other module)")
    for t in THRESHOLDS:
        row = {
            "threshold": t,
            "recall": float(np.mean(np.array(on_topic) >= t)),
            "false_same_module": float(np.mean(np.array(same_module) >= t)),
            "false_other_module": float(np.mean(np.array(other_module) >= t)),
        }
        rows.append(row)
        cols = (row["recall"], row["false_same_module"], row["false_other_module"])
        print(f"  {t:.2f}      " + "    ".join(f"{c:.2f}" for c in cols))
    out = Path(__file__).parent / "results" / "followup_threshold.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"questions": len(questions), "rows": rows}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
