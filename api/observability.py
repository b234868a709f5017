"""Request ids, log context and Prometheus metrics for the API.

- `ObservabilityMiddleware` (pure ASGI, so it also sees WebSockets and adds no task hop): takes a
  sane `X-Request-ID` from the client or proxy or makes one, binds it to the log context, returns
  it on the response, and records latency and status by *route template*
  (`/api/sessions/{session_id}/answers`), never the raw path, so the number of series stays bounded
  however many sessions exist or whatever paths scanners try.
- `bind_session_id`: an app-wide dependency that adds the `{session_id}` path parameter, when a
  route has one, to the log context of that request.
- `metrics`: `GET /metrics`, Prometheus text. Not under /api and not rate limited, so a scraper
  reaches it; deploy/nginx.conf keeps it off the public side (see README, Observability).
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import get_route_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from talentsync.logcontext import bind_log_context

# Answer -> next question is tens of milliseconds; a voice answer waits for transcription (seconds to
# a couple of minutes); a report poll is a few milliseconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

REQUEST_LATENCY = Histogram(
    "talentsync_api_request_duration_seconds",
    "Time from request to the end of the response, by method, route template and status class.",
    ["method", "route", "status_class"],
    buckets=LATENCY_BUCKETS,
)
REQUESTS = Counter(
    "talentsync_api_requests",
    "HTTP responses by method, route template and status code.",
    ["method", "route", "status"],
)
IN_PROGRESS = Gauge("talentsync_api_requests_in_progress", "HTTP requests being handled by this process.")
WEBSOCKETS_OPEN = Gauge("talentsync_api_websockets_open", "WebSockets (live session events) open in this process.")
WEBSOCKET_HANDSHAKES = Counter(
    "talentsync_api_websocket_handshakes",
    "WebSocket handshakes by result: accepted, or refused before accepting (bad or used ticket).",
    ["result"],
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # no route matched: one label for every unknown path, not one per path
REQUEST_ID_HEADER = "x-request-id"
# What a proxy or client may hand us as a request id: short, and safe to echo in a header and a log.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _SANE_REQUEST_ID.match(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The matched route's path template, e.g. `/api/sessions/{session_id}/answers`.

    The router records the matched route in the (shared) scope while routing. FastAPI keeps an
    included router nested, so a route under `include_router(..., prefix="/api")` knows only its
    own part (`/sessions/{session_id}/answers`); the prefix is then the part of the path in front of
    where the route's pattern matches. That prefix is literal text the router matched, so labels
    stay a fixed set however the path is spelled.
    """
    route = scope.get("route")
    template = getattr(route, "path", None)
    if not isinstance(template, str):
        return UNMATCHED
    regex = getattr(route, "path_regex", None)
    path = get_route_path(scope)
    if regex is None or regex.match(path):
        return template
    for i, ch in enumerate(path):
        if ch == "/" and i and regex.match(path[i:]):
            return path[:i] + template
    return UNMATCHED


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        # Every request runs in its own task, and each one sets all request fields, so nothing of an
        # earlier request can show up here. Deliberately not reset at the end: the server's own log
        # line for an unhandled error comes after this returns, and should carry the request id.
        bind_log_context(request_id=request_id, session_id=None)
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        status = 500
        response_started = False
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Answer the 500 here, with the request id the user can quote, instead of leaving it to
            # Starlette's outermost handler (which never passes back through this middleware). Re-raised
            # so the server still logs the traceback, under this request id.
            if not response_started:
                error = PlainTextResponse("Internal Server Error", status_code=500)
                error.headers[REQUEST_ID_HEADER] = request_id
                await error(scope, receive, send)
            raise
        finally:
            IN_PROGRESS.dec()
            route = route_template(scope)
            REQUEST_LATENCY.labels(method=method, route=route, status_class=f"{status // 100}xx").observe(
                time.perf_counter() - started
            )
            REQUESTS.labels(method=method, route=route, status=str(status)).inc()

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        bind_log_context(request_id=request_id_from(scope), session_id=None)
        accepted = False

        async def watch_accept(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                WEBSOCKETS_OPEN.inc()
                WEBSOCKET_HANDSHAKES.labels(result="accepted").inc()
            await send(message)

        try:
            await self.app(scope, receive, watch_accept)
        finally:
            if accepted:
                WEBSOCKETS_OPEN.dec()
            else:
                WEBSOCKET_HANDSHAKES.labels(result="refused").inc()


async def bind_session_id(conn: HTTPConnection) -> None:
    """App-wide dependency: a route with a `{session_id}` logs it on every line of the request.

    Async on purpose: it runs in the request's own task, so the endpoint (and, for a sync
    endpoint, the thread it runs in, which gets a copy of the context) sees the binding.
    """
    sid = conn.path_params.get("session_id")
    if isinstance(sid, str) and sid:
        bind_log_context(session_id=sid[:64])


def metrics(request: Request) -> Response:
    """Prometheus exposition of this process's registry (text or OpenMetrics, as the scraper asks).

    A plain def: rendering runs in a worker thread, off the event loop.
    """
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encoder(REGISTRY), headers={"Content-Type": content_type})


def install_observability(app: Any) -> None:
    """`GET /metrics` on ``app``; call before the SPA's catch-all route is added."""
    app.add_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
