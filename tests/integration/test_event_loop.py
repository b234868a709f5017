"""The API never blocks its event loop: the app runs under uvicorn inside this test's loop, a monitor
measures how late that loop wakes up, and the main routes (and a WebSocket flood) run against it.

A 10 ms sleep that wakes up late means some callback held the loop. The machine is shared, so the
thread may also have been runnable but not running (other processes on the cores); the kernel counts
that time (/proc/thread-self/schedstat, field 2) and it is subtracted: what remains is time the loop
spent inside a callback or blocked in a system call, which is what a sync database call does.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import connect

from api.main import create_app
from devstack.services import free_port

pytestmark = pytest.mark.integration

MAX_LAG_S = 0.050
PASSWORD = "correct-horse-42"
RESUME = """Jane Doe
jane@example.com

EXPERIENCE
Senior Software Engineer, Acme Corp, 2019 - present
- Cut p95 latency of the payments API from 900 ms to 140 ms with Redis caching and batched writes
- Led a team of 4 moving 12 services to Kubernetes

SKILLS
Python, FastAPI, PostgreSQL, Redis, Kubernetes
"""
STRONG = (
    "At Acme I led the move of our payments service to a queue: p95 latency went from 900 ms to 140 ms "
    "after I profiled it, cached lookups in Redis and batched writes. I learned to measure first."
)


def _runqueue_wait_ns() -> int:
    try:
        with open("/proc/thread-self/schedstat") as fh:
            return int(fh.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class LoopLagMonitor:
    interval: float = 0.010
    stage: str = "start"
    max_lag: float = 0.0
    max_raw_lag: float = 0.0
    worst_stage: str = ""
    samples: int = 0
    per_stage: dict[str, float] = field(default_factory=dict)

    async def run(self) -> None:
        while True:
            waited0, t0 = _runqueue_wait_ns(), time.perf_counter()
            await asyncio.sleep(self.interval)
            raw = time.perf_counter() - t0 - self.interval
            lag = raw - (_runqueue_wait_ns() - waited0) / 1e9
            self.samples += 1
            self.max_raw_lag = max(self.max_raw_lag, raw)
            self.per_stage[self.stage] = max(self.per_stage.get(self.stage, 0.0), lag)
            if lag > self.max_lag:
                self.max_lag, self.worst_stage = lag, self.stage


@dataclass
class Live:
    base: str
    monitor: LoopLagMonitor


@pytest.fixture(scope="module")
async def live(stack, worker) -> AsyncIterator[Live]:  # type: ignore[no-untyped-def]
    settings = stack.settings(ws_ticket_rate_limit="1000/minute", answer_rate_limit="1000/minute")
    # With PYTHONASYNCIODEBUG=1, asyncio names each callback that ran longer than this.
    asyncio.get_running_loop().slow_callback_duration = MAX_LAG_S / 2
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", ws="auto", lifespan="on"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "uvicorn exited during startup"
        await asyncio.sleep(0.05)
    monitor = LoopLagMonitor()
    monitoring = asyncio.create_task(monitor.run())
    yield Live(f"http://127.0.0.1:{port}", monitor)
    monitoring.cancel()
    server.should_exit = True
    await serving


async def _register(client: httpx.AsyncClient) -> dict[str, str]:
    email = f"loop-{uuid.uuid4().hex[:10]}@example.com"
    r = await client.post("/api/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Loop"})
    assert r.status_code == 201, r.text
    tok = await client.post("/api/auth/token", data={"username": email, "password": PASSWORD})
    assert tok.status_code == 200, tok.text
    return {"Authorization": f"Bearer {tok.json()['access_token']}"}


async def test_main_routes_never_block_the_event_loop(live: Live, stack) -> None:  # type: ignore[no-untyped-def]
    mon = live.monitor
    s = stack.settings()
    async with httpx.AsyncClient(base_url=live.base, timeout=60) as c:
        # One-time costs (lazy imports on a route's first call, the thread pool's first use) are not
        # what this test is about: one warm-up pass, reported, then the sweep is measured.
        mon.stage = "warm-up"
        with _SlowCallbacks() as warm:
            for path in ("/api/health", "/api/config", "/"):
                await c.get(path)
            await _register(c)
        mon.max_lag = mon.max_raw_lag = 0.0
        mon.per_stage.clear()
        sweep = _SlowCallbacks()
        sweep.__enter__()
        mon.stage = "accounts"
        headers = await _register(c)
        admin_tok = await c.post(
            "/api/auth/token",
            data={"username": s.first_admin_email, "password": s.first_admin_password.get_secret_value()},
        )
        admin = {"Authorization": f"Bearer {admin_tok.json()['access_token']}"}
        assert (await c.get("/api/users/me", headers=headers)).status_code == 200
        assert (
            await c.post("/api/auth/token", data={"username": "x@example.com", "password": "nope-12345"})
        ).status_code == 401

        mon.stage = "health+config"
        assert (await c.get("/api/health")).json()["database"] == "ok"
        assert (await c.get("/api/config")).status_code == 200
        assert (await c.get("/")).status_code in (200, 404)

        mon.stage = "question bank"
        modules = (await c.get("/api/modules", headers=headers)).json()
        module = next(m for m in modules if m["slug"] == "backend-python")
        assert (await c.get(f"/api/modules/{module['id']}/questions", headers=admin)).status_code == 200
        assert (await c.get("/api/questions/search", params={"q": "teammate"}, headers=headers)).status_code == 200
        body = {"module_id": module["id"], "text": "How do you keep an event loop responsive?", "category": "technical"}
        created = await c.post("/api/questions", json=body, headers=admin)
        assert created.status_code == 201, created.text
        updated = await c.put(f"/api/questions/{created.json()['id']}", json={**body, "difficulty": 3}, headers=admin)
        assert updated.status_code == 200, updated.text

        mon.stage = "resumes"
        content = RESUME.encode()
        up = await c.post("/api/resumes", files={"file": ("cv.txt", content, "text/plain")}, headers=headers)
        assert up.status_code in (202, 422), up.text
        if up.status_code == 202:
            rid = up.json()["id"]
            for _ in range(300):
                state = (await c.get(f"/api/resumes/{rid}", headers=headers)).json()
                if state["status"] != "processing":
                    break
                await asyncio.sleep(0.1)
            if state["status"] == "parsed":
                fixed = await c.put(f"/api/resumes/{rid}", json={"parsed": state["parsed"]}, headers=headers)
                assert fixed.status_code == 200, fixed.text
        assert (await c.get("/api/resumes", headers=headers)).status_code == 200

        mon.stage = "session start"
        start = await c.post("/api/sessions", json={"module_id": module["id"], "max_questions": 3}, headers=headers)
        assert start.status_code == 201, start.text
        sid, q = start.json()["id"], start.json()["question"]
        assert (await c.get(f"/api/sessions/{sid}", headers=headers)).status_code == 200

        mon.stage = "websocket"
        ticket = (await c.post(f"/api/sessions/{sid}/events/ticket", headers=headers)).json()
        async with connect(live.base.replace("http", "ws") + ticket["url"]) as ws:
            assert json.loads(await ws.recv())["type"] == "question"

            mon.stage = "answers"
            bad = await c.post(
                f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": "a\0b"}, headers=headers
            )
            assert bad.status_code == 422
            not_audio = await c.post(
                f"/api/sessions/{sid}/answers/audio",
                data={"question_id": q["id"]},
                files={"file": ("a.webm", b"not audio at all" * 50, "audio/webm")},
                headers=headers,
            )
            assert not_audio.status_code == 415
            r = await c.post(
                f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": STRONG}, headers=headers
            )
            assert r.status_code == 200, r.text
            q = r.json()["question"]
            skipped = await c.post(f"/api/sessions/{sid}/skip", json={"question_id": q["id"]}, headers=headers)
            assert skipped.status_code == 200, skipped.text

        mon.stage = "end+report+admin"
        assert (await c.post(f"/api/sessions/{sid}/end", headers=headers)).status_code in (202, 409)
        assert (await c.get("/api/sessions", headers=headers)).status_code == 200
        assert (await c.get(f"/api/sessions/{sid}/report", headers=headers)).status_code in (200, 202, 409)
        assert (await c.get("/api/admin/sessions", params={"status": "active"}, headers=admin)).status_code == 200
        retry = await c.post(f"/api/admin/sessions/{sid}/retry-scoring", headers=admin)
        assert retry.status_code == 409
    sweep.__exit__()
    print(
        f"\nroute sweep: longest loop callback {sweep.longest * 1000:.1f} ms ({sweep.count} callbacks; warm-up "
        f"{warm.longest * 1000:.1f} ms); loop wake-up lag max {mon.max_lag * 1000:.1f} ms in '{mon.worst_stage}' "
        f"(raw, before subtracting CPU contention: {mon.max_raw_lag * 1000:.1f} ms); per stage (ms): "
        + ", ".join(f"{k} {v * 1000:.1f}" for k, v in mon.per_stage.items())
    )
    assert sweep.longest < MAX_LAG_S, f"a callback held the event loop {sweep.longest * 1000:.0f} ms"
    # Wake-up lag also counts waiting for the GIL and many short callbacks in a row: a looser bound
    # that still catches a blocked loop that callback timing could miss.
    assert mon.max_lag < 3 * MAX_LAG_S, (
        f"the event loop woke up {mon.max_lag * 1000:.0f} ms late in '{mon.worst_stage}'"
    )


async def test_websocket_flood_leaves_health_fast(live: Live) -> None:
    """The incident: 200 opens of one's own session froze the whole API. Now 60 real opens (5 allowed,
    55 over the per-user cap) and 200 forged tickets, all at once, while /api/health is probed."""
    mon = live.monitor
    async with httpx.AsyncClient(base_url=live.base, timeout=30) as c:
        headers = await _register(c)
        module = (await c.get("/api/modules", headers=headers)).json()[0]
        start = await c.post("/api/sessions", json={"module_id": module["id"], "max_questions": 2}, headers=headers)
        sid = start.json()["id"]
        flood = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).with_name("ws_flood.py")),
            live.base,
            headers["Authorization"].split()[1],
            sid,
            "60",
            "200",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert flood.stdout is not None
        tickets = json.loads(await asyncio.wait_for(flood.stdout.readline(), 60))
        mon.stage, mon.max_lag, mon.max_raw_lag = "ws flood", 0.0, 0.0
        slow_callbacks = _SlowCallbacks()
        latencies: list[float] = []
        with slow_callbacks:
            while flood.returncode is None:
                t0 = time.perf_counter()
                r = await c.get("/api/health")
                latencies.append(time.perf_counter() - t0)
                assert r.status_code == 200 and r.json()["database"] == "ok"
                try:
                    await asyncio.wait_for(flood.wait(), 0.02)
                except TimeoutError:
                    pass
        out, err = await flood.communicate()
    assert flood.returncode == 0, err.decode()[-2000:]
    result = json.loads(out.decode().strip().splitlines()[-1])
    latencies.sort()
    p50, worst = latencies[len(latencies) // 2], latencies[-1]
    print(
        f"\nws flood: {tickets} {result}; /api/health x{len(latencies)} p50 {p50 * 1000:.1f} ms, "
        f"max {worst * 1000:.1f} ms (all: {[round(x * 1000) for x in latencies]}); "
        f"loop wake-up lag max {mon.max_lag * 1000:.1f} ms "
        f"(raw {mon.max_raw_lag * 1000:.1f} ms); longest single callback {slow_callbacks.longest * 1000:.1f} ms"
    )
    assert tickets["tickets"] == {"200": 60}
    outcomes = result["outcomes"]
    assert outcomes.get("open:question", 0) == 5, outcomes  # the default per-user cap
    assert outcomes.get("closed:4429", 0) == 55, outcomes
    assert outcomes.get("http:403", 0) == 200, outcomes  # forged tickets are refused in the handshake
    assert len(latencies) >= 3
    # The incident froze /api/health for 17 minutes. On this shared 2-core machine the probe also
    # waits for CPU that other processes hold (see the raw lag), so the bound is on the median, with
    # a generous ceiling on the worst probe; no single callback may hold the loop.
    assert p50 < 0.100, f"/api/health median {p50 * 1000:.0f} ms during the flood"
    assert worst < 1.0, f"/api/health took {worst * 1000:.0f} ms during the flood"
    assert slow_callbacks.longest < MAX_LAG_S, f"one callback held the loop {slow_callbacks.longest * 1000:.0f} ms"


class _SlowCallbacks:
    """Times every callback the loop runs, minus the time its thread waited for a CPU (what asyncio's
    debug mode reports as "Executing ... took"). A sync database call inside a coroutine makes one
    callback long; a flood makes many short ones queue up, which is load, not blocking."""

    def __init__(self) -> None:
        self.longest, self.count = 0.0, 0
        self._original = asyncio.events.Handle._run

    def __enter__(self) -> _SlowCallbacks:
        original, outer = self._original, self

        def timed_run(handle: asyncio.events.Handle) -> None:
            waited0, t0 = _runqueue_wait_ns(), time.perf_counter()
            original(handle)
            took = time.perf_counter() - t0 - (_runqueue_wait_ns() - waited0) / 1e9
            outer.longest, outer.count = max(outer.longest, took), outer.count + 1

        asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.events.Handle._run = self._original  # type: ignore[method-assign]
