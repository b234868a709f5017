"""Live session events over a WebSocket, fed by Redis pub/sub so any API instance can push them.

A browser cannot set headers on a WebSocket, and a JWT in the URL ends up in proxy and server logs.
So the client first asks for a ticket over the authenticated API (`POST .../events/ticket`): a random
string in Redis, valid for one open within `ws_ticket_ttl_seconds`. Opening the socket then costs one
Redis GETDEL, no database work, however many sockets are opened at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import uuid
from typing import Any

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel
from redis.exceptions import RedisError

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.errors import COMMON_ERRORS, error_responses
from api.interview import owned_session
from api.limits import WS_SLOT_TTL_SECONDS, acquire_ws_slot, rate_limit, refresh_ws_slot, release_ws_slot
from talentsync.events import channel, current_key

router = APIRouter(tags=["sessions"])
log = logging.getLogger(__name__)

TICKET_PREFIX = "talentsync:ws-ticket:"
CLOSE_BAD_TICKET = 4401  # no, expired or already used ticket (or a JWT in the URL): get a new one
CLOSE_OVER_CAP = 4429  # too many open sockets for this user
CLOSE_TRY_LATER = 1013  # Redis busy or down: the browser keeps polling and reconnects later
UNAVAILABLE = "Live updates are unavailable right now; the page keeps refreshing by itself."


class TicketOut(BaseModel):
    ticket: str
    expires_in: int
    url: str


@router.post(
    "/sessions/{session_id}/events/ticket",
    response_model=TicketOut,
    responses={**COMMON_ERRORS, **error_responses(404)},
)
async def events_ticket(
    session_id: str, request: Request, db: SessionDep, user: CurrentUser, settings: SettingsDep
) -> TicketOut:
    sess = await owned_session(db, user, session_id)
    await db.close()
    await rate_limit(request, "ws_ticket", str(user.id), "Too many live-update connections requested")
    ticket = secrets.token_urlsafe(32)
    claims = {"user_id": str(user.id), "session_id": str(sess.id)}
    await request.app.state.redis.set(TICKET_PREFIX + ticket, json.dumps(claims), ex=settings.ws_ticket_ttl_seconds)
    return TicketOut(
        ticket=ticket,
        expires_in=settings.ws_ticket_ttl_seconds,
        url=f"/api/sessions/{sess.id}/events?ticket={ticket}",
    )


async def _redeem(websocket: WebSocket, session_id: str) -> dict[str, Any] | None:
    ticket = websocket.query_params.get("ticket", "")
    if not ticket or len(ticket) > 100 or not ticket.replace("-", "").replace("_", "").isalnum():
        return None
    raw = await websocket.app.state.redis.getdel(TICKET_PREFIX + ticket)
    if raw is None:
        return None
    claims: dict[str, Any] = json.loads(raw)
    try:
        same_session = uuid.UUID(session_id) == uuid.UUID(claims["session_id"])
    except ValueError:
        same_session = False
    return claims if same_session else None


async def _refuse(websocket: WebSocket, code: int, reason: str) -> None:
    # Accept first: a socket closed during the handshake reaches the browser as a bare 1006, and the
    # client could not tell "get a new ticket" from "stop, too many tabs".
    await websocket.accept()
    await websocket.close(code=code, reason=reason)


@router.websocket("/sessions/{session_id}/events")
async def events(websocket: WebSocket, session_id: str) -> None:
    app = websocket.app
    client = app.state.redis
    cap = app.state.settings.max_websockets_per_user
    conn_id = uuid.uuid4().hex
    try:
        claims = await _redeem(websocket, session_id)
        if claims is None:
            # Refused in the handshake (the browser sees a failed open and fetches a new ticket):
            # the cheapest answer to a flood of forged tickets.
            await websocket.close(code=CLOSE_BAD_TICKET)
            return
        user_id, sid = claims["user_id"], claims["session_id"]
        if not await acquire_ws_slot(client, user_id, conn_id, cap):
            await _refuse(
                websocket, CLOSE_OVER_CAP, f"Too many live connections open (limit {cap}); close another tab."
            )
            return
    except RedisError:
        await _refuse(websocket, CLOSE_TRY_LATER, UNAVAILABLE)
        return
    try:
        await _stream(websocket, app.state.redis_pubsub, client, sid, user_id, conn_id)
    finally:
        with contextlib.suppress(Exception):
            await release_ws_slot(client, user_id, conn_id)


async def _stream(websocket: WebSocket, pubsub_client: Any, client: Any, sid: str, user_id: str, conn_id: str) -> None:
    try:
        pubsub = pubsub_client.pubsub()
        await pubsub.subscribe(channel(sid))
    except RedisError:  # the process's socket budget (pub/sub pool) is spent, or Redis is down
        await _refuse(websocket, CLOSE_TRY_LATER, UNAVAILABLE)
        return
    try:
        await websocket.accept()
        current = await client.get(current_key(sid))
        if current:
            await websocket.send_text(current.decode())

        async def pump() -> None:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    await websocket.send_text(message["data"].decode())

        async def drain() -> None:
            while True:  # detect the client going away
                await websocket.receive_text()

        async def heartbeat() -> None:
            while True:  # keep this socket's slot alive; a crashed instance's slots age out
                await asyncio.sleep(WS_SLOT_TTL_SECONDS / 3)
                await refresh_ws_slot(client, user_id, conn_id)

        tasks = [asyncio.create_task(pump()), asyncio.create_task(drain()), asyncio.create_task(heartbeat())]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in pending:
            t.cancel()
        for t in done:  # a client going away ends drain() with WebSocketDisconnect: expected
            error = None if t.cancelled() else t.exception()
            if isinstance(error, RedisError):
                with contextlib.suppress(Exception):
                    await websocket.close(code=CLOSE_TRY_LATER, reason=UNAVAILABLE)
            elif error is not None and not isinstance(error, WebSocketDisconnect):
                log.warning("event stream ended with an error", exc_info=error)
    except WebSocketDisconnect:
        pass
    except RedisError:
        with contextlib.suppress(Exception):
            await websocket.close(code=CLOSE_TRY_LATER, reason=UNAVAILABLE)
    finally:
        with contextlib.suppress(Exception):
            await pubsub.unsubscribe(channel(sid))
            await pubsub.aclose()
