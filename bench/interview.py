"""Interview benchmark: answer → next question latency, throughput and end → report on the real stack.

    .venv/bin/python bench/interview.py [--temporal sqlite|memory|both] [--quick]

Starts its own embedded stack on 127.0.0.1 (random free ports, a temp data dir under /tmp, all of it
stopped and removed at the end): PostgreSQL+pgvector, Redis, the Temporal dev server with the
tuning from devstack/services.py (by default with the same sqlite file + WAL pragmas `make up` uses),
migrations and seed content, a real worker subprocess and the real API under uvicorn. A stack
already running on the default ports is never touched. Then it drives the API over HTTP with
httpx.AsyncClient, as the web app does:

* single: several 10-question sessions one after another, answers sent back to back; latency of every
  POST /api/sessions/{id}/answers, and end → report (last answer's response until GET /report is 200);
* single_paced: the same, with each answer sent 1.5 s after the previous response (the issue's measure);
* single_settled: the same, but each answer is sent only once the earlier ones are scored (a real
  candidate types for far longer than scoring takes), which isolates the answer path from the
  background scoring that competes with it for the embedder;
* 50 and 100 concurrent sessions, each answering its questions back to back: latency percentiles and
  answers/s (total answers / wall time from the first answer to the last);
* how much of the latency is embedding + vector search: read back from the workflow histories
  (the `find_follow_up` activity's FindFollowUpResult.embed_ms/search_ms), together with where the
  rest of the time goes (activity queue waits, workflow task waits, server-side update time).

Experiments (recorded in the results, never the default): --worker-env KEY=VALUE, --worker-root DIR
(run worker.py and the workflow code from another checkout, e.g. a patched copy in /tmp).

Answers are ~120 words, built per question from the pack's model answer, generic interview prose and,
for about a third of them, a gap that a follow-up template is written to probe.
Prints its figures and writes bench/results/interview.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import random
import re
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))
from interview_load import ProcessSampler, run_open_loop  # noqa: E402
from interview_stack import BenchStack, start_stack, wait_for_scoring_references  # noqa: E402
from provenance import head_commit  # noqa: E402

from devstack.up import DEFAULT_WORKER_PROCESSES  # noqa: E402
from talentsync.packs import PackQuestion, discover_packs  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "interview.json"
TARGETS = {"p95_single_ms": 100.0, "p95_50_ms": 1000.0, "report_ready_s": 3.0}
PASSWORD = "bench-horse-battery-42"
log = logging.getLogger("bench.interview")


# --------------------------------------------------------------------------- stack


# --------------------------------------------------------------------------- answers

GENERIC = [
    "In my last role I was one of five engineers on a product team at a mid-sized SaaS company.",
    "We had a fixed deadline tied to a customer commitment, so the scope was the thing we could move.",
    "I started by writing down what we actually knew and what we were only guessing.",
    "The main trade-off was speed against risk, and I made that explicit to the team and to my manager.",
    "I set up a short daily check-in so blockers surfaced within a day instead of at the end of the sprint.",
    "We measured the result over the following {n} weeks to make sure it held and was not a one-off.",
    "Looking back, I would involve the people affected a week earlier than I did.",
    "My manager at the time pushed me to quantify the impact, which changed how I argued for it.",
    "It was not a clean success: we slipped by about {n} days, but nothing broke in production.",
    "I documented the decision and the alternatives we rejected so the next person would not repeat the debate.",
    "The numbers improved by roughly {p} percent, which was enough to justify the effort.",
    "What I took away is to make the problem measurable before I try to fix it.",
    "Honestly, a lot of it was plain communication rather than anything technically clever.",
    "I paired with a junior colleague on the risky part so the knowledge did not sit only with me.",
    "We rolled it out behind a flag to {p} percent of traffic first and watched the error rates.",
]
HEDGES = ["I think", "To be honest,", "Basically,", "So,", "From memory,", "In short,"]
LABELS = re.compile(r"\b(Situation|Task|Action|Result|Lesson)s?:\s*")


def _sentences(text: str) -> list[str]:
    text = LABELS.sub("", " ".join(text.split()))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 4]


def _first_person(trigger: str) -> str:
    """Turn a follow-up trigger ("The candidate's story ends with...") into the candidate's voice."""
    s = trigger.strip().rstrip(".")
    s = re.sub(r"^The candidate's\b", "My", s)
    s = re.sub(r"^The candidate\b", "I", s)
    s = re.sub(r"\bthe candidate's\b", "my", s)
    s = re.sub(r"\bthe candidate\b", "I", s)
    s = re.sub(r"\btheir\b", "my", s)
    s = re.sub(r"\bthemselves\b", "myself", s)
    s = re.sub(r"\bthey\b", "I", s)
    return s[0].upper() + s[1:] + "."


