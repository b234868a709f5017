"""Rewrite the README's figures table from bench/results/*.json (no hand-written figures).

    .venv/bin/python bench/readme_figures.py [--check]

Each row names the results file and the commit it measured. A figure whose file or key is missing
shows "not measured". --check exits 1 if the README's table differs from what the results say.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
README = ROOT / "README.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _get(d: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d


def _pct(x: Any) -> str:
    return f"{100 * x:.1f} %" if isinstance(x, int | float) else "not measured"


def _throughput(d: dict[str, Any] | None) -> str:
    run = _get(d, "runs.sqlite.concurrent_50")
    return f"{_get(run, 'answers_per_s')}/s, {_get(run, 'latency_ms.p95')} ms"


def _open_loop(d: dict[str, Any]) -> str:
    run = _get(d, "runs.sqlite.open_loop")
    return (
        f"{_get(run, 'achieved_answers_per_s')}/s, p95 {_get(run, 'latency_from_arrival_ms.p95')} ms, "
        f"{_get(run, 'error_count')} errors"
    )


def _holdout(d: dict[str, Any]) -> str:
    return (
        f"{_pct(_get(d, 'ordering.accuracy'))} / {_pct(_get(d, 'gaming.rate'))} / "
        f"{_get(d, 'off_topic.recall')} / {_pct(_get(d, 'off_topic.false_flag_rate'))}"
    )


Row = tuple[str, str, Callable[[dict[str, Any]], str], str]

HELD_OUT_ROWS: list[Row] = [
    (
        "scoring, sixth held-out set, shipped scorer (listen-v6), blind (measured once, before anyone read its "
        "answers or results): ordering / gaming wins / off-topic recall / false flags",
        "scoring_holdout6_blind",
        _holdout,
        "≥ 97 % / ≤ 5 % / ≥ 0.9 / ≤ 5 %",
    ),
    (
        "scoring, sixth held-out set, the previous scorer (listen-v5), also blind: same figures",
        "scoring_holdout6_blind_listen_v5",
        _holdout,
        "",
    ),
    (
        "scoring, fifth held-out set, blind, an early listen-v6 (the filler and partly-credit rules were then "
        "found on this set): same figures",
        "scoring_holdout5_blind",
        _holdout,
        "",
    ),
    (
        "scoring, fifth held-out set, the previous scorer (listen-v5), also blind: same figures",
        "scoring_holdout5_blind_listen_v5",
        _holdout,
        "",
    ),
    *(
        (
            f"scoring, {nth} held-out set, shipped scorer (not blind: used in decisions since): same figures",
            name,
            _holdout,
            "",
        )
        for nth, name in (
            ("fifth", "scoring_holdout5"),
            ("fourth", "scoring_holdout4"),
            ("third", "scoring_holdout3"),
            ("second", "scoring_holdout2"),
            ("first", "scoring_holdout"),
        )
    ),
]

ROWS: list[Row] = [
    (
        "scoring: strong > weak > off-topic ordering (pairs)",
        "scoring_eval",
        lambda d: f"{_pct(_get(d, 'ordering.accuracy'))} of {_get(d, 'ordering.pairs')}",
        "≥ 97 %",
    ),
    (
        "scoring: off-topic recall / false flags on on-topic answers",
        "scoring_eval",
        lambda d: f"{_get(d, 'off_topic.recall')} / {_pct(_get(d, 'off_topic.false_flag_rate'))}",
        "≥ 0.9 / ≤ 5 %",
    ),
    (
        "scoring: listening points precision / recall vs hand labels",
        "scoring_eval",
        lambda d: f"{_get(d, 'key_points.precision')} / {_get(d, 'key_points.recall')}",
        "",
    ),
    (
        "scoring: points credited, strong / off-topic answers",
        "scoring_eval",
        lambda d: f"{_get(d, 'credit_share.strong')} / {_get(d, 'credit_share.off_topic')}",
        "≥ 0.70 / ≤ 0.15",
    ),
    (
        "scoring: gaming attempts that beat the weak answer",
        "scoring_eval",
        lambda d: f"{_pct(_get(d, 'gaming.rate'))} ({_get(d, 'gaming.wins_over_weak')}/{_get(d, 'gaming.pairs')})",
        "≤ 5 %",
    ),
    *HELD_OUT_ROWS,
    (
        "score preview through the stack, warm (p50 / p95)",
        "score_preview",
        lambda d: f"{_get(d, 'warm_ms.p50')} / {_get(d, 'warm_ms.p95')} ms",
        "p95 ≤ 150 ms",
    ),
    (
        "embedding CPU per sentence: ONNX int8 / torch",
        "embedder",
        lambda d: (
            f"{_get(d, 'variants.onnx-t1.sentence_ms.cpu_mean')} / "
            f"{_get(d, 'variants.torch-t1.sentence_ms.cpu_mean')} ms"
        ),
        "",
    ),
    (
        "embedder peak memory: ONNX int8 / torch",
        "embedder",
        lambda d: f"{_get(d, 'variants.onnx-t1.peak_rss_mb')} / {_get(d, 'variants.torch-t1.peak_rss_mb')} MB",
        "",
    ),
    (
        "answer → next question, one candidate answering 1.5 s apart (p50 / p95)",
        "interview",
        lambda d: (
            f"{_get(d, 'runs.sqlite.single_paced.latency_ms.p50')} / "
            f"{_get(d, 'runs.sqlite.single_paced.latency_ms.p95')} ms"
        ),
        "p95 ≤ 100 ms",
    ),
    (
        "answer → next question, one candidate answering back to back (p50 / p95)",
        "interview",
        lambda d: f"{_get(d, 'runs.sqlite.single.latency_ms.p50')} / {_get(d, 'runs.sqlite.single.latency_ms.p95')} ms",
        "",
    ),
    (
        "open loop: answers/s achieved (offered) and p95 from arrival",
        "interview",
        lambda d: (
            f"{_get(d, 'runs.sqlite.open_loop.achieved_answers_per_s')} "
            f"({_get(d, 'runs.sqlite.open_loop.offered_rate_per_s')}) /s, "
            f"{_get(d, 'runs.sqlite.open_loop.latency_from_arrival_ms.p95')} ms"
        ),
        "20/s, p95 ≤ 1 s",
    ),
    (
        "the same with one worker process for every role: back to back (p50 / p95)",
        "interview_one_process",
        lambda d: f"{_get(d, 'runs.sqlite.single.latency_ms.p50')} / {_get(d, 'runs.sqlite.single.latency_ms.p95')} ms",
        "",
    ),
    (
        "the same with one worker process: open loop at 20/s",
        "interview_one_process",
        lambda d: _open_loop(d),
        "",
    ),
    (
        "the previous round's code, same machine: back to back (p50 / p95)",
        "previous_round",
        lambda d: f"{_get(d, 'runs.sqlite.single.latency_ms.p50')} / {_get(d, 'runs.sqlite.single.latency_ms.p95')} ms",
        "",
    ),
    (
        "50 sessions answering back to back: answers/s, p95 (this round / previous round's code)",
        "interview",
        lambda d: f"{_throughput(d)} / {_throughput(_load('previous_round'))}",
        "",
    ),
    (
        "open loop at 30/s: achieved /s and p95, one worker process for all roles",
        "interview_open30_one",
        lambda d: _open_loop(d),
        "",
    ),
    (
        "open loop at 30/s: roles split, scoring in 1 background process",
        "interview_open30_ml1",
        lambda d: _open_loop(d),
        "",
    ),
    (
        "open loop at 30/s: roles split, scoring in 2 background processes",
        "interview_open30_ml2",
        lambda d: _open_loop(d),
        "",
    ),
    (
        "worker peak memory during the open loop: answer path / background process",
        "interview",
        lambda d: (
            f"{_get(d, 'runs.sqlite.open_loop.processes.worker-0.peak_rss_mb')} / "
            f"{_get(d, 'runs.sqlite.open_loop.processes.worker-1.peak_rss_mb')} MB"
        ),
        "≤ 1.5 GB",
    ),
    (
        "`make up` warm start to its URLs (median) / first start on an empty data dir",
        "startup",
        lambda d: f"{_get(d, 'warm_start_median_s')} s / {_get(d, 'first_start_s')} s",
        "warm ≤ 10 s",
    ),
    (
        "last answer → report ready (median)",
        "interview",
        lambda d: f"{_get(d, 'runs.sqlite.report_ready_single_s.median')} s",
        "≤ 2 s",
    ),
    (
        "follow-ups: asked after on-topic answers / of those, naming a thing from the answer",
        "followups",
        lambda d: (
            f"{_pct(_get(d, 'on_topic.asked_share'))} ({_get(d, 'on_topic.asked')}/{_get(d, 'on_topic.answers')}) / "
            f"{_pct(_get(d, 'on_topic.named_share_of_asked'))}"
        ),
        "",
    ),
    (
        "Whisper tiny.en WER, LibriVox clips / real-time factor, 60 s answer",
        "stt",
        lambda d: f"{_pct(_get(d, 'answer_60s.wer'))} / {round(_get(d, 'answer_60s.rtf'), 3)}",
        "< 6 % / < 0.1",
    ),
]


def render() -> str:
    lines = [
        START,
        "| what | figure | aim | from (commit) |",
        "|---|---|---|---|",
    ]
    for label, name, fmt, aim in ROWS:
        d = _load(name)
        if d is None:
            figure, source = "not measured", f"`bench/results/{name}.json` missing"
        else:
            try:
                figure = fmt(d)
            except (TypeError, ValueError):
                figure = "not measured"
            if "None" in figure:
                figure = "not measured"
            commit = str(d["commit"])[:10] if d.get("commit") else "an earlier round; commit not recorded"
            source = f"`{name}.json` ({commit})"
        lines.append(f"| {label} | {figure} | {aim} | {source} |")
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text = README.read_text()
    if START not in text or END not in text:
        sys.exit(f"README has no {START} … {END} block")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    new = before + render() + after
    if args.check:
        sys.exit(0 if new == text else 1)
    README.write_text(new)
    print(render())


if __name__ == "__main__":
    main()
