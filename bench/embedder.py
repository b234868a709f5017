"""Embedder benchmark: ONNX (int8) vs torch MiniLM, thread settings, a lock, micro-batching; worker start-up.

    .venv/bin/python bench/embedder.py [--quick] [--variants onnx-t1,torch-t1] [--rounds 3] [--no-worker]
                                       [--baseline-root DIR] [--worker-backends onnx,torch]

Each variant runs in its own child process (so peak RSS and load time are that backend's alone, and
no torch threads leak between variants), all variants in turn for --rounds rounds (the median of the
rounds is reported: the machine is shared), and reports:

* load_s: from before importing the backend's runtime to a warmed-up model; rss_loaded_mb and
  peak_rss_mb (ru_maxrss after loading and at the end);
* latency of one call with one sentence (pack sentences, 5–40 words) and with one ~120-word answer
  (what follow-up retrieval embeds), single-threaded: p50/p95;
* the same answer call while two other threads embed 8-sentence batches (retrieval during scoring);
* throughput: 1, 2 and 4 threads each embedding one sentence per call, sentences/s and per-call p50/p95.

Variants beyond the product's two backends are experiments kept here so the figures can be re-run:
`-t2` two intra-op threads; `-optall` all graph optimisations instead of basic; `-lock` one lock
around every call; `-mb2ms` / `-mb0` a micro-batcher in front (calls from several threads that
arrive within 2 ms, or while the previous run is busy, go into one session run).

Worker start-up: starts PostgreSQL (migrated, empty) and an in-memory Temporal dev server, then
`worker.py --queues ROLE` for each role (and all of them) with EMBEDDER=onnx and =torch, and times
spawn → "worker ready" in its log, with the process's peak RSS (VmHWM); median of 3.
`--baseline-root DIR` also starts worker.py from another checkout, interleaved with these (e.g.
`git archive <commit> | tar -x -C DIR`, with the commit id in DIR/COMMIT), to compare with an
earlier version under the same machine load.

Prints a table and writes bench/results/embedder.json (with the git commit and a timestamp).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import queue
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from provenance import head_commit  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "embedder.json"

# name -> (backend, intra-op threads, wrapper)
VARIANTS: dict[str, tuple[str, int, str]] = {
    "onnx-t1": ("onnx", 1, ""),
    "onnx-t2": ("onnx", 2, ""),
    "onnx-t1-optall": ("onnx", 1, "optall"),
    "onnx-t1-lock": ("onnx", 1, "lock"),
    "onnx-t1-mb2ms": ("onnx", 1, "mb2ms"),
    "onnx-t2-mb2ms": ("onnx", 2, "mb2ms"),
    "onnx-t2-mb0": ("onnx", 2, "mb0"),
    "torch-t1": ("torch", 1, ""),
    "torch-t2": ("torch", 2, ""),
}
ROLES = ["interview", "ml", "retrieval", "feedback", "transcription", "interview,ml,retrieval,feedback,transcription"]


# --------------------------------------------------------------------------- experimental wrappers


class LockedEmbedder:
    """Every call behind one lock: does serialising an onnxruntime session help or hurt?"""

    def __init__(self, inner: Any) -> None:
        self.dim = inner.dim
        self._inner = inner
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._inner.embed(texts))


class MicroBatchingEmbedder:
    """Collects calls from many threads into one session run.

    One background thread takes the first waiting call, then keeps taking calls that arrive within
    `window_s` (0: only those already queued while the previous run was busy), up to `max_texts`,
    embeds them together and hands each caller its rows.
    """

    def __init__(self, inner: Any, window_s: float, max_texts: int = 32) -> None:
        self.dim = inner.dim
        self._inner = inner
        self._window = window_s
        self._max = max_texts
        self._queue: queue.SimpleQueue[tuple[list[str], Future[np.ndarray]]] = queue.SimpleQueue()
        threading.Thread(target=self._loop, daemon=True, name="embed-batcher").start()

    def embed(self, texts: list[str]) -> np.ndarray:
        fut: Future[np.ndarray] = Future()
        self._queue.put((list(texts), fut))
        return fut.result()

    def _loop(self) -> None:
        while True:
            batch = [self._queue.get()]
            n = len(batch[0][0])
            deadline = time.perf_counter() + self._window
            while n < self._max:
                remaining = deadline - time.perf_counter()
                try:
                    item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                batch.append(item)
                n += len(item[0])
            try:
                vectors = self._inner.embed([t for texts, _ in batch for t in texts])
            except BaseException as exc:  # every waiting caller gets the error
                for _, fut in batch:
                    fut.set_exception(exc)
                continue
            i = 0
            for texts, fut in batch:
                fut.set_result(vectors[i : i + len(texts)])
                i += len(texts)


# --------------------------------------------------------------------------- child: one variant


def _pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2) if values else float("nan")


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_variant(name: str, texts: dict[str, list[str]], per_thread_calls: int) -> dict[str, Any]:
    backend, threads, wrapper = VARIANTS[name]
    from talentsync.embeddings import load_embedder

    if wrapper == "optall":
        from talentsync.embeddings import onnx_backend

        onnx_backend.GRAPH_OPTIMIZATION = "ORT_ENABLE_ALL"
    base_rss = _rss_mb()
    t0 = time.perf_counter()
    inner = load_embedder(backend, threads=threads)  # type: ignore[arg-type]
    load_s = time.perf_counter() - t0
    embedder: Any = inner
    if wrapper == "lock":
        embedder = LockedEmbedder(inner)
    elif wrapper.startswith("mb"):
        embedder = MicroBatchingEmbedder(inner, window_s=0.002 if wrapper == "mb2ms" else 0.0)
    out: dict[str, Any] = {
        "backend": backend,
        "intra_op_threads": threads,
        "wrapper": wrapper or None,
        "load_s": round(load_s, 2),
        "rss_before_load_mb": base_rss,
        "rss_loaded_mb": _rss_mb(),
    }

    def timed(batch: list[str]) -> float:
        t = time.perf_counter()
        embedder.embed(batch)
        return (time.perf_counter() - t) * 1000

    sentences, answers = texts["sentences"], texts["answers"]
    for _ in range(3):  # settle allocations for this shape mix
        timed([sentences[0]])
    # CPU time (all of this process's threads) per call is what other load on the machine cannot
    # inflate much: it shows what a sentence costs in cores, where wall time shows what a caller waits.
    cpu = time.process_time()
    lat = [timed([s]) for s in sentences]
    out["sentence_ms"] = {
        "p50": _pct(lat, 50),
        "p95": _pct(lat, 95),
        "mean": round(statistics.fmean(lat), 2),
        "cpu_mean": round((time.process_time() - cpu) * 1000 / len(lat), 2),
    }
    cpu = time.process_time()
    lat = [timed([a]) for a in answers]
    out["answer_ms"] = {
        "p50": _pct(lat, 50),
        "p95": _pct(lat, 95),
        "mean": round(statistics.fmean(lat), 2),
        "cpu_mean": round((time.process_time() - cpu) * 1000 / len(lat), 2),
    }

    # The answer path's case: retrieval embeds one answer while scoring embeds batches of answer
    # sentences on two other activity threads.
    stop = threading.Event()
    background_texts = [0]

    def scoring_load(k: int) -> None:
        i = k * 31
        while not stop.is_set():
            embedder.embed([sentences[(i + j) % len(sentences)] for j in range(8)])
            background_texts[0] += 8
            i += 8

    load = [threading.Thread(target=scoring_load, args=(k,)) for k in range(2)]
    for th in load:
        th.start()
    time.sleep(0.05)
    t = time.perf_counter()
    lat = [timed([a]) for a in answers]
    wall = time.perf_counter() - t
    stop.set()
    for th in load:
        th.join()
    out["answer_under_scoring_load_ms"] = {
        "p50": _pct(lat, 50),
        "p95": _pct(lat, 95),
        "background_sentences_per_s": round(background_texts[0] / wall, 1),
    }

    out["throughput"] = {}
    for n_threads in (1, 2, 4):
        per_call: list[list[float]] = [[] for _ in range(n_threads)]
        start = threading.Barrier(n_threads + 1)

        def work(k: int, per_call: list[list[float]] = per_call, start: threading.Barrier = start) -> None:
            start.wait()
            for i in range(per_thread_calls):
                per_call[k].append(timed([sentences[(k * 997 + i) % len(sentences)]]))

        pool = [threading.Thread(target=work, args=(k,)) for k in range(n_threads)]
        for th in pool:
            th.start()
        start.wait()
        t, cpu = time.perf_counter(), time.process_time()
        for th in pool:
            th.join()
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        flat = [x for xs in per_call for x in xs]
        out["throughput"][str(n_threads)] = {
            "sentences_per_s": round(len(flat) / wall, 1),
            "cpu_ms_per_sentence": round(cpu * 1000 / len(flat), 2),
            "call_p50_ms": _pct(flat, 50),
            "call_p95_ms": _pct(flat, 95),
        }
    out["peak_rss_mb"] = _rss_mb()
    return out


# --------------------------------------------------------------------------- parent


def pack_texts(quick: bool) -> dict[str, list[str]]:
    from talentsync.packs import discover_packs

    sentences: list[str] = []
    answers: list[str] = []
    for pack in discover_packs():
        for q in pack.questions:
            sentences.append(q.text)
            parts = re.split(r"(?<=[.!?])\s+", " ".join(q.ideal_answer.split()))
            sentences += [s for s in parts if 5 <= len(s.split()) <= 40]
            words = " ".join([q.ideal_answer, *q.reference_answers]).split()
            if len(words) >= 100:
                answers.append(" ".join(words[:120]))
    # A fixed, spread-out sample so every variant sees the same texts.
    step_s = max(1, len(sentences) // (60 if quick else 200))
    step_a = max(1, len(answers) // (10 if quick else 40))
    return {"sentences": sentences[::step_s], "answers": answers[::step_a]}


def _median_merge(runs: list[Any]) -> Any:
    """Element-wise median of the rounds' results (numbers), keeping everything else from the first."""
    first = runs[0]
    if isinstance(first, dict):
        return {k: _median_merge([r[k] for r in runs]) for k in first}
    if isinstance(first, int | float) and not isinstance(first, bool):
        return round(float(statistics.median(runs)), 2)
    return first


