"""Resume parsing benchmark: time per resume and extraction quality on the generated set.

Runs the 20 varied resumes from ``tests/fixtures/resume_gen.py`` (TXT/DOCX/PDF, six layouts)
through sniff -> extract -> parse -> questions, with the real spaCy model.
Prints the figures and writes ``bench/results/resume_parse.json``.

    .venv/bin/python bench/resume_parse.py
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "fixtures"))

import resume_gen  # noqa: E402

from talentsync.resume import (  # noqa: E402
    extract_text,
    generate_resume_questions,
    load_nlp,
    parse_resume,
    sniff_resume_type,
)


def _pr(pred: list[str], truth: list[str], acc: list[int]) -> None:
    p, t = {x.lower() for x in pred}, {x.lower() for x in truth}
    acc[0] += len(p & t)
    acc[1] += len(p)
    acc[2] += len(t)


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def main() -> dict[str, object]:
    started = time.perf_counter()
    load_nlp()
    model_load_s = time.perf_counter() - started
    parse_resume("warm up: Python at Acme Corp")  # builds the PhraseMatchers

    resumes = resume_gen.generate_resumes(20)
    extract_times: list[float] = []
    parse_times: list[float] = []
    question_times: list[float] = []
    counts = {"employers": [0, 0, 0], "titles": [0, 0, 0], "skills": [0, 0, 0]}
    years_errors: list[float] = []
    names_ok = 0
    per_kind: dict[str, list[float]] = {}
    for item in resumes:
        t0 = time.perf_counter()
        text = extract_text(item.data, sniff_resume_type(item.data[:8192], item.filename))
        t1 = time.perf_counter()
        parsed = parse_resume(text, as_of=resume_gen.AS_OF)
        t2 = time.perf_counter()
        generate_resume_questions(parsed, max_questions=3)
        t3 = time.perf_counter()
        extract_times.append(t1 - t0)
        parse_times.append(t2 - t1)
        question_times.append(t3 - t2)
        per_kind.setdefault(item.kind, []).append(t1 - t0)
        _pr([r.employer for r in parsed.roles], item.employers, counts["employers"])
        _pr([r.title for r in parsed.roles], item.titles, counts["titles"])
        _pr(parsed.skills, item.skills, counts["skills"])
        if parsed.years_experience is not None:
            years_errors.append(abs(parsed.years_experience - item.years_experience))
        names_ok += parsed.name == item.name and parsed.email == item.email

    quality = {
        field: {
            "precision": round(tp / max(n_pred, 1), 3),
            "recall": round(tp / max(n_truth, 1), 3),
            "true_positives": tp,
            "predicted": n_pred,
            "truth": n_truth,
        }
        for field, (tp, n_pred, n_truth) in counts.items()
    }
    result: dict[str, object] = {
        "resumes": len(resumes),
        "kinds": {kind: len(v) for kind, v in sorted(per_kind.items())},
        "model_load_s": round(model_load_s, 2),
        "parse": _ms(parse_times),
        "extract": _ms(extract_times),
        "extract_by_kind_median_ms": {k: round(statistics.median(v) * 1000, 2) for k, v in sorted(per_kind.items())},
        "questions": _ms(question_times),
        "quality": quality,
        "years_experience_mae": round(statistics.mean(years_errors), 3) if years_errors else None,
        "years_experience_found": len(years_errors),
        "name_and_email_exact": names_ok,
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
    }
    out = REPO / "bench" / "results" / "resume_parse.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
