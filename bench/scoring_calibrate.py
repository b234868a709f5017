"""Calibration distributions for the scorer's constants, measured on the packs only.

    .venv/bin/python bench/scoring_calibrate.py

The held-out evaluation set (bench/scoring_eval.py) is never used here. From the packs:

* listening-point evidence: each example sentence, left out, against the other examples of its
  own point (should be "covered"), of the question's other points, and of other modules' points;
* relevance: each strong answer (model or reference), left out of its own question's profile,
  scored for fit against its question and against the best neighbour question of the module; and
  the same answer against every *other* question of the module (an off-topic answer).

Prints percentiles and writes bench/results/scoring_calibrate.json with the commit measured.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from provenance import head_commit  # noqa: E402

from talentsync.packs import discover_packs  # noqa: E402
from talentsync.scoring.references import centroid, embed_unit, fit_profile, point_refs  # noqa: E402
from talentsync.scoring.scorer import fit  # noqa: E402
from talentsync.scoring.text import words  # noqa: E402


def pct(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    a = np.asarray(values)
    return {f"p{q}": round(float(np.percentile(a, q)), 3) for q in (5, 10, 25, 50, 75, 90, 95)} | {"n": len(values)}


def answer_vec(embedder, text: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    from talentsync.scoring.references import answer_sentences

    sents = answer_sentences(text)
    vecs = embed_unit(embedder, sents)
    return centroid(vecs, np.array([max(1, len(words(s))) for s in sents], dtype=np.float64))


def main() -> None:
    from talentsync.embeddings import default_embedder

    embedder = default_embedder()
    packs = discover_packs(include_entry_points=False)
    own_point, other_point, other_module = [], [], []
    for pack in packs:
        others = [k for p in packs if p.slug != pack.slug for q in p.questions for k in q.key_points if k.examples]
        other_vecs = point_refs(embedder, others[:60])
        other_ex = np.vstack([r.examples for r in other_vecs if len(r.examples)]) if other_vecs else None
        for q in pack.questions:
            pts = [k for k in q.key_points if len(k.examples) >= 2]
            if not pts:
                continue
            refs = point_refs(embedder, pts)
            for i, r in enumerate(refs):
                for e in range(len(r.examples)):
                    v = r.examples[e]
                    rest = np.delete(r.examples, e, axis=0)
                    own_point.append(float(max((rest @ v).max(), (v @ r.label) - 0.08)))
                    for j, o in enumerate(refs):
                        if j != i:
                            other_point.append(float((o.examples @ v).max()))
                    if other_ex is not None:
                        other_module.append(float((other_ex @ v).max()))
    margins_on, fits_on, margins_off, fits_off = [], [], [], []
    for pack in packs:
        qs = [q for q in pack.questions if q.reference_answers]
        if len(qs) < 2:
            continue
        for q in qs:
            answers = [q.ideal_answer, *q.reference_answers]
            for k, ans in enumerate(answers):
                v = answer_vec(embedder, ans)
                own = fit_profile(embedder, q.text, q.paraphrases, answers[:k] + answers[k + 1 :])
                neighbour_fits = []
                for o in qs:
                    if o.slug == q.slug:
                        continue
                    prof = fit_profile(embedder, o.text, o.paraphrases, [o.ideal_answer, *o.reference_answers])
                    neighbour_fits.append(fit(v, prof))
                    # The same answer judged as an answer to ``o`` (off topic), ``q`` left out.
                    off_own = fit(v, prof)
                    off_best_other = max(
                        fit(
                            v,
                            own
                            if p.slug == q.slug
                            else fit_profile(embedder, p.text, p.paraphrases, [p.ideal_answer, *p.reference_answers]),
                        )
                        for p in qs
                        if p.slug != o.slug
                    )
                    fits_off.append(off_own)
                    margins_off.append(off_own - off_best_other)
                own_fit = fit(v, own)
                fits_on.append(own_fit)
                margins_on.append(own_fit - max(neighbour_fits))
    result = {
        "point_evidence": {
            "same_point_example": pct(own_point),
            "other_point_same_question": pct(other_point),
            "other_module_points": pct(other_module),
        },
        "relevance": {
            "fit_on_topic": pct(fits_on),
            "fit_off_topic": pct(fits_off),
            "margin_on_topic": pct(margins_on),
            "margin_off_topic": pct(margins_off),
        },
        "commit": head_commit(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / "scoring_calibrate.json"
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
