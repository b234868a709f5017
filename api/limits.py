"""Request-size cap that answers 413 before the body is read, and Redis-backed rate limits."""

from __future__ import annotations

import fnmatch
import json

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimitMiddleware:
    """Rejects by Content-Length at once; counts streamed (chunked) bodies and stops at the cap."""

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
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _reject(send, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await _reject(send, limit)


class _TooLarge(Exception):
    pass


async def _reject(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"Request body too large; the limit is {limit // 1024} KiB."}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def rate_limit(request: Request, name: str, key: str) -> None:
    """Moving-window limit in Redis, shared by every API instance; 429 with Retry-After when hit."""
    limiter = request.app.state.limiter
    item = request.app.state.rate_limits[name]
    if not limiter.hit(item, name, key):
        reset = limiter.get_window_stats(item, name, key).reset_time
        import time

        retry = max(1, int(reset - time.time()))
        raise HTTPException(429, f"Too many attempts; try again in {retry} s.", headers={"Retry-After": str(retry)})