class AnswerComposer:
    """Varied ~120-word answers: model-answer material, generic prose, and gaps follow-ups probe."""

    def __init__(self) -> None:
        self.core: dict[str, PackQuestion] = {}
        self.follow_ups: dict[str, list[str]] = {}
        for pack in discover_packs():
            for q in pack.questions:
                self.core[q.text] = q
                for fu in q.follow_ups:
                    self.follow_ups[fu.text] = list(fu.key_points)
        self.styles: dict[str, int] = defaultdict(int)

    def answer(self, question: str, rng: random.Random) -> str:
        target = rng.randint(100, 140)
        parts: list[str] = []
        q = self.core.get(question)
        if q is not None:
            style = rng.choices(["specific", "vague", "gap"], weights=[4, 3, 3])[0]
            ideal = _sentences(q.ideal_answer)
            if style == "specific":
                parts += rng.sample(ideal, k=min(len(ideal), rng.randint(3, 5)))
            elif style == "vague":
                kws = rng.sample(q.keywords, k=min(3, len(q.keywords)))
                parts.append(f"{rng.choice(HEDGES)} this comes down to {', '.join(kws[:-1])} and {kws[-1]}.")
                parts += rng.sample(ideal, k=min(len(ideal), 1))
            else:
                fu = rng.choice(q.follow_ups)
                parts += rng.sample(ideal, k=min(len(ideal), 2))
                parts.append(_first_person(fu.trigger))
        elif question in self.follow_ups:
            style = "follow_up"
            parts += [f"{p}: that is what I did, in short." for p in self.follow_ups[question][:2]]
        else:
            style = "other"
        self.styles[style] += 1
        pool = GENERIC[:]
        rng.shuffle(pool)
        while sum(len(p.split()) for p in parts) < target and pool:
            parts.insert(rng.randint(0, len(parts)), pool.pop().format(n=rng.randint(2, 9), p=rng.randint(5, 40)))
        words = " ".join(parts).split()
        return " ".join(words[: target + 15])


# --------------------------------------------------------------------------- driving the API


@dataclass
class User:
    email: str
    headers: dict[str, str]


@dataclass
class AnswerSample:
    session_id: str
    question_id: str
    kind: str
    ms: float
    attempts: int


@dataclass
class SessionRun:
    session_id: str
    start_ms: float
    answers: list[AnswerSample] = field(default_factory=list)
    first_answer_at: float = 0.0
    last_answer_at: float = 0.0
    errors: list[str] = field(default_factory=list)
    report_s: float | None = None


async def register_users(client: httpx.AsyncClient, n: int) -> list[User]:
    sem = asyncio.Semaphore(4)  # argon2 hashing is CPU-bound in the API: more in flight gains nothing

    async def one(i: int) -> User:
        email = f"bench-{i}-{uuid.uuid4().hex[:8]}@example.com"
        async with sem:
            r = await client.post(
                "/api/auth/register", json={"email": email, "password": PASSWORD, "full_name": f"Bench Candidate {i}"}
            )
            r.raise_for_status()
            tok = await client.post("/api/auth/token", data={"username": email, "password": PASSWORD})
            tok.raise_for_status()
        return User(email, {"Authorization": f"Bearer {tok.json()['access_token']}"})

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def start_session(client: httpx.AsyncClient, user: User, module_id: int, max_q: int) -> tuple[str, dict, float]:
    t0 = time.perf_counter()
    r = await client.post("/api/sessions", json={"module_id": module_id, "max_questions": max_q}, headers=user.headers)
    if r.status_code != 201:
        raise RuntimeError(f"start session: {r.status_code} {r.text[:300]}")
    body = r.json()
    return body["id"], body["question"], (time.perf_counter() - t0) * 1000


