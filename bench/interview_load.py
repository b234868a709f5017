"""Open-loop load for bench/interview.py, and CPU / peak memory per process while it runs.

Open loop: answers *arrive* at a fixed rate whatever the system does (as candidates do), spread over
many sessions; each answer's latency is measured from its scheduled arrival, so time spent waiting
behind a slow system counts (a closed loop, where the next answer waits for the previous one, hides
exactly that). A session answers one question at a time: an arrival for a session still waiting is
queued behind its previous answer, and that queueing is part of the latency.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import psutil


@dataclass
class OpenLoopSample:
    scheduled: float  # perf_counter of the scheduled arrival
    done: float = 0.0
    status: int = 0
    kind: str = ""

    @property
    def ms(self) -> float:
        return (self.done - self.scheduled) * 1000


@dataclass
class OpenLoopResult:
    rate: float
    sessions: int
    seconds: float
    samples: list[OpenLoopSample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0


async def run_open_loop(
    client: httpx.AsyncClient,
    sessions: list[tuple[str, dict[str, str], dict[str, Any]]],  # (session id, headers, first question)
    rate: float,
    seconds: float,
    compose: Any,  # (question text) -> answer text
) -> OpenLoopResult:
    result = OpenLoopResult(rate=rate, sessions=len(sessions), seconds=seconds)
    queues: list[asyncio.Queue[OpenLoopSample | None]] = [asyncio.Queue() for _ in sessions]

    async def candidate(i: int) -> None:
        sid, headers, question = sessions[i]
        while True:
            sample = await queues[i].get()
            if sample is None or question is None:
                return
            try:
                r = await client.post(
                    f"/api/sessions/{sid}/answers",
                    json={"question_id": question["id"], "text": compose(question["text"])},
                    headers=headers,
                )
                sample.status = r.status_code
                if r.status_code == 200:
                    sample.kind = question.get("kind", "")
                    question = r.json()["question"]
                else:
                    result.errors.append(f"{r.status_code}: {r.text[:100]}")
            except httpx.HTTPError as exc:
                result.errors.append(f"{type(exc).__name__}: {exc}"[:100])
            sample.done = time.perf_counter()
            result.samples.append(sample)

    workers = [asyncio.create_task(candidate(i)) for i in range(len(sessions))]
    start = time.perf_counter()
    n = int(rate * seconds)
    for k in range(n):
        at = start + k / rate
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await queues[k % len(sessions)].put(OpenLoopSample(scheduled=at))
    for q in queues:
        await q.put(None)
    await asyncio.gather(*workers)
    result.wall_s = time.perf_counter() - start
    return result


class ProcessSampler:
    """Samples CPU time and resident memory of named processes (with their children) every 0.5 s."""

    def __init__(self, pids: dict[str, int], interval: float = 0.5) -> None:
        self._procs = {}
        for name, pid in pids.items():
            try:
                self._procs[name] = psutil.Process(pid)
            except psutil.Error:
                continue
        self._interval = interval
        self._stop = threading.Event()
        self._peak_rss: dict[str, float] = dict.fromkeys(self._procs, 0.0)
        self._cpu0: dict[str, float] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._t0 = 0.0

    def _tree(self, p: psutil.Process) -> list[psutil.Process]:
        try:
            return [p, *p.children(recursive=True)]
        except psutil.Error:
            return [p]

    def _cpu(self, p: psutil.Process) -> float:
        # Live processes of the tree, plus the children they have already reaped (PostgreSQL's
        # backends come and go: without those the tree's CPU time can even go down).
        total = 0.0
        for q in self._tree(p):
            try:
                t = q.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.Error:
                continue
        return total

    def _rss(self, p: psutil.Process) -> float:
        total = 0
        for q in self._tree(p):
            try:
                total += q.memory_info().rss
            except psutil.Error:
                continue
        return total / 2**20

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            for name, p in self._procs.items():
                self._peak_rss[name] = max(self._peak_rss[name], self._rss(p))

    def __enter__(self) -> ProcessSampler:
        self._cpu0 = {name: self._cpu(p) for name, p in self._procs.items()}
        self._t0 = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        wall = time.perf_counter() - self._t0
        self.summary = {
            name: {
                "cpu_s": round(self._cpu(p) - self._cpu0[name], 1),
                "cpu_cores_avg": round((self._cpu(p) - self._cpu0[name]) / wall, 2) if wall else None,
                "peak_rss_mb": round(self._peak_rss[name], 0),
            }
            for name, p in self._procs.items()
        }
