"""Candidates driving real interviews over HTTP, as the web app does, and a ledger of what they sent.

A candidate retries an answer after a 5xx or a dropped connection with the same question and text,
so the API derives the same Update id and the answer is recorded once (api/routes/answers.py). The
ledger keeps every answer with the moment it was sent and confirmed, and every non-2xx status per
route, so the checks can say what was lost, what was recorded twice and which errors were 5xx.
"""

from __future__ import annotations

import asyncio
import collections
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

PASSWORD = "chaos-horse-battery-42"
RETRYABLE = {500, 502, 503, 504}
ANSWER = (
    "In my last role our payments API paged the on-call engineer several times a night. I grouped the "
    "alerts by cause, deleted the ones nobody acted on, wrote runbooks for the rest and agreed an error "
    "budget with the product manager. Within a month pages fell by seventy percent and nobody left the rota."
)


def now() -> float:
    return time.monotonic()


@dataclass
class Answer:
    session_id: str
    question_id: str
    text: str
    sent_at: float
    done_at: float | None = None
    attempts: int = 0
    outcome: str = "pending"  # ok | conflict | gave_up | rejected


@dataclass
class Ledger:
    answers: list[Answer] = field(default_factory=list)
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    server_errors: list[str] = field(default_factory=list)  # 500s: an unhandled error, never expected

    def note(self, route: str, status: int | str, body: str = "") -> None:
        self.statuses[f"{route} {status}"] += 1
        if status == 500:
            self.server_errors.append(f"{route}: {body[:200]}")

    def of(self, session_ids: set[str]) -> list[Answer]:
        return [a for a in self.answers if a.session_id in session_ids]


@dataclass
class Session:
    id: str
    candidate: Candidate
    question: dict[str, Any] | None
    max_questions: int
    answered: int = 0
    report_at: float | None = None
    report: dict[str, Any] | None = None
    retried_scoring: int = 0
    last_report_reply: str = ""


class Candidate:
    def __init__(self, client: httpx.AsyncClient, ledger: Ledger, email: str, headers: dict[str, str]) -> None:
        self.client, self.ledger, self.email, self.headers = client, ledger, email, headers

    @classmethod
    async def register(cls, client: httpx.AsyncClient, ledger: Ledger, tag: str = "chaos") -> Candidate:
        email = f"{tag}-{uuid.uuid4().hex[:10]}@example.com"
        body = {"email": email, "password": PASSWORD, "full_name": "Chaos Candidate"}
        r = await _retrying(client, ledger, "POST", "/api/auth/register", "register", json=body)
        if r.status_code != 201:
            raise RuntimeError(f"register: {r.status_code} {r.text[:200]}")
        tok = await _retrying(
            client, ledger, "POST", "/api/auth/token", "token", data={"username": email, "password": PASSWORD}
        )
        if tok.status_code != 200:
            raise RuntimeError(f"token: {tok.status_code} {tok.text[:200]}")
        return cls(client, ledger, email, {"Authorization": f"Bearer {tok.json()['access_token']}"})

    async def call(self, method: str, url: str, route: str, **kwargs: Any) -> httpx.Response:
        return await _retrying(self.client, self.ledger, method, url, route, headers=self.headers, **kwargs)

    async def start(self, module_id: int, max_questions: int) -> Session:
        # The Idempotency-Key makes a retried start land on the same session and workflow.
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        body = {"module_id": module_id, "max_questions": max_questions}
        r = await _retrying(self.client, self.ledger, "POST", "/api/sessions", "start", json=body, headers=headers)
        if r.status_code != 201:
            raise RuntimeError(f"start session: {r.status_code} {r.text[:200]}")
        return Session(r.json()["id"], self, r.json()["question"], max_questions)

    async def answer(self, session: Session, deadline_s: float = 180) -> Answer:
        """Send the current question's answer until it is confirmed (or refused, or the deadline)."""
        assert session.question is not None
        qid = session.question["id"]
        text = f"{ANSWER} (answer {session.answered + 1} in {session.id[:8]})"
        record = Answer(session.id, qid, text, sent_at=now())
        self.ledger.answers.append(record)
        deadline = now() + deadline_s
        url = f"/api/sessions/{session.id}/answers"
        while now() < deadline:
            record.attempts += 1
            try:
                r = await self.client.post(url, json={"question_id": qid, "text": text}, headers=self.headers)
            except httpx.HTTPError as err:
                self.ledger.note("answer", type(err).__name__)
                await asyncio.sleep(0.5)
                continue
            self.ledger.note("answer", r.status_code, r.text)
            if r.status_code == 200:
                record.done_at, record.outcome = now(), "ok"
                session.question = r.json()["question"]
                session.answered += 1
                return record
            if r.status_code in RETRYABLE:
                await asyncio.sleep(min(2.0, float(r.headers.get("Retry-After", "0.5"))))
                continue
            if r.status_code == 429:
                await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
                continue
            record.outcome = "conflict" if r.status_code == 409 else "rejected"
            record.done_at = now()
            return record
        record.outcome = "gave_up"
        return record

    async def finish(self, session: Session) -> None:
        while session.question is not None:
            done = await self.answer(session)
            if done.outcome != "ok":
                return

    async def wait_report(self, session: Session, admin: Candidate | None, limit_s: float = 180) -> bool:
        """Poll the report as the report page does; a `scoring_failed` session is retried by staff."""
        deadline = now() + limit_s
        while now() < deadline:
            r = await self.call("GET", f"/api/sessions/{session.id}/report", "report")
            session.last_report_reply = f"{r.status_code} {r.text[:160]}"
            if r.status_code == 200:
                session.report_at, session.report = now(), r.json()
                return True
            if r.status_code == 202 and r.json().get("status") == "scoring_failed" and admin is not None:
                retry = await admin.call("POST", f"/api/admin/sessions/{session.id}/retry-scoring", "retry-scoring")
                session.retried_scoring += retry.status_code == 202
            elif r.status_code not in (202, *RETRYABLE):
                return False
            await asyncio.sleep(0.2)
        return False


