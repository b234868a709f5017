"""Live session events over Redis pub/sub, so any API instance can push them to the browser."""

from __future__ import annotations

import json
import logging
from typing import Any

import redis

log = logging.getLogger(__name__)


def channel(session_id: str) -> str:
    return f"talentsync:session:{session_id}:events"


def current_key(session_id: str) -> str:
    return f"talentsync:session:{session_id}:current"


class EventPublisher:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def publish(self, session_id: str, type_: str, data: dict[str, Any] | None = None) -> None:
        message = json.dumps({"type": type_, "data": data or {}}, default=str)
        try:
            self._redis.publish(channel(session_id), message)
            if type_ == "question":
                # Mirror the current question for cheap reads; expires with an idle session.
                self._redis.set(current_key(session_id), message, ex=24 * 3600)
        except redis.RedisError:
            # Events are a convenience (the browser also polls); never fail the activity over them.
            log.warning("could not publish event", extra={"session_id": session_id, "type": type_})
