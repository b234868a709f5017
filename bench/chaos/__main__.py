"""`make chaos`: every drill on a stack of its own; figures printed and written to bench/results/chaos.json.

    .venv/bin/python -m bench.chaos [--only worker,temporal,postgres,redis,abuse,schemathesis,flood]
                                    [--worker-kills 10] [--restarts 3] [--sockets 500] [--seed 7]

Exit status 1 when an answer was lost or recorded twice, a session did not reach a final state with a
complete report, or a request got a 500 (an unhandled error) — timing aims are reported, not enforced.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.chaos import abuse
from bench.chaos.checks import describe_workflows, verify
from bench.chaos.drills import Context, RoundResult, process_round, redis_round, summarize
from bench.chaos.driver import Candidate, Ledger, Session
from bench.chaos.stack import ROOT, ChaosStack

RESULTS = ROOT / "bench" / "results" / "chaos.json"
DRILLS = ["worker", "temporal", "postgres", "redis", "abuse", "schemathesis", "flood"]
AIMS = {"lost": 0, "duplicated": 0, "report_after_back_s": 30.0, "server_errors": 0, "health_under_flood_ms": 100.0}


def commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


async def admin_candidate(client: httpx.AsyncClient, ledger: Ledger) -> Candidate:
    from talentsync.config import Settings

    s = Settings(_env_file=None)  # type: ignore[call-arg]
    tok = await client.post(
        "/api/auth/token", data={"username": s.first_admin_email, "password": s.first_admin_password.get_secret_value()}
    )
    tok.raise_for_status()
    return Candidate(client, ledger, s.first_admin_email, {"Authorization": f"Bearer {tok.json()['access_token']}"})


async def fault_drill(ctx: Context, name: str, rounds: int) -> dict[str, Any]:
    inject = {
        "worker_kill": ctx.stack.kill_worker,
        "temporal_restart": lambda: ctx.stack.restart_temporal(ctx.down_s),
        "postgres_restart": lambda: ctx.stack.restart_postgres(ctx.down_s),
    }
    results: list[RoundResult] = []
    sessions: list[Session] = []
    server_errors_before = len(ctx.ledger.server_errors)
    for i in range(rounds):
        if name == "redis_restart":
            result, got = await redis_round(ctx, i + 1)
        else:
            result, got = await process_round(ctx, name, i + 1, inject[name])
        results.append(result)
        sessions += got
        print(f"  {name} #{i + 1}: {json.dumps(result.as_dict())}", flush=True)
    verdict = await asyncio.to_thread(verify, ctx.stack.database_url, ctx.ledger, sessions)
    print(f"  {name}: {json.dumps(verdict.as_dict())}", flush=True)
    stuck = [entry.split(":")[0] for entry in verdict.not_final]
    diagnosis = await describe_workflows(ctx.stack.temporal_address, stuck) if stuck else {}
    if diagnosis:
        print(f"  not final: {json.dumps(diagnosis)}", flush=True)
    return {
        "not_final_workflows": diagnosis,
        "summary": summarize(results),
        "verdict": verdict.as_dict(),
        "server_errors": ctx.ledger.server_errors[server_errors_before:],
        "rounds": [r.as_dict() for r in results],
    }


async def run(args: argparse.Namespace, stack: ChaosStack) -> dict[str, Any]:
    only = set(args.only.split(",")) if args.only else set(DRILLS)
    out: dict[str, Any] = {}
    ledger = Ledger()
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as client:
        admin = await admin_candidate(client, ledger)
        modules = (await admin.call("GET", "/api/modules", "modules")).json()
        module_id = next(m["id"] for m in modules if m["slug"] == "behavioral")
        ctx = Context(stack, client, ledger, admin, module_id, random.Random(args.seed), down_s=args.down_s)
        plan = [
            ("worker", "worker_kill", args.worker_kills),
            ("temporal", "temporal_restart", args.restarts),
            ("postgres", "postgres_restart", args.restarts),
            ("redis", "redis_restart", args.restarts),
        ]
        for key, name, rounds in plan:
            if key in only and rounds:
                print(f"\n== {name} x{rounds}", flush=True)
                out[name] = await fault_drill(ctx, name, rounds)
        if "abuse" in only:
            print("\n== abuse cases", flush=True)
            out["abuse"] = await abuse.abuse_cases(client, ledger, admin, module_id)
            print(f"  {json.dumps(out['abuse'])}", flush=True)
        if "schemathesis" in only:
            print("\n== schemathesis", flush=True)
            candidate = await Candidate.register(client, ledger, "schemathesis")
            out["schemathesis"] = await asyncio.to_thread(
                abuse.run_schemathesis,
                stack.api_url,
                candidate.headers["Authorization"],
                stack.data / "schemathesis",
                args.max_examples,
                args.schemathesis_budget_s,
            )
            print(f"  {json.dumps({k: v for k, v in out['schemathesis'].items() if k != 'failures'})}", flush=True)
        if "flood" in only:
            print(f"\n== WebSocket flood: {args.sockets} sockets", flush=True)
            out["ws_flood"] = await abuse.ws_flood(client, ledger, stack, module_id, args.sockets)
            print(f"  {json.dumps(out['ws_flood'])}", flush=True)
    out["http_statuses"] = dict(sorted(ledger.statuses.items()))
    out["server_errors_total"] = len(ledger.server_errors)
    return out


def problems(out: dict[str, Any]) -> list[str]:
    found = []
    for name, drill in out.items():
        if isinstance(drill, dict) and "verdict" in drill and not drill["verdict"]["ok"]:
            found.append(f"{name}: {drill['verdict']}")
    if out.get("server_errors_total"):
        found.append(f"{out['server_errors_total']} responses were 500 (see http_statuses)")
    if out.get("schemathesis", {}).get("server_errors"):
        found.append(f"schemathesis: {out['schemathesis']['server_errors']} 5xx")
    if out.get("abuse", {}).get("server_errors"):
        found.append(f"abuse cases: {out['abuse']['server_errors']}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help=f"comma-separated subset of {','.join(DRILLS)}")
    parser.add_argument("--worker-kills", type=int, default=10)
    parser.add_argument("--restarts", type=int, default=3, help="Temporal, PostgreSQL and Redis restarts each")
    parser.add_argument("--down-s", type=float, default=2.0, help="how long a restarted server stays down")
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--max-examples", type=int, default=20, help="schemathesis examples per operation")
    parser.add_argument("--schemathesis-budget-s", type=float, default=420)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    started = time.perf_counter()
    print("starting the stack (PostgreSQL, Redis, Temporal on sqlite, worker, API)…", flush=True)
    stack = ChaosStack.start()
    stack.setup_s["scoring_warm_up"] = stack.wait_until_warm()
    print(f"  up in {stack.setup_s}; data in {stack.data}", flush=True)
    try:
        out = asyncio.run(run(args, stack))
    except BaseException:
        stack.print_tails()
        raise
    finally:
        stack.stop()
    found = problems(out)
    result = {
        **commit(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "args": {k: str(v) for k, v in vars(args).items()},
        "aims": AIMS,
        "setup_s": stack.setup_s,
        "wall_s": round(time.perf_counter() - started, 1),
        "problems": found,
        **out,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    print("problems: " + ("; ".join(found) if found else "none"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
