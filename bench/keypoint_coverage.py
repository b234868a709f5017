"""Key-point coverage benchmark: does the scorer see the key points an answer actually covers?

    .venv/bin/python bench/keypoint_coverage.py --label after [--rev GIT_REV]

Runs every shipped pack question through the scorer's own code path (``score_answer``) and reads
``key_points[*].covered``:

* **own**: the question's model answer as the candidate's answer. The model answer covers every key
  point by construction, so the detected share should be high. The question is scored with
  ``ideal_answer=""``: otherwise each key point's exemplar would be a sentence of this very answer
  and match it trivially.
* **other**: the model answer of every *other* question of the same module as the answer (all
  pairs), which covers none of the points, so the detected share should be low.
* **hold-out**: strong and weak candidate answers written in the candidates' own words (the scorer
  calibration corpus and the scorer unit-test triples) for those pack questions they were written
  for, scored as in production (with the model answer). Guards against key points that only
  match the wording of the model answer.

STAR labels ("Situation:") are stripped from the answers: a spoken answer does not contain them.
Follow-ups have no model answer, so their key points are not measured here.

Results are merged into ``bench/results/keypoint_coverage.json`` under ``runs[<label>]``, so a
"before" run on the old packs and an "after" run on the new ones end up side by side; ``--rev``
reads the packs from a git revision instead of the working tree (reproduces a "before" run).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "unit"))

from scoring_triples import TRIPLES  # noqa: E402

from bench.scoring_corpus import CORPUS  # noqa: E402
from talentsync.embeddings import Embedder, default_embedder  # noqa: E402
from talentsync.packs import PackQuestion, QuestionPack, bundled_packs_dir, load_pack, pack_files, parse_pack  # noqa: E402
from talentsync.scoring import SCORER_VERSION, QuestionForScoring, score_answer  # noqa: E402
from talentsync.scoring import scorer as scorer_module  # noqa: E402

OUT = ROOT / "bench" / "results" / "keypoint_coverage.json"
STAR_LABEL_RE = re.compile(r"\b(?:Situation|Task|Action|Result)\s*:\s*", re.IGNORECASE)
# A hold-out item belongs to the pack question whose text embeds this close to its own; below it
# the item was written for a different question (checked by eye: the matches print).
HOLDOUT_MATCH = 0.80
# Thresholds the separation table is printed for (the scorer's own are marked).
SWEEP = (0.28, 0.32, 0.36, 0.40, 0.42, 0.45, 0.50)


def _packs(rev: str | None) -> list[QuestionPack]:
    if rev is None:
        return [load_pack(p) for p in pack_files(bundled_packs_dir())]
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", rev, "packs/"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    packs = []
    for name in sorted(n for n in listing if n.endswith((".yaml", ".yml"))):
        text = subprocess.run(
            ["git", "show", f"{rev}:{name}"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
        packs.append(parse_pack(yaml.safe_load(text), source=f"{rev}:{name}"))
    return packs


def _spoken(text: str) -> str:
    return STAR_LABEL_RE.sub("", text).strip()


def _as_scored(q: PackQuestion, *, with_ideal: bool) -> QuestionForScoring:
    return QuestionForScoring(
        text=q.text,
        category=q.category,
        ideal_answer=q.ideal_answer if with_ideal else "",
        key_points=list(q.key_points),
        keywords=list(q.keywords),
    )


def _coverage(q: QuestionForScoring, answer: str, embedder: Embedder) -> tuple[list[bool], list[float]]:
    s = score_answer(q, answer, embedder)
    return [kp.covered for kp in s.key_points], [kp.similarity for kp in s.key_points]


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def _r(x: float) -> float:
    return round(float(x), 3)


def _holdout_items() -> list[dict[str, Any]]:
    return [*CORPUS, *TRIPLES]


def measure(packs: list[QuestionPack], embedder: Embedder) -> dict[str, Any]:
    modules: dict[str, Any] = {}
    own_sims_all: dict[str, list[float]] = {}
    other_sims_all: dict[str, list[float]] = {}
    per_question: dict[str, Any] = {}
    for pack in packs:
        own_flags: list[bool] = []
        other_shares: list[float] = []
        own_sims: list[float] = []
        other_sims: list[float] = []
        answers = [_spoken(q.ideal_answer) for q in pack.questions]
        for i, q in enumerate(pack.questions):
            scored = _as_scored(q, with_ideal=False)
            flags, sims = _coverage(scored, answers[i], embedder)
            own_flags += flags
            own_sims += sims
            q_other: list[float] = []
            for j, answer in enumerate(answers):
                if j == i:
                    continue
                o_flags, o_sims = _coverage(scored, answer, embedder)
                q_other.append(_share(o_flags))
                other_sims += o_sims
            other_shares += q_other
            per_question[q.slug] = {
                "own_covered": f"{sum(flags)}/{len(flags)}",
                "own_similarity": dict(zip(q.key_points, [_r(s) for s in sims], strict=True)),
                "other_share_mean": _r(statistics.mean(q_other)),
            }
        category = pack.questions[0].category
        own_sims_all.setdefault(category, []).extend(own_sims)
        other_sims_all.setdefault(category, []).extend(other_sims)
        modules[pack.slug] = {
            "questions": len(pack.questions),
            "key_points": len(own_flags),
            "own_covered_share": _r(_share(own_flags)),
            "other_covered_share": _r(statistics.mean(other_shares)),
            "own_similarity_median": _r(statistics.median(own_sims)),
            "other_similarity_median": _r(statistics.median(other_sims)),
            "other_similarity_p90": _r(float(np.percentile(other_sims, 90))),
        }

    # Separation at other thresholds, pooled over all modules: share of own points detected vs
    # share of other-answer points falsely detected (only informative; the scorer owns the value).
    own_pool = [s for v in own_sims_all.values() for s in v]
    other_pool = [s for v in other_sims_all.values() for s in v]
    sweep = {
        f"{t:.2f}": {
            "own_detected": _r(float(np.mean(np.asarray(own_pool) >= t))),
            "other_detected": _r(float(np.mean(np.asarray(other_pool) >= t))),
        }
        for t in SWEEP
    }

    # Hold-out: candidate-written answers matched to pack questions by question text.
    questions = [q for p in packs for q in p.questions]
    q_vecs = np.asarray(embedder.embed([q.text for q in questions]), dtype=np.float64)
    items = _holdout_items()
    h_vecs = np.asarray(embedder.embed([it["question"]["text"] for it in items]), dtype=np.float64)
    holdout: list[dict[str, Any]] = []
    for item, vec in zip(items, h_vecs, strict=True):
        sims_q = q_vecs @ vec
        k = int(np.argmax(sims_q))
        if sims_q[k] < HOLDOUT_MATCH:
            continue
        scored = _as_scored(questions[k], with_ideal=True)
        strong, _ = _coverage(scored, _spoken(item["strong"]), embedder)
        weak, _ = _coverage(scored, _spoken(item["weak"]), embedder)
        holdout.append(
            {
                "question": questions[k].slug,
                "match": _r(sims_q[k]),
                "strong_covered": f"{sum(strong)}/{len(strong)}",
                "weak_covered": f"{sum(weak)}/{len(weak)}",
                "_strong": strong,
                "_weak": weak,
            }
        )
    strong_all = [f for h in holdout for f in h.pop("_strong")]
    weak_all = [f for h in holdout for f in h.pop("_weak")]
    return {
        "modules": modules,
        "all": {
            "own_covered_share": _r(_share([s >= scorer_module.KEY_POINT_COVERED for s in own_pool])),
            "own_similarity_median": _r(statistics.median(own_pool)),
            "other_similarity_median": _r(statistics.median(other_pool)),
        },
        "threshold_sweep": sweep,
        "holdout": {
            "items": holdout,
            "strong_covered_share": _r(_share(strong_all)),
            "weak_covered_share": _r(_share(weak_all)),
        },
        "per_question": per_question,
    }


def _print_run(label: str, run: dict[str, Any]) -> None:
    print(f"[{label}] packs from {run['packs_from']}, scorer {run['scorer_version']}, {run['seconds']} s")
    print(
        f"  {'module':20s} {'kps':>4s} {'own cov':>8s} {'other cov':>9s} "
        f"{'own med':>8s} {'oth med':>8s} {'oth p90':>8s}"
    )
    for slug, m in run["modules"].items():
        print(
            f"  {slug:20s} {m['key_points']:4d} {m['own_covered_share']:8.0%} {m['other_covered_share']:9.0%} "
            f"{m['own_similarity_median']:8.2f} {m['other_similarity_median']:8.2f} {m['other_similarity_p90']:8.2f}"
        )
    h = run["holdout"]
    print(
        f"  hold-out ({len(h['items'])} candidate answers): strong cover {h['strong_covered_share']:.0%}, "
        f"weak cover {h['weak_covered_share']:.0%}"
    )
    sweep = "  ".join(
        f"{t}{'*' if float(t) in (scorer_module.KEY_POINT_COVERED,) else ''}: "
        f"{v['own_detected']:.0%}/{v['other_detected']:.0%}"
        for t, v in run["threshold_sweep"].items()
    )
    print(f"  threshold sweep own/other detected: {sweep}")


def _print_comparison(runs: dict[str, Any], a: str, b: str) -> None:
    print(f"\n{'module':20s} {'own cov ' + a:>16s} {'own cov ' + b:>16s} {'other ' + a:>14s} {'other ' + b:>14s}")
    for slug in runs[b]["modules"]:
        x = runs[a]["modules"].get(slug)
        y = runs[b]["modules"][slug]
        if x is None:
            continue
        print(
            f"{slug:20s} {x['own_covered_share']:16.0%} {y['own_covered_share']:16.0%} "
            f"{x['other_covered_share']:14.0%} {y['other_covered_share']:14.0%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="current", help="name of this run in the JSON (e.g. before, after)")
    parser.add_argument("--rev", default=None, help="read packs/ from this git revision instead of the working tree")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    embedder = default_embedder()
    t0 = time.perf_counter()
    result = measure(_packs(args.rev), embedder)
    run = {
        "packs_from": args.rev or "working tree",
        "scorer_version": SCORER_VERSION,
        "thresholds": {"covered": scorer_module.KEY_POINT_COVERED, "partial": scorer_module.KEY_POINT_PARTIAL},
        "seconds": round(time.perf_counter() - t0, 1),
        **result,
    }
    data: dict[str, Any] = json.loads(OUT.read_text()) if OUT.exists() else {}
    runs = data.setdefault("runs", {})
    runs[args.label] = run
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    for label in sorted(runs, key=lambda name: (name != "before", name)):
        _print_run(label, runs[label])
    if "before" in runs and args.label != "before":
        _print_comparison(runs, "before", args.label)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