async def answer_all(
    client: httpx.AsyncClient,
    user: User,
    run: SessionRun,
    question: dict | None,
    composer: AnswerComposer,
    rng: random.Random,
    settle: bool = False,
    gap_s: float = 0.0,
) -> None:
    """Answer every question back to back, like a candidate who types fast; a 5xx is retried (as the app does).

    gap_s: wait this long after each answer's response before sending the next (a paced candidate).

    settle: before each answer, wait until the earlier answers are scored (a candidate's typing time is far
    longer than scoring), so the answer path is measured without background scoring competing for the CPU.
    """
    run.first_answer_at = time.perf_counter()
    while question is not None:
        text = composer.answer(question["text"], rng)
        while settle:
            state = (await client.get(f"/api/sessions/{run.session_id}", headers=user.headers)).json()
            if state.get("scored", 0) >= state.get("answered", 0):
                break
            await asyncio.sleep(0.05)
        t0 = time.perf_counter()
        attempts = 0
        while attempts < 3:
            attempts += 1
            try:
                r = await client.post(
                    f"/api/sessions/{run.session_id}/answers",
                    json={"question_id": question["id"], "text": text},
                    headers=user.headers,
                )
            except httpx.HTTPError as exc:  # e.g. the 60 s client timeout: counted, then retried
                run.errors.append(f"{type(exc).__name__}: {exc}"[:120])
                continue
            if r.status_code == 200:
                break
            run.errors.append(f"{r.status_code}: {r.text[:120]}")
            if r.status_code < 500:
                return
        else:
            return  # three failures: this candidate gives up
        run.last_answer_at = time.perf_counter()
        run.answers.append(
            AnswerSample(run.session_id, question["id"], question["kind"], (run.last_answer_at - t0) * 1000, attempts)
        )
        question = r.json()["question"]
        if gap_s and question is not None:
            await asyncio.sleep(gap_s)


async def wait_report(client: httpx.AsyncClient, user: User, run: SessionRun, limit_s: float = 120) -> None:
    """Poll as the report page does (every 50 ms here, for resolution); time from the last answer."""
    deadline = time.perf_counter() + limit_s
    while time.perf_counter() < deadline:
        try:
            r = await client.get(f"/api/sessions/{run.session_id}/report", headers=user.headers)
        except httpx.TransportError as exc:  # a dropped keep-alive connection under load: poll again
            run.errors.append(f"report poll {type(exc).__name__} (retried)")
            await asyncio.sleep(0.05)
            continue
        if r.status_code == 200:
            run.report_s = time.perf_counter() - run.last_answer_at
            return
        if r.status_code != 202:
            run.errors.append(f"report {r.status_code}: {r.text[:120]}")
            return
        await asyncio.sleep(0.05)
    run.errors.append("report not ready in time")


async def run_sequential(
    client: httpx.AsyncClient,
    users: list[User],
    modules: list[dict],
    n_sessions: int,
    max_q: int,
    composer: AnswerComposer,
    seed: int,
    settle: bool = False,
    gap_s: float = 0.0,
) -> list[SessionRun]:
    runs = []
    for i in range(n_sessions):
        user = users[i % len(users)]
        sid, q, start_ms = await start_session(client, user, modules[i % len(modules)]["id"], max_q)
        run = SessionRun(sid, start_ms)
        await answer_all(client, user, run, q, composer, random.Random(seed + i), settle, gap_s)
        if run.answers:
            await wait_report(client, user, run)  # before the next session, so they do not overlap
        runs.append(run)
    return runs


async def run_concurrent(
    client: httpx.AsyncClient,
    users: list[User],
    modules: list[dict],
    n_sessions: int,
    max_q: int,
    composer: AnswerComposer,
    seed: int,
) -> tuple[list[SessionRun], float]:
    """Start every session, then release all candidates at once; returns the runs and the answering wall time."""
    started = await asyncio.gather(
        *(start_session(client, users[i], modules[i % len(modules)]["id"], max_q) for i in range(n_sessions))
    )
    runs = [SessionRun(sid, ms) for sid, _, ms in started]
    t0 = time.perf_counter()
    await asyncio.gather(
        *(
            answer_all(client, users[i], runs[i], started[i][1], composer, random.Random(seed + i))
            for i in range(n_sessions)
        )
    )
    wall = time.perf_counter() - t0
    # Reports of the whole batch; the figure under load is informational (the target is for one session).
    await asyncio.gather(
        *(wait_report(client, users[i], runs[i], limit_s=300) for i in range(n_sessions) if runs[i].answers)
    )
    return runs, wall


