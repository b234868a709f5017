"""One error shape for every failure, `{"detail": "<sentence>"}`, documented in the OpenAPI schema."""

from __future__ import annotations

import logging
from typing import Any

import redis.exceptions
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("talentsync.api")


class ErrorOut(BaseModel):
    detail: str


_DESCRIPTIONS = {
    400: "Malformed request (e.g. a multipart body that cannot be parsed)",
    401: "Not signed in, or the token expired",
    403: "Your role does not allow this, or only the owner may do it",
    404: "No such resource, or it is not yours",
    409: "Conflicts with the current state (e.g. the session has ended)",
    413: "Request body over the limit",
    415: "Unsupported file type",
    422: "Invalid input; `detail` names the field and what is wrong",
    429: "Rate limited or over a per-user cap; retry after `Retry-After` seconds",
    503: "A backing service is busy or restarting; retry after `Retry-After` seconds",
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a router or route: each code with the `{"detail": ...}` model.

    Listing 422 here also replaces FastAPI's default 422 schema (a list of error objects), which is
    not what this API returns.
    """
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {"model": ErrorOut, "description": _DESCRIPTIONS[code]}
        if code in (429, 503):
            entry["headers"] = _RETRY_AFTER
        out[code] = entry
    return out


# What nearly every authenticated route can answer.
COMMON_ERRORS = error_responses(401, 413, 422, 429, 503)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header", "form"))
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(PoolTimeoutError)
    async def _pool_exhausted(request: Request, exc: PoolTimeoutError) -> JSONResponse:
        log.warning("database pool exhausted", extra={"path": request.url.path})
        return JSONResponse(
            {"detail": "The server is busy; nothing was changed. Try again in a few seconds."},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(DataError)
    async def _data_error(request: Request, exc: DataError) -> JSONResponse:
        # A backstop: edge validation should have caught this (NUL byte, number out of range).
        log.warning("database rejected a value", extra={"path": request.url.path, "error": str(exc.orig)[:200]})
        return JSONResponse(
            {"detail": "A value is out of range or contains characters that cannot be stored."}, status_code=422
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_down(request: Request, exc: DBAPIError) -> JSONResponse:
        # PostgreSQL restarting, unreachable or out of connections: a pooled connection that died
        # with the server fails its next use. The client may retry; whether a write that was under
        # way took effect is not known here, so the message does not claim either way.
        log.error("database unavailable", extra={"path": request.url.path, "error": str(exc.orig)[:200]})
        return JSONResponse(
            {"detail": "The database is unavailable for a moment; try again in a few seconds."},
            status_code=503,
            headers={"Retry-After": "3"},
        )

    @app.exception_handler(redis.exceptions.RedisError)
    async def _redis_down(request: Request, exc: redis.exceptions.RedisError) -> JSONResponse:
        log.error("redis unavailable", exc_info=exc)
        return JSONResponse(
            {"detail": "A backing service is unavailable; nothing was changed. Try again shortly."},
            status_code=503,
            headers={"Retry-After": "10"},
        )
