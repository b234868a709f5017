"""Read-heavy queries that build Python structures (progress, exports) run over the sync engine in a
worker thread: compiling and decoding hundreds of JSONB score rows is CPU work that, on the event loop
(even through `AsyncSession.run_sync`), held it for tens of milliseconds (tests/integration/
test_my_data_loop.py measured 35 ms for a three-session progress page)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


async def sync_read(request: Request, fn: Callable[[Session], T]) -> T:
    factory = sessionmaker(request.app.state.engine, expire_on_commit=False)

    def run() -> T:
        with factory() as db:
            return fn(db)

    return await asyncio.to_thread(run)
