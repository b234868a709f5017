"""FastAPI app: accounts and the question bank in PostgreSQL; everything about an interview goes
through its Temporal workflow. Clients (DB engines, Redis, Temporal) are created once in lifespan.

Every route is `async def` over asyncio clients (SQLAlchemy AsyncSession on psycopg 3, redis.asyncio,
limits.aio); sync-only work (argon2, PDF checks, file writes, the vector store's health) goes to a
thread. One slow dependency makes its own requests wait, never the event loop and everyone else.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import redis.asyncio as aioredis
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy import text

from api.errors import install_error_handlers
from api.headers import SecurityHeadersMiddleware
from api.limits import BodySizeLimitMiddleware, RateLimits
from api.observability import ObservabilityMiddleware, bind_session_id, install_observability
from api.routes import router
from talentsync.config import Settings, configure_logging, get_settings
from talentsync.db.engine import make_async_engine, make_async_session_factory, make_engine
from talentsync.media import MediaStore

log = logging.getLogger("talentsync.api")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.resolved_log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from talentsync.providers import build_vector_store
        from workflows.client import connect_temporal

        # The sync engine serves only the vector store adapter, whose calls run in threads.
        engine = make_engine(settings.database_url, pool_size=2)
        async_engine = make_async_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout_seconds,
        )
        app.state.settings = settings
        app.state.engine = engine
        app.state.async_engine = async_engine
        app.state.db_factory = make_async_session_factory(async_engine)
        # Health checks get their own connection: "is PostgreSQL up" must not queue behind a busy pool.
        app.state.health_engine = make_async_engine(settings.database_url, pool_size=2, max_overflow=0, pool_timeout=2)
        # Requests queue (asynchronously) for a command connection instead of failing when a burst
        # exceeds the pool; every open WebSocket holds its own pub/sub connection, from a second pool
        # whose size is the process's socket budget.
        app.state.redis = aioredis.Redis.from_pool(
            aioredis.BlockingConnectionPool.from_url(
                settings.redis_url,
                max_connections=settings.redis_max_connections,
                timeout=5,
                # After Redis restarts, every pooled connection is dead and fails its next command: a
                # pool built by hand has no retry, so each one cost a request a 503. Retried on a fresh
                # connection, the command succeeds (the chaos suite's Redis restart found this).
                retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
                retry_on_error=[RedisConnectionError, RedisTimeoutError],
            )
        )
        app.state.redis_pubsub = aioredis.Redis.from_url(
            settings.redis_url, max_connections=settings.max_websockets_total
        )
        app.state.media = MediaStore(settings.media_dir)
        app.state.rate_limits = RateLimits.build(settings, app.state.redis)
        # Connect once now: the first request should not pay for connection setup, and a wrong
        # DATABASE_URL or REDIS_URL should stop the start, not the first user.
        async with async_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        await app.state.redis.ping()
        app.state.temporal = await connect_temporal(settings.temporal_address, settings.temporal_namespace)
        app.state.vector_store = build_vector_store(settings, engine)
        # Everything built so far (modules, models, clients) lives as long as the process. Freezing it
        # keeps the collector's full passes from walking it: on this stack a full collection over the
        # startup heap paused the event loop for ~250 ms during a WebSocket flood.
        gc.freeze()
        log.info("API ready", extra={"temporal": settings.temporal_address})
        yield
        await app.state.redis.aclose()
        await app.state.redis_pubsub.aclose()
        await async_engine.dispose()
        await app.state.health_engine.dispose()
        engine.dispose()

    app = FastAPI(
        title="TalentSync",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
        dependencies=[Depends(bind_session_id)],  # a route's {session_id} goes on its log lines
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],  # PATCH: admin user flags
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
        expose_headers=["X-Request-ID", "X-Total-Count"],  # X-Total-Count: the staff search pages
    )
    app.add_middleware(
        BodySizeLimitMiddleware,
        limits={
            "/api/resumes": settings.max_resume_bytes + 64 * 1024,
            "/api/sessions/*/answers/audio": settings.max_audio_bytes + 64 * 1024,
        },
        default=1024 * 1024,
    )
    # Added last, so outermost: its headers land on every response, 413s and errors included.
    app.add_middleware(SecurityHeadersMiddleware)
    # Outermost of all: request ids and metrics cover every response, 413s and CORS refusals too.
    app.add_middleware(ObservabilityMiddleware)
    install_error_handlers(app)
    app.include_router(router, prefix="/api")
    install_observability(app)  # GET /metrics, before the SPA's catch-all takes every other path
    _mount_spa(app, settings.frontend_dist)
    return app


def _mount_spa(app: FastAPI, dist: Path) -> None:
    """Serve the built web app; unknown non-API paths fall back to index.html (client routing)."""

    @app.get("/{path:path}", include_in_schema=False, response_model=None)
    def spa(path: str) -> FileResponse | JSONResponse:  # plain def: its disk checks run in a thread
        if path.startswith("api/"):
            return JSONResponse({"detail": "Not found"}, status_code=404)
        index = dist / "index.html"
        if not index.exists():
            return JSONResponse(
                {"detail": "The web app is not built. Run `make up` (or `npm --prefix frontend run build`)."},
                status_code=404,
            )
        target = (dist / path).resolve()
        if path and target.is_file() and dist.resolve() in target.parents:
            return FileResponse(target)
        return FileResponse(index)
