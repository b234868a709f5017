"""FastAPI app: accounts and the question bank in PostgreSQL; everything about an interview goes
through its Temporal workflow. Clients (DB engine, Redis, Temporal) are created once in lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import redis
import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from limits import parse
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.limits import BodySizeLimitMiddleware
from api.routes import router
from talentsync.config import Settings, configure_logging, get_settings
from talentsync.db.engine import make_engine, make_session_factory
from talentsync.media import MediaStore

log = logging.getLogger("talentsync.api")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from workflows.client import connect_temporal

        engine = make_engine(settings.database_url)
        app.state.settings = settings
        app.state.engine = engine
        app.state.db_factory = make_session_factory(engine)
        app.state.redis = aioredis.Redis.from_url(settings.redis_url)
        app.state.media = MediaStore(settings.media_dir)
        app.state.limiter = MovingWindowRateLimiter(RedisStorage(settings.redis_url))
        app.state.rate_limits = {
            "login": parse(settings.login_rate_limit),
            "upload": parse(settings.upload_rate_limit),
        }
        app.state.sync_redis = redis.Redis.from_url(settings.redis_url)
        app.state.temporal = await connect_temporal(settings.temporal_address, settings.temporal_namespace)
        from talentsync.providers import build_vector_store

        app.state.vector_store = build_vector_store(settings, engine)
        log.info("API ready", extra={"temporal": settings.temporal_address})
        yield
        await app.state.redis.aclose()
        app.state.sync_redis.close()
        engine.dispose()

    app = FastAPI(
        title="TalentSync",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
    )
    app.add_middleware(
        BodySizeLimitMiddleware,
        limits={
            "/api/resumes": settings.max_resume_bytes + 64 * 1024,
            "/api/sessions/*/answers/audio": settings.max_audio_bytes + 64 * 1024,
        },
        default=1024 * 1024,
    )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    app.include_router(router, prefix="/api")
    _mount_spa(app, settings.frontend_dist)
    return app


def _mount_spa(app: FastAPI, dist: Path) -> None:
    """Serve the built web app; unknown non-API paths fall back to index.html (client routing)."""

    @app.get("/{path:path}", include_in_schema=False, response_model=None)
    def spa(path: str) -> FileResponse | JSONResponse:
        if path.startswith("api/"):
            return JSONResponse({"detail": "Not found"}, status_code=404)
        if not (dist / "index.html").exists():
            return JSONResponse(
                {"detail": "The web app is not built. Run `make up` (or `npm --prefix frontend run build`)."},
                status_code=404,
            )
        target = (dist / path).resolve()
        if path and target.is_file() and dist.resolve() in target.parents:
            return FileResponse(target)
        return FileResponse(dist / "index.html")