def run_child(name: str, texts_file: Path, per_thread_calls: int) -> dict[str, Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, "--texts", str(texts_file), "--calls", str(per_thread_calls)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    m = re.search(r"VmHWM:\s+(\d+) kB", text)
    return round(int(m.group(1)) / 1024, 1) if m else None


def _start_worker_once(root: Path, role: str, env: dict[str, str], log: Path) -> dict[str, float | None]:
    t0 = time.perf_counter()
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, str(root / "worker.py"), "--queues", role],
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=root,
            env=env,
        )
    ready_s = None
    while time.perf_counter() - t0 < 180 and proc.poll() is None:
        if "worker ready" in log.read_text(errors="replace"):
            ready_s = round(time.perf_counter() - t0, 2)
            break
        time.sleep(0.05)
    time.sleep(0.5)  # let the pollers start before reading the memory high-water mark
    rss = _vm_hwm_mb(proc.pid)
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if ready_s is None:
        print(f"  worker {role} from {root} did not start:\n{log.read_text()[-2000:]}", file=sys.stderr)
    return {"ready_s": ready_s, "peak_rss_mb": rss}


def worker_startup(configs: dict[str, tuple[Path, str]], roles: list[str], repeats: int) -> dict[str, Any]:
    """spawn → "worker ready" per role and config, against an in-memory Temporal dev server started here.

    configs: label -> (checkout whose worker.py runs, EMBEDDER value). Configs are interleaved per
    role and repeated, so load from other work on the machine falls on all of them alike.
    """
    from devstack.services import HOST, ensure_database, free_port, postgres_service, temporal_service

    # Under /tmp (not /root): the postgres system user must be able to reach the data directory.
    data = Path(tempfile.mkdtemp(prefix="talentsync-bench-emb-", dir="/tmp"))
    port, pg_port = free_port(), free_port()
    started = []
    results: dict[str, Any] = {}
    try:
        # A migrated, empty database: the ml role reads persisted scoring references at start-up.
        pg = postgres_service(data, pg_port, data / "logs")
        pg.start()
        started.append(pg)
        ensure_database(f"postgresql://postgres@{HOST}:{pg_port}/postgres", "talentsync")
        database_url = f"postgresql+psycopg://postgres@{HOST}:{pg_port}/talentsync"
        subprocess.run(
            [sys.executable, "-c", f"from talentsync.seed import migrate; migrate({database_url!r})"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        temporal = temporal_service(None, port, None, data / "logs")
        temporal.start()
        started.append(temporal)
        for role in roles:
            samples: dict[str, list[dict[str, float | None]]] = {label: [] for label in configs}
            for rep in range(repeats):
                for label, (root, backend) in configs.items():
                    env = {
                        **os.environ,
                        "TEMPORAL_ADDRESS": f"{HOST}:{port}",
                        "DATABASE_URL": database_url,
                        # No Redis is started: nothing talks to it before "worker ready".
                        "WORKER_METRICS_PORT": "0",
                        "DATA_DIR": str(data),
                        "EMBEDDER": backend,
                        "TASK_QUEUE_PREFIX": f"bench-{label}-",
                        "HF_HUB_OFFLINE": "1",
                        "TRANSFORMERS_OFFLINE": "1",
                    }
                    log = data / "logs" / f"worker-{label}-{role.replace(',', '+')}-{rep}.log"
                    samples[label].append(_start_worker_once(root, role, env, log))
            for label, runs in samples.items():
                ready = [r["ready_s"] for r in runs if r["ready_s"] is not None]
                rss = [r["peak_rss_mb"] for r in runs if r["peak_rss_mb"] is not None]
                entry = {
                    "ready_s_median": round(statistics.median(ready), 2) if ready else None,
                    "ready_s": [r["ready_s"] for r in runs],
                    "peak_rss_mb_median": round(statistics.median(rss), 1) if rss else None,
                }
                results.setdefault(label, {})[role] = entry
                print(
                    f"  {label:9} {role:50} ready {entry['ready_s_median']} s (runs {entry['ready_s']}), "
                    f"peak RSS {entry['peak_rss_mb_median']} MB",
                    flush=True,
                )
    finally:
        for proc in reversed(started):
            proc.stop()
        shutil.rmtree(data, ignore_errors=True)
    return results


def print_table(variants: dict[str, dict[str, Any]]) -> None:
    head = (
        f"{'variant':15} {'load s':>6} {'RSS MB':>6} {'sent p50':>8} {'p95':>6} {'cpu':>5} {'ans p50':>7} {'p95':>6} "
        f"{'loaded p50':>10} {'p95':>6} {'1 thr/s':>7} {'2 thr/s':>7} {'4 thr/s':>7} {'4thr p95':>8} {'2thr cpu':>8}"
    )
    print(head)
    print("-" * len(head))
    for name, r in variants.items():
        tp, busy = r["throughput"], r["answer_under_scoring_load_ms"]
        print(
            f"{name:15} {r['load_s']:6.2f} {r['peak_rss_mb']:6.0f} {r['sentence_ms']['p50']:8.2f} "
            f"{r['sentence_ms']['p95']:6.2f} {r['sentence_ms']['cpu_mean']:5.2f} "
            f"{r['answer_ms']['p50']:7.2f} {r['answer_ms']['p95']:6.2f} "
            f"{busy['p50']:10.2f} {busy['p95']:6.2f} "
            f"{tp['1']['sentences_per_s']:7.1f} {tp['2']['sentences_per_s']:7.1f} {tp['4']['sentences_per_s']:7.1f} "
            f"{tp['4']['call_p95_ms']:8.2f} {tp['2']['cpu_ms_per_sentence']:8.2f}"
        )
    print(
        "ms; sent/ans: one call with one sentence / one ~120-word answer, alone (cpu: CPU ms per sentence); "
        "loaded: one answer while two threads embed 8-sentence batches; N thr/s: sentences/s with N threads "
        "of one-sentence calls; 2thr cpu: CPU ms per sentence with 2 threads"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer texts and calls")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"from {', '.join(VARIANTS)}")
    parser.add_argument("--no-worker", action="store_true", help="skip the worker start-up measurement")
    parser.add_argument(
        "--baseline-root", type=Path, help="also start worker.py from this checkout (e.g. an earlier commit)"
    )
    parser.add_argument("--worker-backends", default="onnx,torch", help="EMBEDDER values for this checkout")
    parser.add_argument("--worker-repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the variants (median reported)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=100, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        texts = json.loads(args.texts.read_text())
        print(json.dumps(run_variant(args.child, texts, args.calls)))
        return

    names = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variants {unknown}; choose from {', '.join(VARIANTS)}")
    texts = pack_texts(args.quick)
    calls = 40 if args.quick else 120
    commit = head_commit()
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--", "talentsync/embeddings", "worker.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    out: dict[str, Any] = {
        "commit": commit,
        "embedder_files_uncommitted": dirty,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_avg_1m_at_start": os.getloadavg()[0],
        },
        "method": {
            "texts": f"{len(texts['sentences'])} pack sentences (questions, ideal-answer sentences of 5-40 words), "
            f"{len(texts['answers'])} ~120-word answers cut from ideal + reference answers",
            "latency": "one call with one text, single-threaded, after 3 warm-up calls",
            "throughput": f"N threads x {calls} calls of one sentence each; sentences/s = calls / wall time",
            "answer_under_scoring_load": "one ~120-word answer per call while two other threads embed 8-sentence "
            "batches without pause (follow-up retrieval while scoring runs)",
            "rss": "ru_maxrss of the child process that loaded only this variant",
            "note": "a shared 2-core machine: other work may run at the same time (see load averages)",
        },
        "variants": {},
    }
    rounds = 1 if args.quick else args.rounds
    out["method"]["rounds"] = f"{rounds} rounds over all variants in turn; each figure is the median over rounds"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(texts, fh)
        texts_file = Path(fh.name)
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    try:
        for r in range(rounds):
            for name in names:
                print(f"round {r + 1}/{rounds}: {name} (load avg {os.getloadavg()[0]:.1f})…", flush=True)
                samples[name].append(run_child(name, texts_file, calls))
    finally:
        texts_file.unlink(missing_ok=True)
    out["variants"] = {name: _median_merge(runs) for name, runs in samples.items()}
    print()
    print_table(out["variants"])
    if not args.no_worker:
        print("\nworker start-up (spawn → 'worker ready'):")
        configs = {b.strip(): (ROOT, b.strip()) for b in args.worker_backends.split(",") if b.strip()}
        if args.baseline_root:
            configs["baseline"] = (args.baseline_root.resolve(), "torch")
            out["baseline_root"] = str(args.baseline_root)
            commit_file = args.baseline_root / "COMMIT"
            out["baseline_commit"] = commit_file.read_text().strip() if commit_file.exists() else None
        repeats = 1 if args.quick else args.worker_repeats
        out["worker_startup"] = worker_startup(configs, ROLES, repeats)
    out["machine"]["load_avg_1m_at_end"] = os.getloadavg()[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