async def _retrying(
    client: httpx.AsyncClient, ledger: Ledger, method: str, url: str, route: str, tries: int = 240, **kwargs: Any
) -> httpx.Response:
    """A request repeated after a dropped connection or a 5xx (0.5 s apart, 2 minutes at most)."""
    last: httpx.Response | None = None
    for _ in range(tries):
        try:
            last = await client.request(method, url, **kwargs)
        except httpx.HTTPError as err:
            ledger.note(route, type(err).__name__)
            await asyncio.sleep(0.5)
            continue
        ledger.note(route, last.status_code, last.text)
        if last.status_code not in RETRYABLE:
            return last
        await asyncio.sleep(0.5)
    if last is None:
        raise RuntimeError(f"{method} {url}: no answer at all")
    return last


@dataclass
class EventStream:
    """The live-events WebSocket, as the web app keeps it: ticket, open, and after any close a new
    ticket and a new socket. Records every message and close with its time."""

    candidate: Candidate
    session_id: str
    ws_base: str
    messages: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    closes: list[tuple[float, str]] = field(default_factory=list)
    opens: list[float] = field(default_factory=list)
    live: bool = False  # a socket is open right now
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        while not self._stop.is_set():
            r = await self.candidate.call("POST", f"/api/sessions/{self.session_id}/events/ticket", "ticket")
            if r.status_code != 200:
                self.closes.append((now(), f"ticket {r.status_code}"))
                await asyncio.sleep(0.5)
                continue
            try:
                async with connect(self.ws_base + r.json()["url"], open_timeout=10, close_timeout=2) as ws:
                    self.opens.append(now())
                    self.live = True
                    while not self._stop.is_set():
                        try:
                            raw = await asyncio.wait_for(ws.recv(), 0.5)
                        except TimeoutError:
                            continue
                        self.messages.append((now(), json.loads(raw)))
            except ConnectionClosed as closed:
                self.closes.append((now(), str(closed.rcvd.code if closed.rcvd else "none")))
            except InvalidStatus as refused:
                self.closes.append((now(), f"http {refused.response.status_code}"))
            except OSError as err:
                self.closes.append((now(), type(err).__name__))
            self.live = False
            await asyncio.sleep(0.3)

    def stop(self) -> None:
        self._stop.set()

    def first_message_after(self, t: float) -> tuple[float, dict[str, Any]] | None:
        return next(((ts, m) for ts, m in self.messages if ts > t), None)
