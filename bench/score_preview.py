"""Score preview latency through the real stack: POST /api/questions/{id}/score-preview.

    .venv/bin/python bench/score_preview.py [--requests 60]

Starts its own embedded stack on 127.0.0.1 (bench/interview.py's start_stack: PostgreSQL, Redis,
Temporal with the `make up` tuning, a worker and the API; all stopped and removed at the end), signs
in as the development admin, warms each question once, then sends held-out answers
(bench/eval/scoring) one after another and reports p50/p95/max. The aim is p95 <= 150 ms warm.
Writes bench/results/score_preview.json with the commit measured.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from interview import start_stack  # noqa: E402
from provenance import head_commit  # noqa: E402
from scoring_eval import load_items  # noqa: E402

from talentsync.config import DEV_ADMIN_PASSWORD, Settings  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "score_preview.json"
AIM_P95_MS = 150.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=60)
    args = ap.parse_args()
    _, items = load_items(["backend-python", "behavioral", "system-design"])
    stack = start_stack("sqlite")
    try:
        with httpx.Client(base_url=stack.api_url, timeout=30) as http:
            tok = http.post(
                "/api/auth/token", data={"username": Settings().first_admin_email, "password": DEV_ADMIN_PASSWORD}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {tok}"}
            ids: dict[str, int] = {}
            for m in http.get("/api/modules", headers=headers).json():
                for q in http.get(f"/api/modules/{m['id']}/questions", headers=headers).json():
                    ids[q["slug"]] = q["id"]
            answers = [(ids[it.slug], it.text) for it in items if it.slug in ids]
            cold: list[float] = []
            for qid in sorted({q for q, _ in answers}):
                t0 = time.perf_counter()
                r = http.post(f"/api/questions/{qid}/score-preview", json={"answer": "warm up"}, headers=headers)
                r.raise_for_status()
                cold.append((time.perf_counter() - t0) * 1000)
            warm: list[float] = []
            for qid, text in (answers * (1 + args.requests // max(1, len(answers))))[: args.requests]:
                t0 = time.perf_counter()
                r = http.post(f"/api/questions/{qid}/score-preview", json={"answer": text}, headers=headers)
                r.raise_for_status()
                warm.append((time.perf_counter() - t0) * 1000)
    finally:
        stack.stop()
    warm.sort()
    result = {
        "requests": len(warm),
        "warm_ms": {
            "p50": round(statistics.median(warm), 1),
            "p95": round(warm[int(0.95 * (len(warm) - 1))], 1),
            "max": round(warm[-1], 1),
        },
        "first_preview_per_question_ms": {"median": round(statistics.median(cold), 1), "max": round(max(cold), 1)},
        "aim_p95_ms": AIM_P95_MS,
        "commit": head_commit(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print(json.dumps(result, indent=2))
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
