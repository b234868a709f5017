"""Dependency health and the public client configuration."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from fastapi import APIRouter, Request
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

router = APIRouter(tags=["health"])


def _err(exc: BaseException) -> str:
    return f"error: {type(exc).__name__}: {exc}"[:200]


@router.get("/health")
async def health(request: Request) -> dict[str, str]:
    state = request.app.state

    async def db_check() -> str:
        async with state.health_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return "ok"

    async def guarded(coro: Awaitable[str]) -> str:
        try:
            return await asyncio.wait_for(coro, timeout=3)
        except Exception as exc:  # health reports failures, never raises
            return _err(exc)

    async def temporal_check() -> str:
        await state.temporal.workflow_service.get_system_info(GetSystemInfoRequest())
        return "ok"

    async def redis_check() -> str:
        await state.redis.ping()
        return "ok"

    database, redis_s, temporal_s, vector = await asyncio.gather(
        guarded(db_check()),
        guarded(redis_check()),
        guarded(temporal_check()),
        guarded(run_in_threadpool(state.vector_store.health)),
    )
    return {"database": database, "redis": redis_s, "temporal": temporal_s, "vector_store": vector}


@router.get("/config")
async def client_config(request: Request) -> dict[str, object]:
    s = request.app.state.settings
    return {
        "temporal_ui_url": s.temporal_ui_url,
        "max_answer_chars": s.max_answer_chars,
        "max_audio_seconds": s.max_audio_seconds,
        "max_audio_bytes": s.max_audio_bytes,
        "max_resume_bytes": s.max_resume_bytes,
        "max_active_sessions": s.max_active_sessions_per_user,
        "vector_store": request.app.state.vector_store.name,
        "feedback_writer": "openai" if s.openai_api_key else "offline",
        "speech_engine": "whisper",  # AssemblyAI is not implemented yet (cloud-backends work)
    }
