"""The fault drills. Each round sets up interviews so that work is in flight at the moment of the
fault, injects it, and measures recovery from the fault:

* a *finishing* session whose last answer has just been confirmed: its scoring, percentiles and
  report are being computed when the fault hits (report_s: fault → report ready);
* a *live* session with an answer in flight at the fault (answer_s: fault → that answer confirmed),
  which then answers its remaining questions;
* *steady* sessions answering with short pauses throughout, so the fault also lands on follow-up
  retrieval and background scoring.

Nothing is held back after the fault: every candidate retries as the web app does, and the checks
afterwards read PostgreSQL to find lost or duplicated answers.
"""

from __future__ import annotations

import asyncio
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.chaos.checks import history_trouble
from bench.chaos.driver import Candidate, EventStream, Ledger, Session, now
from bench.chaos.stack import ChaosStack

SLOW_REPORT_S = 15.0  # a report slower than this after recovery gets its workflow's timeouts listed


@dataclass
class Context:
    stack: ChaosStack
    client: Any  # httpx.AsyncClient on the API
    ledger: Ledger
    admin: Candidate
    module_id: int
    rng: random.Random
    steady: int = 2
    down_s: float = 2.0


@dataclass
class RoundResult:
    fault: str
    index: int
    down_s: float  # fault until the process was back (ready)
    answer_s: float | None  # fault → the answer in flight at the fault confirmed
    answer_was_in_flight: bool
    next_answer_s: float | None  # fault → the first answer sent after it confirmed
    report_s: float | None  # fault → the finishing session's report ready
    report_after_back_s: float | None  # service back → that report ready
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in self.__dict__.items() if k != "extra"}
        return {**out, **self.extra}


def _since(t0: float, t: float | None) -> float | None:
    return None if t is None else t - t0


async def _steady(candidate: Candidate, session: Session, rng: random.Random) -> None:
    while session.question is not None:
        await asyncio.sleep(rng.uniform(0.1, 0.8))
        if (await candidate.answer(session)).outcome != "ok":
            return


async def process_round(
    ctx: Context, fault: str, index: int, inject: Callable[[], tuple[float, float]]
) -> tuple[RoundResult, list[Session]]:
    """One fault (worker kill, Temporal or PostgreSQL restart) with sessions in every phase."""
    cands = await asyncio.gather(*(Candidate.register(ctx.client, ctx.ledger) for _ in range(2 + ctx.steady)))
    finishing_c, live_c, steady_c = cands[0], cands[1], cands[2:]
    finishing = await finishing_c.start(ctx.module_id, 2)
    live = await live_c.start(ctx.module_id, 3)
    steady = [await c.start(ctx.module_id, 4) for c in steady_c]
    await finishing_c.answer(finishing)
    await live_c.answer(live)
    steady_tasks = [asyncio.create_task(_steady(c, s, ctx.rng)) for c, s in zip(steady_c, steady, strict=True)]
    last = await finishing_c.answer(finishing)  # the session now scores and writes its report
    assert finishing.question is None, f"finishing session still has a question ({last.outcome})"
    in_flight = asyncio.create_task(live_c.answer(live))
    await asyncio.sleep(ctx.rng.uniform(0.0, 0.08))
    fault_at, back_at = await asyncio.to_thread(inject)
    first = await in_flight
    after = await live_c.answer(live) if live.question is not None else None
    await live_c.finish(live)
    await asyncio.gather(*steady_tasks)
    sessions = [finishing, live, *steady]
    await asyncio.gather(*(s.candidate.wait_report(s, ctx.admin) for s in sessions))
    result = RoundResult(
        fault=fault,
        index=index,
        down_s=back_at - fault_at,
        answer_s=_since(fault_at, first.done_at),
        answer_was_in_flight=first.done_at is not None and first.done_at > fault_at,
        next_answer_s=_since(fault_at, after.done_at if after else None),
        report_s=_since(fault_at, finishing.report_at),
        report_after_back_s=_since(back_at, finishing.report_at),
    )
    if result.report_after_back_s is None or result.report_after_back_s > SLOW_REPORT_S:
        result.extra["finishing_session_trouble"] = await history_trouble(ctx.stack.temporal_address, finishing.id)
    return result, sessions


