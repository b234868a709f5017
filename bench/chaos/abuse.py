"""Abuse at the edge over real HTTP (uvicorn, not the in-process test client): hand-written hostile
requests, schemathesis over the OpenAPI schema, and a WebSocket flood while /api/health is probed.
A refusal must be a 4xx; any 5xx is counted as a failure."""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.chaos.driver import Candidate, Ledger, now
from bench.chaos.stack import ROOT, ChaosStack

JSON = {"Content-Type": "application/json"}
HOLD_S = 12.0  # how long the flood holds every socket open


def _cases(sid: str, qid: str, other_sid: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    nested = ("[" * 50_000 + "]" * 50_000).encode()
    return [
        (
            "lone surrogate in an answer",
            "POST",
            f"/api/sessions/{sid}/answers",
            {"content": b'{"question_id": "%s", "text": "I led \\ud800 the team"}' % qid.encode(), "headers": JSON},
        ),
        (
            "lone surrogate in a name",
            "POST",
            "/api/auth/register",
            {
                "content": b'{"email": "s%s@example.com", "password": "correct-horse-42", "full_name": "A\\udfffB"}'
                % uuid.uuid4().hex[:8].encode(),
                "headers": JSON,
            },
        ),
        ("lone surrogate in a search", "GET", "/api/questions/search?q=%ED%A0%80team", {}),
        (
            "invalid UTF-8 in a JSON body",
            "POST",
            "/api/auth/register",
            {"content": b'{"email": "\xff\xfe@example.com", "password": "x", "full_name": "x"}', "headers": JSON},
        ),
        ("JSON nested 50,000 deep", "POST", "/api/auth/register", {"content": nested, "headers": JSON}),
        (
            "JSON nested 50,000 deep in an answer",
            "POST",
            f"/api/sessions/{sid}/answers",
            {"content": nested, "headers": JSON},
        ),
        ("a float of 1e400", "POST", "/api/sessions", {"content": b'{"module_id": 1e400}', "headers": JSON}),
        ("an integer of 10^30", "POST", "/api/sessions", {"json": {"module_id": 10**30}}),
        ("max_questions -1", "POST", "/api/sessions", {"json": {"module_id": 1, "max_questions": -1}}),
        ("path traversal as an id", "GET", "/api/resumes/..%2f..%2fetc%2fpasswd", {}),
        ("path traversal as a response id", "GET", f"/api/sessions/{sid}/responses/..%2f..%2fx/audio", {}),
        (
            "another candidate's session",
            "POST",
            f"/api/sessions/{other_sid}/answers",
            {"json": {"question_id": qid, "text": "mine now"}},
        ),
        ("NUL in a query", "GET", "/api/questions/search?q=%00", {}),
        (
            "wrong types in an answer",
            "POST",
            f"/api/sessions/{sid}/answers",
            {"json": {"question_id": 5, "text": ["x"]}},
        ),
        ("a 900 KB username", "POST", "/api/auth/token", {"data": {"username": "u" * 900_000, "password": "p"}}),
        (
            "multipart without a boundary",
            "POST",
            "/api/resumes",
            {"content": b"--x\r\n\r\n", "headers": {"Content-Type": "multipart/form-data"}},
        ),
        ("JSON sent as a resume", "POST", "/api/resumes", {"json": {"file": "cv.pdf"}}),
        (
            "control characters in Idempotency-Key",
            "POST",
            "/api/sessions",
            {"json": {"module_id": 1}, "headers": {"Idempotency-Key": "a\tb"}},
        ),
        ("a 10 KB URL", "GET", "/api/resumes/" + "a" * 10_000, {}),
        ("an unknown method", "PATCH", f"/api/sessions/{sid}", {}),
        (
            "a WAV header only as an answer",
            "POST",
            f"/api/sessions/{sid}/answers/audio",
            {"data": {"question_id": qid}, "files": {"file": ("a.wav", b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav")}},
        ),
    ]


async def abuse_cases(client: httpx.AsyncClient, ledger: Ledger, admin: Candidate, module_id: int) -> dict[str, Any]:
    me = await Candidate.register(client, ledger, "abuse")
    other = await Candidate.register(client, ledger, "abuse")
    mine = await me.start(module_id, 3)
    theirs = await other.start(module_id, 2)
    assert mine.question is not None
    statuses: dict[str, int | str] = {}
    for name, method, url, kwargs in _cases(mine.id, mine.question["id"], theirs.id):
        headers = {**me.headers, **kwargs.pop("headers", {})}
        try:
            r = await client.request(method, url, headers=headers, **kwargs)
            statuses[name] = r.status_code
            ledger.note(f"abuse {name}", r.status_code, r.text)
        except httpx.HTTPError as err:  # the server closed the connection: not a 5xx, but say so
            statuses[name] = type(err).__name__
    forged = await _forged_ticket(client, mine.id, me)
    statuses["forged or reused WebSocket tickets"] = forged
    # The session still works after all of it.
    ok = await me.answer(mine)
    for s, c in ((mine, me), (theirs, other)):
        await c.call("POST", f"/api/sessions/{s.id}/end", "end")
    errors = [n for n, s in statuses.items() if isinstance(s, int) and s >= 500]
    return {"cases": statuses, "server_errors": errors, "session_still_answers": ok.outcome == "ok"}


async def _forged_ticket(client: httpx.AsyncClient, sid: str, me: Candidate) -> str:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    base = str(client.base_url).replace("http://", "ws://").rstrip("/")
    ticket = (await me.call("POST", f"/api/sessions/{sid}/events/ticket", "ticket")).json()
    outcomes = []
    for url in (
        f"{base}/api/sessions/{sid}/events?ticket=forged",
        f"{base}/api/sessions/{sid}/events?ticket=../../etc",
        f"{base}/api/sessions/{sid}/events?token={me.headers['Authorization'].split()[1]}",
        f"{base}{ticket['url']}",  # the real one, once
        f"{base}{ticket['url']}",  # and again: single use
    ):
        try:
            async with connect(url, open_timeout=10) as ws:
                first = json.loads(await asyncio.wait_for(ws.recv(), 10))
                outcomes.append(f"open:{first.get('type')}")
        except ConnectionClosed as closed:
            outcomes.append(f"closed:{closed.rcvd.code if closed.rcvd else 'none'}")
        except InvalidStatus as refused:
            outcomes.append(f"http:{refused.response.status_code}")
    return ",".join(outcomes)


def run_schemathesis(
    api_url: str,
    authorization: str,
    report_dir: Path,
    max_examples: int,
    budget_s: float,
    seed: int = 7,
    phases: str = "examples,coverage,fuzzing",
) -> dict[str, Any]:
    """schemathesis (CLI) over /api/openapi.json with a candidate's token: 0 5xx is the aim.

    Only the not_a_server_error check decides: the schema is hand-documented and other checks (e.g.
    every undocumented 4xx) are reported by schemathesis itself in its log, not counted here.
    DELETE /api/me is left out: it would delete the very account the run signs in with.
    """
    report_dir.mkdir(parents=True, exist_ok=True)
    ndjson = report_dir / "events.ndjson"
    argv = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{api_url}/api/openapi.json",
        "--checks",
        "not_a_server_error",
        "--header",
        f"Authorization: {authorization}",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--workers",
        "2",
        "--phases",
        phases,
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--exclude-name",
        "DELETE /api/me",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(ndjson),
        "--no-color",
    ]
    t0 = time.perf_counter()
    try:
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=budget_s)
        code: int | str = done.returncode
        log = done.stdout + done.stderr
    except subprocess.TimeoutExpired as err:
        code, log = "timeout", (err.stdout or b"").decode(errors="replace") if isinstance(err.stdout, bytes) else ""
    (report_dir / "schemathesis.log").write_text(log)
    summary = _ndjson_summary(ndjson)
    return {
        "exit_code": code,
        "seconds": round(time.perf_counter() - t0, 1),
        "max_examples": max_examples,
        "phases": phases,
        **summary,
        "log_tail": log[-1500:],
    }


def _ndjson_summary(path: Path) -> dict[str, Any]:
    """Operations tested, responses by status and the server errors found, from schemathesis's events."""
    statuses: dict[str, int] = {}
    operations: set[str] = set()
    server_errors: list[str] = []
    if not path.exists():
        return {"operations": 0, "requests": 0, "server_errors": 0, "statuses": {}, "failures": []}
    for line in path.read_text(errors="replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished.get("recorder") or {}
        label = recorder.get("label", "?")
        for interaction in (recorder.get("interactions") or {}).values():
            response = (interaction or {}).get("response") or {}
            status = response.get("status_code")
            if status is None:
                continue
            operations.add(label)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if int(status) >= 500:
                server_errors.append(f"{label} -> {status}: {str(response.get('content', ''))[:120]}")
    return {
        "operations": len(operations),
        "requests": sum(statuses.values()),
        "server_errors": len(server_errors),
        "statuses": dict(sorted(statuses.items())),
        "failures": server_errors[:20],
    }


async def ws_flood(
    client: httpx.AsyncClient, ledger: Ledger, stack: ChaosStack, module_id: int, sockets: int, per_user: int = 5
) -> dict[str, Any]:
    """`sockets` WebSockets from sockets/per_user candidates (the API caps sockets per user), held
    open while /api/health is probed."""
    n_users = math.ceil(sockets / per_user)
    sem = asyncio.Semaphore(4)  # argon2 is CPU-bound in the API

    async def user() -> dict[str, str]:
        async with sem:
            c = await Candidate.register(client, ledger, "flood")
            s = await c.start(module_id, 2)
        return {"token": c.headers["Authorization"].split()[1], "session_id": s.id, "_c": c}  # type: ignore[dict-item]

    users = await asyncio.gather(*(user() for _ in range(n_users)))
    baseline = await _probe(client, 20)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.chaos.ws_flood", stack.api_url, str(per_user), str(HOLD_S),
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps([{k: v for k, v in u.items() if k != "_c"} for u in users]).encode())
    await proc.stdin.drain()
    proc.stdin.close()
    opened_line = await asyncio.wait_for(proc.stdout.readline(), 300)
    opened = json.loads(opened_line)
    held: list[float] = []
    errors = 0
    hold_until = now() + HOLD_S - 0.5  # probe only while every socket is still open
    while now() < hold_until:
        t0 = now()
        try:
            r = await client.get("/api/health")
            if r.status_code != 200 or r.json().get("redis") != "ok":
                errors += 1
        except httpx.HTTPError:
            errors += 1
        held.append((now() - t0) * 1000)
        await asyncio.sleep(0.05)
    out, err = await proc.communicate()
    last = out.decode().strip().splitlines()
    outcomes = json.loads(last[-1])["outcomes"] if last else {"error": err.decode()[-500:]}
    for u in users:
        await u["_c"].call("POST", f"/api/sessions/{u['session_id']}/end", "end")  # type: ignore[union-attr]
    return {
        "users": n_users,
        "sockets_requested": n_users * per_user,
        "tickets": opened.get("tickets"),
        "open_at_once": opened.get("open"),
        "open_s": opened.get("open_s"),
        "outcomes": outcomes,
        "health_baseline_ms": _dist(baseline),
        "health_while_open_ms": _dist(held),
        "health_errors_while_open": errors,
    }


async def _probe(client: httpx.AsyncClient, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = now()
        await client.get("/api/health")
        out.append((now() - t0) * 1000)
        await asyncio.sleep(0.05)
    return out


def _dist(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0}
    xs = sorted(values)
    return {
        "n": len(xs),
        "p50": round(statistics.median(xs), 1),
        "p95": round(xs[min(len(xs) - 1, int(0.95 * len(xs)))], 1),
        "max": round(xs[-1], 1),
    }
