"""Fit the listening-point and claim models on every hand-labelled answer and write them into the scorer.

    .venv/bin/python bench/scoring_fit.py

Writes talentsync/scoring/point_model.py and claim_model.py. How well it generalises is measured separately, by
bench/scoring_eval.py, which re-fits with each module left out and scores that module with the
model that never saw it (leave-one-module-out), so the reported figures are on unseen labels.
Changing the model changes scores: bump SCORER_VERSION with it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from claim_fit import claim_sentences, fit_claims, render_claims  # noqa: E402
from point_fit import fit, render, training_pairs  # noqa: E402
from scoring_eval import features_of, load_items  # noqa: E402


def main() -> None:
    from talentsync.embeddings import default_embedder

    embedder = default_embedder()
    packs, items = load_items()
    pairs = training_pairs(items, lambda it: features_of(packs, it, embedder))
    model = fit(pairs)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    modules = sorted(set(pairs.module.tolist()))
    note = (
        f"Fitted on {len(pairs.x)} (answer, listening point) pairs from {len(modules)} modules "
        f"({', '.join(modules)}) at commit {commit[:12]}."
    )
    out = ROOT / "talentsync" / "scoring" / "point_model.py"
    out.write_text(render(model, note))
    # Keep the generated file in the project's format (long tuples wrapped).
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(out)], cwd=ROOT, check=False)
    print(note)
    print(f"wrote {out.relative_to(ROOT)}")

    x, y, _ = claim_sentences(items, embedder)
    claims_note = (
        f"Fitted on {len(y)} sentences ({int(y.sum())} claim-free) of the hand-written answers of "
        f"{len(modules)} modules at commit {commit[:12]}: a bias, then one weight per dimension of "
        "the all-MiniLM-L6-v2 sentence vector."
    )
    claims_out = ROOT / "talentsync" / "scoring" / "claim_model.py"
    claims_out.write_text(render_claims(fit_claims(x, y), claims_note))
    print(claims_note)
    print(f"wrote {claims_out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