async def redis_round(ctx: Context, index: int) -> tuple[RoundResult, list[Session]]:
    """Redis restarts while a candidate has the live-events socket open and an answer in flight."""
    candidate = await Candidate.register(ctx.client, ctx.ledger)
    session = await candidate.start(ctx.module_id, 4)
    ws_base = ctx.stack.api_url.replace("http://", "ws://")
    stream = EventStream(candidate, session.id, ws_base)
    streaming = asyncio.create_task(stream.run())
    await _until(lambda: bool(stream.messages), 15, "the socket never sent the current question")
    await candidate.answer(session)
    in_flight = asyncio.create_task(candidate.answer(session))
    await asyncio.sleep(ctx.rng.uniform(0.0, 0.08))
    fault_at, back_at = await asyncio.to_thread(ctx.stack.restart_redis, ctx.down_s)
    first = await in_flight
    # The API closes the socket (1013) when its Redis subscription breaks and the client reconnects;
    # a short outage may also be ridden out by the subscription's own reconnect, the socket staying open.
    await asyncio.sleep(1.0)  # let a socket whose subscription broke notice it first
    await _until(lambda: stream.live, 30, "the socket did not reconnect")
    reopened = next((t for t in stream.opens if t > fault_at), None)
    # Once back, the socket carries the session's events again: the next answer's question arrives.
    sent = now()
    after = await candidate.answer(session)
    expected = session.question["id"] if session.question else None
    got_event = await _wait_event(stream, sent, expected)
    # A page opened now (a fresh ticket and socket) is told the current question first.
    fresh = EventStream(candidate, session.id, ws_base)
    fresh_task = asyncio.create_task(fresh.run())
    await _until(lambda: bool(fresh.messages), 15, "a fresh socket got no message")
    fresh.stop()
    first_fresh = fresh.messages[0][1]
    await candidate.finish(session)
    stream.stop()
    await asyncio.gather(streaming, fresh_task)
    await candidate.wait_report(session, ctx.admin)
    closes_during = [code for t, code in stream.closes if fault_at <= t <= (reopened or now())]
    result = RoundResult(
        fault="redis_restart",
        index=index,
        down_s=back_at - fault_at,
        answer_s=_since(fault_at, first.done_at),
        answer_was_in_flight=first.done_at is not None and first.done_at > fault_at,
        next_answer_s=_since(fault_at, after.done_at),
        report_s=_since(fault_at, session.report_at),
        report_after_back_s=_since(back_at, session.report_at),
        extra={
            "ws_closes_during_fault": closes_during,
            "ws_reconnected_s": None if reopened is None else round(reopened - fault_at, 2),
            "ws_event_after_recovery_s": None if got_event is None else round(got_event - sent, 2),
            "fresh_socket_first_message_is_current_question": first_fresh.get("type") == "question"
            and first_fresh.get("data", {}).get("id") == expected,
        },
    )
    return result, [session]


async def _until(condition: Callable[[], bool], limit_s: float, message: str) -> None:
    deadline = now() + limit_s
    while not condition():
        if now() > deadline:
            raise AssertionError(message)
        await asyncio.sleep(0.05)


async def _wait_event(stream: EventStream, since: float, question_id: str | None, limit_s: float = 10) -> float | None:
    deadline = now() + limit_s
    while now() < deadline:
        for t, message in stream.messages:
            if t <= since:
                continue
            if question_id is None and message.get("type") in ("status", "report_ready"):
                return t
            if message.get("type") == "question" and message.get("data", {}).get("id") == question_id:
                return t
        await asyncio.sleep(0.05)
    return None


def summarize(rounds: list[RoundResult]) -> dict[str, Any]:
    def stat(values: list[float | None]) -> dict[str, float | int | None]:
        xs = [v for v in values if v is not None]
        if not xs:
            return {"n": 0, "median": None, "max": None}
        return {"n": len(xs), "median": round(statistics.median(xs), 2), "max": round(max(xs), 2)}

    return {
        "rounds": len(rounds),
        "down_s": stat([r.down_s for r in rounds]),
        "answer_s": stat([r.answer_s for r in rounds]),
        "answers_in_flight_at_fault": sum(r.answer_was_in_flight for r in rounds),
        "next_answer_s": stat([r.next_answer_s for r in rounds]),
        "report_s": stat([r.report_s for r in rounds]),
        "report_after_back_s": stat([r.report_after_back_s for r in rounds]),
    }
