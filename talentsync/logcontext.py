"""Log context that follows the work, and the two log formats (JSON for machines, text for people).

A request or an activity binds its identifiers once (`bind_log_context(request_id=...)`); every log
line emitted while it runs carries them, whichever module logs, without threading ids through call
signatures. The context lives in a ContextVar, so it follows asyncio tasks and `contextvars.copy_context`
(the Temporal SDK runs sync activities in a thread under a copy of the interceptor's context, and
`activities/heartbeat.py` copies it into its beat thread): concurrent requests and activities never
see each other's ids.

Fields a caller passes in `extra` win over the bound context for that line.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["json", "text"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_context: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar("talentsync_log_context", default=_EMPTY)

# Workflow ids of interview sessions are `session-<uuid>` (ARCHITECTURE.md); the uuid is the session's.
_SESSION_WORKFLOW = re.compile(r"^session-([0-9a-fA-F-]{36})$")


def bind_log_context(**fields: Any) -> contextvars.Token[Mapping[str, Any]]:
    """Add ``fields`` to the current context (None removes a field); returns a token for `reset_log_context`."""
    merged = {**_context.get(), **fields}
    return _context.set(MappingProxyType({k: v for k, v in merged.items() if v is not None}))


def reset_log_context(token: contextvars.Token[Mapping[str, Any]]) -> None:
    _context.reset(token)


def current_log_context() -> Mapping[str, Any]:
    return _context.get()


def session_id_from_workflow_id(workflow_id: str | None) -> str | None:
    """The session uuid of an interview workflow id, or None for any other workflow."""
    if not workflow_id:
        return None
    m = _SESSION_WORKFLOW.match(workflow_id)
    if m is None:
        return None
    try:
        return str(uuid.UUID(m.group(1)))
    except ValueError:
        return None


class ContextFilter(logging.Filter):
    """Copies the bound context onto each record, on the handler, so records from every logger get it.

    Also lifts the ids the Temporal SDK attaches to its `workflow.logger` and `activity.logger`
    records (`temporal_workflow`, `temporal_activity`): the SDK's own lines, such as "Completing
    activity as failed", are then searchable by the same fields as ours.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        fields = record.__dict__
        for key, value in _context.get().items():
            fields.setdefault(key, value)
        for source in ("temporal_activity", "temporal_workflow"):
            temporal = fields.get(source)
            if not isinstance(temporal, dict):
                continue
            if temporal.get("workflow_id"):
                fields.setdefault("workflow_id", temporal["workflow_id"])
                sid = session_id_from_workflow_id(temporal["workflow_id"])
                if sid:
                    fields.setdefault("session_id", sid)
            if temporal.get("activity_type"):
                fields.setdefault("activity", temporal["activity_type"])
                fields.setdefault("attempt", temporal.get("attempt"))
        return True


# uvicorn repeats its message with ANSI colours in `color_message`: noise in a file or a collector.
_SKIPPED = frozenset({*RESERVED_ATTRS, "color_message"})


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _SKIPPED and not k.startswith("_")}


class TextFormatter(logging.Formatter):
    """One human-readable line; context and `extra` fields follow as key=value (they used to be dropped)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = _extras(record)
        if not fields:
            return line
        # Keep the traceback (if any) last: the key=value tail belongs to the message line.
        head, sep, tail = line.partition("\n")
        pairs = " ".join(f"{k}={_short(v)}" for k, v in fields.items())
        return f"{head} [{pairs}]{sep}{tail}"


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 200 else text[:197] + "..."


def json_formatter() -> logging.Formatter:
    """One JSON object per line: time, level, logger, message, then every context and `extra` field."""
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
        reserved_attrs=sorted(_SKIPPED),
    )


def install_handler(level: str, log_format: LogFormat) -> None:
    """Add one stderr handler in ``log_format``, carrying the bound context, to the root logger.

    Handlers someone else put on the root logger (pytest's log capture) stay.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter() if log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn installs its own plain handlers before the app is built; send its lines (errors and,
    # when enabled, access lines) through ours so one process writes one format.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        for old in list(lg.handlers):
            lg.removeHandler(old)
        lg.propagate = True
