"""Request-size cap (413 before or while the body is read), Redis-backed rate limits and per-user caps.

Everything here is asyncio: limits live in Redis (shared by every API instance) and are checked with
`limits.aio` over the app's `redis.asyncio` connection pool, so a check never blocks the event loop.
"""

from __future__ import annotations

import fnmatch
import json
import math
import time
from dataclasses import dataclass

import redis.asyncio as aioredis
from fastapi import HTTPException, Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from talentsync.config import Settings


class BodySizeLimitMiddleware:
    """Rejects by Content-Length at once; counts streamed (chunked) bodies and stops at the cap.

    A chunked body is only known to be too large once the route is already reading it (FastAPI parses
    multipart before the route runs, and turns any error while parsing into a 400). So the receive
    wrapper remembers that the cap was crossed, and the send wrapper swaps whatever response the app
    then produces for the 413 the client needs to see.
    """

    def __init__(self, app: ASGIApp, limits: dict[str, int], default: int) -> None:
        self.app = app
        self.limits = limits
        self.default = default

    def _limit_for(self, path: str) -> int:
        for pattern, limit in self.limits.items():
            if fnmatch.fnmatch(path, pattern):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _reject(send, limit)
            return
        received = 0
        exceeded = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if exceeded:
                if message["type"] == "http.response.start" and not response_started:
                    response_started = True
                    await _reject(send, limit)
                return  # drop the app's own (400) response
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:  # only failures caused by the cut-off body become the 413 below
                raise
        if exceeded and not response_started:
            await _reject(send, limit)


class _TooLarge(Exception):
    pass


async def _reject(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"Request body too large; the limit is {limit // 1024} KiB."}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),  # the rest of the body is never read
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@dataclass
class RateLimits:
    limiter: MovingWindowRateLimiter
    items: dict[str, list[RateLimitItem]]

    @classmethod
    def build(cls, settings: Settings, client: aioredis.Redis) -> RateLimits:
        storage = RedisStorage(
            "async+" + settings.redis_url,
            implementation="redispy",
            connection_pool=client.connection_pool,  # type: ignore[arg-type]  # typed too narrowly upstream
        )
        items = {
            "login": parse_many(settings.login_rate_limit),
            "login_ip_failures": parse_many(settings.login_ip_failure_limit),
            "upload": parse_many(settings.upload_rate_limit),
            "answer": parse_many(settings.answer_rate_limit),
            "session_start": parse_many(settings.session_start_rate_limit),
            "ws_ticket": parse_many(settings.ws_ticket_rate_limit),
            "partial_audio": parse_many(settings.partial_audio_rate_limit),
            "export": parse_many(settings.export_rate_limit),
        }
        return cls(MovingWindowRateLimiter(storage), items)

    async def _retry_after(self, item: RateLimitItem, name: str, key: str) -> int:
        stats = await self.limiter.get_window_stats(item, name, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def hit(self, name: str, key: str, message: str = "Too many attempts") -> None:
        """Count one attempt; 429 with Retry-After when any window for `name` is full."""
        for item in self.items[name]:
            if not await self.limiter.hit(item, name, key):
                await self._refuse(item, name, key, message)

    async def check(self, name: str, key: str, message: str = "Too many attempts") -> None:
        """429 if a window is already full, without counting this request (counted later on failure)."""
        for item in self.items[name]:
            if not await self.limiter.test(item, name, key):
                await self._refuse(item, name, key, message)

    async def record(self, name: str, key: str) -> None:
        for item in self.items[name]:
            await self.limiter.hit(item, name, key)

    async def _refuse(self, item: RateLimitItem, name: str, key: str, message: str) -> None:
        retry = await self._retry_after(item, name, key)
        raise HTTPException(429, f"{message}; try again in {retry} s.", headers={"Retry-After": str(retry)})


async def rate_limit(request: Request, name: str, key: str, message: str = "Too many attempts") -> None:
    limits: RateLimits = request.app.state.rate_limits
    await limits.hit(name, key, message)


def client_ip(request: Request) -> str:
    """The client's address; behind `trusted_proxy_hops` proxies, taken from X-Forwarded-For.

    Each trusted proxy appends the address it saw, so the n-th entry from the right is the one the
    outermost trusted proxy received the connection from. Entries further left are client-supplied.
    """
    hops = request.app.state.settings.trusted_proxy_hops
    peer = request.client.host if request.client else "-"
    if hops <= 0:
        return peer
    forwarded = [p.strip() for p in request.headers.get("x-forwarded-for", "").split(",") if p.strip()]
    if len(forwarded) >= hops:
        return forwarded[-hops][:64]
    return peer


# Open WebSockets per user: a sorted set of connection ids scored by their last heartbeat, so a
# crashed API instance's connections age out instead of holding the user's slots for ever.
WS_SLOT_TTL_SECONDS = 90


def _ws_key(user_id: str) -> str:
    return f"talentsync:ws:user:{user_id}"


async def acquire_ws_slot(client: aioredis.Redis, user_id: str, conn_id: str, cap: int) -> bool:
    now = time.time()
    key = _ws_key(user_id)
    async with client.pipeline(transaction=True) as pipe:
        pipe.zremrangebyscore(key, "-inf", now - WS_SLOT_TTL_SECONDS)
        pipe.zadd(key, {conn_id: now})
        pipe.zcard(key)
        pipe.expire(key, WS_SLOT_TTL_SECONDS * 2)
        _, _, count, _ = await pipe.execute()
    if count > cap:
        # Add-then-count: two racing opens may both be refused, never both admitted over the cap.
        await client.zrem(key, conn_id)
        return False
    return True


async def refresh_ws_slot(client: aioredis.Redis, user_id: str, conn_id: str) -> None:
    key = _ws_key(user_id)
    async with client.pipeline(transaction=True) as pipe:
        pipe.zadd(key, {conn_id: time.time()}, xx=True)
        pipe.expire(key, WS_SLOT_TTL_SECONDS * 2)
        await pipe.execute()


async def release_ws_slot(client: aioredis.Redis, user_id: str, conn_id: str) -> None:
    await client.zrem(_ws_key(user_id), conn_id)
