"""Answer-scorer benchmark: latency per answer and the calibration numbers behind the constants.

    .venv/bin/python bench/scoring.py [--rounds 5]

Prints and writes bench/results/scoring.json:
* latency p50/p95 per answer (steady state: the question-side embeddings are cached, as in a
  running worker), per typical ~150-word answer, cold (first answer to a question), and for
  20,000-character answers;
* calibration: raw cosines for strong / weak / off-topic answers (relevance, closeness to the
  model answer, key-point match) and the resulting dimension scores, so the thresholds in
  ``talentsync/scoring/scorer.py`` can be re-checked after a model change.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scoring_corpus import CORPUS  # noqa: E402
from talentsync.embeddings import default_embedder  # noqa: E402
from talentsync.scoring import QuestionForScoring, score_answer  # noqa: E402
from talentsync.scoring import scorer as scorer_module  # noqa: E402
from talentsync.scoring.text import split_sentences  # noqa: E402


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def _answers() -> list[tuple[str, QuestionForScoring, str]]:
    """(kind, question, answer): strong, weak, off-topic and keyword-stuffed for every question."""
    out = []
    for i, item in enumerate(CORPUS):
        q = QuestionForScoring(**item["question"])
        other = CORPUS[(i + 3) % len(CORPUS)]["strong"]
        stuffed = other + " " + ", ".join(q.keywords) + ". " + " ".join(q.keywords * 3)
        out += [("strong", q, item["strong"]), ("weak", q, item["weak"]), ("off", q, other), ("stuffed", q, stuffed)]
    return out


def _raw_cosines(embedder: Any, q: QuestionForScoring, answer: str) -> dict[str, float | None]:
    """The raw similarities the scorer ramps into relevance/ideal scores (same formulas)."""
    units = split_sentences(answer)
    vecs = np.asarray(embedder.embed(units), dtype=np.float64)
    w = np.array([len(u.split()) for u in units], dtype=np.float64)
    centroid = (vecs * w[:, None]).sum(axis=0)
    centroid /= np.linalg.norm(centroid)
    refs = [q.text, *([q.ideal_answer] if q.ideal_answer else [])]
    ref_vecs = np.asarray(embedder.embed(refs), dtype=np.float64)
    to_q = float(centroid @ ref_vecs[0])
    to_ideal = float(centroid @ ref_vecs[1]) if q.ideal_answer else None
    whole = to_q if to_ideal is None else max(to_q, to_ideal)
    best = float((vecs @ ref_vecs[0]).max())
    return {"to_question": to_q, "to_ideal": to_ideal, "relevance_raw": max(whole, 0.5 * (whole + best))}


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    embedder = default_embedder()
    embedder.embed(["warm-up"])
    answers = _answers()

    # Cold: first answer per question pays for embedding the question-side texts too.
    scorer_module._REFERENCES = scorer_module._ReferenceCache()
    cold: list[float] = []
    seen: set[str] = set()
    for _, q, a in answers:
        if q.text in seen:
            continue
        seen.add(q.text)
        t0 = time.perf_counter()
        score_answer(q, a, embedder)
        cold.append((time.perf_counter() - t0) * 1000)

    steady: list[float] = []
    typical: list[float] = []
    for _ in range(args.rounds):
        for kind, q, a in answers:
            t0 = time.perf_counter()
            score_answer(q, a, embedder)
            ms = (time.perf_counter() - t0) * 1000
            steady.append(ms)
            if kind == "strong":
                typical.append(ms)

    long_ms: list[float] = []
    for item in CORPUS[:4]:
        q = QuestionForScoring(**item["question"])
        text = ((item["strong"] + " ") * 200)[:20_000]
        t0 = time.perf_counter()
        score_answer(q, text, embedder)
        long_ms.append((time.perf_counter() - t0) * 1000)

    # Calibration numbers.
    by_kind: dict[str, dict[str, list[float]]] = {}
    for kind, q, a in answers:
        s = score_answer(q, a, embedder)
        raw = _raw_cosines(embedder, q, a)
        d = by_kind.setdefault(kind, {})
        d.setdefault("overall", []).append(s.overall)
        d.setdefault("relevance_raw", []).append(raw["relevance_raw"])  # type: ignore[arg-type]
        if raw["to_ideal"] is not None:
            d.setdefault("ideal_raw", []).append(raw["to_ideal"])
        for name, dim in s.dimensions.items():
            d.setdefault(f"{name}_score", []).append(dim.score)
        for kp in s.key_points:
            d.setdefault(f"key_point_sim_{q.category if q.category == 'behavioral' else 'other'}", []).append(
                kp.similarity
            )
    calibration = {kind: {k: _summary(v) for k, v in d.items()} for kind, d in by_kind.items()}
    wins = sum(
        score_answer(QuestionForScoring(**it["question"]), it["strong"], embedder).overall
        > score_answer(QuestionForScoring(**it["question"]), it["weak"], embedder).overall
        for it in CORPUS
    )

    strong_words = [len(item["strong"].split()) for item in CORPUS]
    result = {
        "scorer_version": scorer_module.SCORER_VERSION,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "answers": len(answers),
        "rounds": args.rounds,
        "latency_ms": {
            "steady_p50": round(_pct(steady, 50), 1),
            "steady_p95": round(_pct(steady, 95), 1),
            "typical_answer_words_median": statistics.median(strong_words),
            "typical_p50": round(_pct(typical, 50), 1),
            "typical_p95": round(_pct(typical, 95), 1),
            "cold_first_answer_p50": round(_pct(cold, 50), 1),
            "cold_first_answer_p95": round(_pct(cold, 95), 1),
            "answer_20k_chars_max": round(max(long_ms), 1),
        },
        "strong_beats_weak": f"{wins}/{len(CORPUS)}",
        "calibration": calibration,
    }
    out = ROOT / "bench" / "results" / "scoring.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    lat = result["latency_ms"]
    print(f"scorer {result['scorer_version']}: {len(answers)} answers x {args.rounds} rounds")
    print(
        f"  steady p50 {lat['steady_p50']} ms, p95 {lat['steady_p95']} ms; "
        f"typical (~{lat['typical_answer_words_median']} words) p50 {lat['typical_p50']} ms, "
        f"p95 {lat['typical_p95']} ms"
    )
    print(
        f"  cold first answer p50 {lat['cold_first_answer_p50']} ms; "
        f"20k-char answer max {lat['answer_20k_chars_max']} ms"
    )
    print(f"  strong beats weak: {result['strong_beats_weak']}")
    for kind, stats in calibration.items():
        print(
            f"  {kind:8s} overall {stats['overall']}  relevance_raw {stats['relevance_raw']}"
            + (f"  ideal_raw {stats['ideal_raw']}" if "ideal_raw" in stats else "")
        )
        for key in ("key_point_sim_behavioral", "key_point_sim_other"):
            if key in stats:
                print(f"           {key} {stats[key]}")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