# --------------------------------------------------------------------------- workflow histories


def _ms(ts: Any) -> float:
    return ts.ToNanoseconds() / 1e6


async def read_histories(address: str, session_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per session: find_follow_up results keyed by parent question id, and server-side timings."""
    from temporalio.api.enums.v1 import EventType as E
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter

    from talentsync.contracts import FindFollowUpInput, FindFollowUpResult

    conv = pydantic_data_converter.payload_converter
    client = await Client.connect(address, data_converter=pydantic_data_converter)
    sem = asyncio.Semaphore(8)

    async def one(sid: str) -> dict[str, Any]:
        async with sem:
            history = await client.get_workflow_handle(f"session-{sid}").fetch_history()
        scheduled: dict[int, tuple[str, float, Any]] = {}
        started: dict[int, float] = {}
        wft_sched: dict[int, float] = {}
        upd_accepted: dict[str, float] = {}
        out: dict[str, Any] = {
            "follow_ups": {},
            "update_ms": {},
            "wft_wait_ms": [],
            "score_wait_ms": [],
            "score_run_ms": [],
        }
        for ev in history.events:
            t = _ms(ev.event_time)
            et = ev.event_type
            if et == E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                sa = ev.activity_task_scheduled_event_attributes
                inp = None
                if sa.activity_type.name == "find_follow_up":
                    inp = conv.from_payloads(list(sa.input.payloads), [FindFollowUpInput])[0]
                scheduled[ev.event_id] = (sa.activity_type.name, t, inp)
            elif et == E.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                started[ev.activity_task_started_event_attributes.scheduled_event_id] = t
            elif et == E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
                ca = ev.activity_task_completed_event_attributes
                name, t_sched, inp = scheduled[ca.scheduled_event_id]
                t_start = started.get(ca.scheduled_event_id, t_sched)
                if name == "find_follow_up":
                    res = conv.from_payloads(list(ca.result.payloads), [FindFollowUpResult])[0]
                    out["follow_ups"][inp.parent.id] = {
                        "found": res.question is not None,
                        "similarity": res.similarity,
                        "embed_ms": res.embed_ms,
                        "search_ms": res.search_ms,
                        "queue_ms": t_start - t_sched,
                        "run_ms": t - t_start,
                        "total_ms": t - t_sched,
                    }
                elif name == "score_answer":
                    out["score_wait_ms"].append(t_start - t_sched)
                    out["score_run_ms"].append(t - t_start)
            elif et == E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
                wft_sched[ev.event_id] = t
            elif et == E.EVENT_TYPE_WORKFLOW_TASK_STARTED:
                sched = ev.workflow_task_started_event_attributes.scheduled_event_id
                if sched in wft_sched:
                    out["wft_wait_ms"].append(t - wft_sched[sched])
            elif et == E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
                upd_accepted[ev.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id] = t
            elif et == E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
                uid = ev.workflow_execution_update_completed_event_attributes.meta.update_id
                if uid.startswith("answer-") and uid in upd_accepted:
                    # update id: answer-<question uuid>-<hash>
                    out["update_ms"][uid[len("answer-") : len("answer-") + 36]] = t - upd_accepted[uid]
        return out

    results = await asyncio.gather(*(one(s) for s in session_ids))
    return dict(zip(session_ids, results, strict=True))


# --------------------------------------------------------------------------- statistics


def dist(values: list[float], nd: int = 1) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    a = np.asarray(values, dtype=np.float64)
    return {
        "n": len(values),
        "p50": round(float(np.percentile(a, 50)), nd),
        "p95": round(float(np.percentile(a, 95)), nd),
        "p99": round(float(np.percentile(a, 99)), nd),
        "max": round(float(a.max()), nd),
        "mean": round(float(a.mean()), nd),
    }


def phase_summary(runs: list[SessionRun], histories: dict[str, dict[str, Any]], wall_s: float | None) -> dict[str, Any]:
    answers = [a for r in runs for a in r.answers]
    lat = [a.ms for a in answers]
    fu_rows, shares, fu_lat = [], [], []
    update_ms, api_overhead = [], []
    for a in answers:
        h = histories.get(a.session_id, {})
        fu = h.get("follow_ups", {}).get(a.question_id)
        if fu is not None:
            fu_rows.append(fu)
            shares.append((fu["embed_ms"] + fu["search_ms"]) / a.ms)
            fu_lat.append(a.ms)
        upd = h.get("update_ms", {}).get(a.question_id)
        if upd is not None:
            update_ms.append(upd)
            api_overhead.append(a.ms - upd)
    embed = [f["embed_ms"] for f in fu_rows]
    search = [f["search_ms"] for f in fu_rows]
    hs = [histories[r.session_id] for r in runs if r.session_id in histories]
    out: dict[str, Any] = {
        "sessions": len(runs),
        "answers": len(answers),
        "errors": [e for r in runs for e in r.errors][:20],
        "error_count": sum(len(r.errors) for r in runs),
        "retried_answers": sum(1 for a in answers if a.attempts > 1),
        "latency_ms": dist(lat),
        "latency_ms_by_kind": {
            k: dist([a.ms for a in answers if a.kind == k]) for k in sorted({a.kind for a in answers})
        },
        "session_start_ms": dist([r.start_ms for r in runs]),
        "follow_up_retrieval": {
            "calls": len(fu_rows),
            "follow_ups_asked": sum(1 for f in fu_rows if f["found"]),
            "embed_ms": dist(embed),
            "search_ms": dist(search),
            "activity_queue_wait_ms": dist([f["queue_ms"] for f in fu_rows]),
            "activity_run_ms": dist([f["run_ms"] for f in fu_rows]),
            "latency_of_these_answers_ms": dist(fu_lat),
            # Share of answer latency: of the answers that ran retrieval, and over all answers.
            "share_median_per_answer": round(statistics.median(shares), 3) if shares else None,
            "share_aggregate_retrieval_answers": round((sum(embed) + sum(search)) / sum(fu_lat), 3) if fu_lat else None,
            "share_aggregate_all_answers": round((sum(embed) + sum(search)) / sum(lat), 3) if lat else None,
        },
        "server_side": {
            "update_accepted_to_completed_ms": dist(update_ms),
            "http_minus_update_ms": dist(api_overhead),
            "workflow_task_schedule_to_start_ms": dist([x for h in hs for x in h["wft_wait_ms"]]),
            "score_answer_queue_wait_ms": dist([x for h in hs for x in h["score_wait_ms"]]),
            "score_answer_run_ms": dist([x for h in hs for x in h["score_run_ms"]]),
        },
        "report_ready_s": dist([r.report_s for r in runs if r.report_s is not None], 2),
    }
    if wall_s is not None:
        out["wall_s"] = round(wall_s, 2)
        out["answers_per_s"] = round(len(answers) / wall_s, 2) if wall_s else None
    return out


# --------------------------------------------------------------------------- run


@dataclass
class Plan:
    warmup_questions: int = 3
    single_sessions: int = 4
    single_questions: int = 10
    settled_sessions: int = 2
    # The single-candidate measure: answers 1.5 s apart (from each response to the next send).
    paced_sessions: int = 2
    paced_gap_s: float = 1.5
    concurrency: tuple[int, ...] = (50, 100)
    concurrent_questions: dict[int, int] = field(default_factory=lambda: {50: 10, 100: 5})
    # Open loop: answers arriving at `rate`/s spread over `sessions` sessions for `seconds`.
    open_loop: tuple[float, int, float] | None = (20.0, 60, 30.0)


async def bench_stack(stack: BenchStack, plan: Plan) -> dict[str, Any]:
    composer = AnswerComposer()
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=300)
    result: dict[str, Any] = {"temporal_mode": stack.temporal_mode, "temporal_argv": stack.temporal_argv[1:]}
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60, limits=limits) as client:
        t0 = time.perf_counter()
        need = max((*plan.concurrency, plan.open_loop[1] if plan.open_loop else 1, 1))
        users = await register_users(client, need)
        result["register_users_s"] = round(time.perf_counter() - t0, 1)
        modules = (await client.get("/api/modules", headers=users[0].headers)).json()
        result["modules"] = [m["slug"] for m in modules]

        # Warm-up (discarded): first workflow tasks, connection pools, scorer reference caches.
        await run_sequential(client, users, modules, 1, plan.warmup_questions, composer, seed=1)

        phases: dict[str, tuple[list[SessionRun], float | None]] = {}
        print(f"  single: {plan.single_sessions} sessions × {plan.single_questions} questions", flush=True)
        phases["single"] = (
            await run_sequential(
                client, users, modules, plan.single_sessions, plan.single_questions, composer, seed=100
            ),
            None,
        )
        if plan.paced_sessions:
            print(
                f"  single, paced: {plan.paced_sessions} sessions × {plan.single_questions} questions, answers "
                f"{plan.paced_gap_s} s apart",
                flush=True,
            )
            phases["single_paced"] = (
                await run_sequential(
                    client,
                    users,
                    modules,
                    plan.paced_sessions,
                    plan.single_questions,
                    composer,
                    seed=300,
                    gap_s=plan.paced_gap_s,
                ),
                None,
            )
        if plan.settled_sessions:
            print(
                f"  single, settled: {plan.settled_sessions} sessions × {plan.single_questions} questions, each "
                "answer sent once the earlier ones are scored",
                flush=True,
            )
            phases["single_settled"] = (
                await run_sequential(
                    client,
                    users,
                    modules,
                    plan.settled_sessions,
                    plan.single_questions,
                    composer,
                    seed=200,
                    settle=True,
                ),
                None,
            )
        for n in plan.concurrency:
            q = plan.concurrent_questions[n]
            print(f"  concurrent: {n} sessions × {q} questions", flush=True)
            phases[f"concurrent_{n}"] = await run_concurrent(client, users, modules, n, q, composer, seed=1000 * n)

        if plan.open_loop:
            result["open_loop"] = await _open_loop_phase(client, stack, users, modules, plan.open_loop, composer)

    all_ids = [r.session_id for runs, _ in phases.values() for r in runs]
    t0 = time.perf_counter()
    histories = await read_histories(stack.temporal_address, all_ids)
    result["history_read_s"] = round(time.perf_counter() - t0, 1)
    for name, (runs, wall) in phases.items():
        result[name] = phase_summary(runs, histories, wall)
    single_reports = [r.report_s for r in phases["single"][0] if r.report_s is not None]
    result["report_ready_single_s"] = {
        "values": [round(x, 2) for x in single_reports],
        "median": round(statistics.median(single_reports), 2) if single_reports else None,
    }
    result["answer_styles"] = dict(composer.styles)
    return result


async def _open_loop_phase(
    client: httpx.AsyncClient,
    stack: BenchStack,
    users: list[User],
    modules: list[dict],
    spec: tuple[float, int, float],
    composer: AnswerComposer,
) -> dict[str, Any]:
    rate, n_sessions, seconds = spec
    print(f"  open loop: {rate:g} answers/s over {n_sessions} sessions for {seconds:g} s", flush=True)
    # Enough questions that no session runs out before the end: rate * seconds / sessions answers each.
    per_session = min(20, int(rate * seconds / n_sessions) + 2)
    started = await asyncio.gather(
        *(start_session(client, users[i], modules[i % len(modules)]["id"], per_session) for i in range(n_sessions))
    )
    sessions = [(sid, users[i].headers, q) for i, (sid, q, _) in enumerate(started)]
    rng = random.Random(7)
    with ProcessSampler(stack.pids()) as sampler:
        res = await run_open_loop(client, sessions, rate, seconds, lambda text: composer.answer(text, rng))
    ok = [x for x in res.samples if x.status == 200]
    return {
        "offered_rate_per_s": rate,
        "sessions": n_sessions,
        "seconds": seconds,
        "answers_sent": len(res.samples),
        "answers_ok": len(ok),
        "achieved_answers_per_s": round(len(ok) / res.wall_s, 2) if res.wall_s else None,
        "wall_s": round(res.wall_s, 1),
        "latency_from_arrival_ms": dist([x.ms for x in ok]),
        "error_count": len(res.errors),
        "errors": res.errors[:10],
        "processes": sampler.summary,
    }


def print_result(res: dict[str, Any]) -> None:
    print(f"\n== Temporal {res['temporal_mode']} ==")
    for name in [k for k in res if k.startswith(("single", "concurrent_"))]:
        p = res[name]
        lat = p["latency_ms"]
        fu = p["follow_up_retrieval"]
        line = (
            f"{name:14s} answers {p['answers']:4d}  p50 {lat.get('p50')} p95 {lat.get('p95')} "
            f"p99 {lat.get('p99')} max {lat.get('max')} ms"
        )
        if "answers_per_s" in p:
            line += f"  | {p['answers_per_s']} answers/s over {p['wall_s']} s"
        print(line)
        print(
            f"{'':14s} errors {p['error_count']}  follow-ups asked {fu['follow_ups_asked']}/{fu['calls']} retrievals; "
            f"embed p50 {fu['embed_ms'].get('p50')} p95 {fu['embed_ms'].get('p95')} ms, "
            f"search p50 {fu['search_ms'].get('p50')} p95 {fu['search_ms'].get('p95')} ms, "
            f"queue wait p50 {fu['activity_queue_wait_ms'].get('p50')} p95 {fu['activity_queue_wait_ms'].get('p95')} ms"
        )
        print(
            f"{'':14s} embed+search share: median {fu['share_median_per_answer']} of retrieval answers, "
            f"{fu['share_aggregate_all_answers']} of all answer time"
        )
        ss = p["server_side"]
        print(
            f"{'':14s} server update p50 {ss['update_accepted_to_completed_ms'].get('p50')} ms, "
            f"WFT sched→start p95 {ss['workflow_task_schedule_to_start_ms'].get('p95')} ms, "
            f"score_answer queue wait p95 {ss['score_answer_queue_wait_ms'].get('p95')} ms, "
            f"reports p50 {p['report_ready_s'].get('p50')} s"
        )
    print(f"end → report (single, 10 answers): {res['report_ready_single_s']}")
    if "open_loop" in res:
        ol = res["open_loop"]
        lat = ol["latency_from_arrival_ms"]
        print(
            f"open loop     offered {ol['offered_rate_per_s']}/s, achieved {ol['achieved_answers_per_s']}/s, "
            f"latency from arrival p50 {lat.get('p50')} p95 {lat.get('p95')} max {lat.get('max')} ms, "
            f"errors {ol['error_count']}"
        )
        for name, p in ol["processes"].items():
            print(
                f"{'':14s} {name:10s} cpu {p['cpu_s']} s ({p['cpu_cores_avg']} cores)  peak RSS {p['peak_rss_mb']} MB"
            )


def _product_settings() -> dict[str, Any]:
    """The interview-shape settings the worker ran with (defaults: the benchmark overrides none of them)."""
    from talentsync.config import Settings

    s = Settings()
    return {
        "followup_min_similarity": s.followup_min_similarity,
        "max_followups_per_question": s.max_followups_per_question,
        "max_answer_chars": s.max_answer_chars,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--temporal",
        choices=["sqlite", "memory", "both"],
        default="sqlite",
        help="Temporal dev server persistence (sqlite = what `make up` runs)",
    )
    parser.add_argument("--quick", action="store_true", help="smaller run (2 single sessions, 20 concurrent)")
    parser.add_argument("--single", type=int, help="number of sequential 10-question sessions (default 4)")
    parser.add_argument("--concurrency", help="comma-separated concurrent session counts (default 50,100)")
    parser.add_argument(
        "--worker-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="experiment: extra environment for the worker (recorded in the results)",
    )
    parser.add_argument(
        "--worker-root",
        type=Path,
        default=ROOT,
        help="experiment: run worker.py (and the workflow code it imports) from another checkout",
    )
    parser.add_argument(
        "--open-loop",
        default="20:60:30",
        help="RATE:SESSIONS:SECONDS answers arriving at RATE/s over SESSIONS sessions (default 20:60:30; 'off')",
    )
    parser.add_argument(
        "--workers",
        default=None,
        help="worker processes, ';'-separated, each a comma-separated role list (default: as `make up` runs "
        f"them, '{DEFAULT_WORKER_PROCESSES}'; 'all' for one process serving every role)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"results file (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    plan = Plan()
    if args.quick:
        plan = Plan(single_sessions=2, settled_sessions=1, concurrency=(20,), concurrent_questions={20: 5})
    if args.single is not None:
        plan.single_sessions = args.single
    if args.concurrency is not None:
        plan.concurrency = tuple(int(x) for x in args.concurrency.split(",") if x.strip())
        plan.concurrent_questions = {
            n: plan.concurrent_questions.get(n, 10 if n <= 50 else 5) for n in plan.concurrency
        }
    plan.open_loop = None
    if args.open_loop != "off":
        rate, sessions, seconds = args.open_loop.split(":")
        plan.open_loop = (float(rate), int(sessions), float(seconds))
    split = DEFAULT_WORKER_PROCESSES if args.workers is None else "" if args.workers == "all" else args.workers
    worker_queues = [w for w in split.split(";") if w.strip()] or None
    worker_env = dict(kv.split("=", 1) for kv in args.worker_env)
    modes = ["sqlite", "memory"] if args.temporal == "both" else [args.temporal]
    load_start = os.getloadavg()[0]
    t_all = time.perf_counter()
    out: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_1m_at_start": load_start},
        "method": {
            "client": "httpx.AsyncClient over HTTP to uvicorn (one API process), the worker processes listed in "
            "worker_processes, one Temporal "
            "dev server; all on this machine, so the client's own CPU use is included",
            "latency": "POST /api/sessions/{id}/answers round trip measured in the client; 5xx retried up to 3 times "
            "and the retries counted in the latency",
            "embed_search": "FindFollowUpResult.embed_ms/search_ms read back from workflow histories "
            "(activity-completed payloads decoded with pydantic_data_converter), joined to the "
            "answer by question id; embed_ms includes waiting for the embedder's lock",
            "update_accepted_to_completed": "history: from the workflow task that accepted the answer update to "
            "the one that completed it (0 when one workflow task did both, as for answers that run no activity)",
            "report_ready": "last answer's response → first GET /report that returns 200, polled every 50 ms",
            "answers_per_s": "total answers / wall time from releasing all candidates to the last answer",
        },
        "targets": TARGETS,
        "plan": {
            "single_sessions": plan.single_sessions,
            "single_questions": plan.single_questions,
            "concurrent_questions": plan.concurrent_questions,
        },
        "settings": _product_settings(),
        "worker_env_experiment": worker_env,
        "worker_processes": worker_queues or ["all roles in one process"],
        "commit": head_commit(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "worker_root": str(args.worker_root),
        "runs": {},
    }
    for mode in modes:
        print(f"starting the embedded stack (Temporal {mode})…", flush=True)
        stack = start_stack(mode, worker_env, args.worker_root, worker_queues)
        try:
            stack.setup_s["scoring_references_warm"] = wait_for_scoring_references(stack)
            print(f"  ready in {sum(stack.setup_s.values()):.0f}s {stack.setup_s}", flush=True)
            res = asyncio.run(bench_stack(stack, plan))
            res["setup_s"] = stack.setup_s
            out["runs"][mode] = res
            print_result(res)
        finally:
            stack.stop()
    primary = out["runs"][modes[0]]
    # The measure is one candidate answering 1.5 s apart; back to back is reported beside it.
    single = primary.get("single_paced", primary["single"])["latency_ms"].get("p95")
    c50 = primary.get("concurrent_50", {}).get("latency_ms", {}).get("p95")
    report = primary["report_ready_single_s"]["median"]
    out["verdict"] = {
        "temporal_mode": modes[0],
        "p95_single_ms": single,
        "p95_single_back_to_back_ms": primary["single"]["latency_ms"].get("p95"),
        "p95_single_ok": single is not None and single < TARGETS["p95_single_ms"],
        "p95_50_ms": c50,
        "p95_50_ok": c50 is not None and c50 < TARGETS["p95_50_ms"],
        "report_ready_median_s": report,
        "report_ready_ok": report is not None and report < TARGETS["report_ready_s"],
    }
    out["machine"]["load_avg_1m_at_end"] = os.getloadavg()[0]
    out["total_s"] = round(time.perf_counter() - t_all, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"\nverdict: {out['verdict']}")
    print(f"total {out['total_s']} s; wrote {args.out}")


if __name__ == "__main__":
    main()
