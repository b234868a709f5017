"""Engine and session factories. Built by whoever owns the process (API lifespan, worker main).

The worker's activities use the synchronous engine (each activity runs in its own thread). The API
uses the asyncio engine: a route that waits for a pooled connection or a query awaits, so one slow
query or an exhausted pool never stalls the event loop (and with it every other request).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, pool_size: int = 10) -> Engine:
    return create_engine(url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True, future=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def make_async_engine(url: str, pool_size: int = 10, max_overflow: int = 20, pool_timeout: float = 10.0) -> AsyncEngine:
    """psycopg 3 speaks asyncio natively: the same `postgresql+psycopg://` URL selects its async driver.

    `pool_timeout` bounds how long a request waits for a connection before it fails (and the API answers
    503) instead of queueing without end behind a flood.
    """
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_timeout=pool_timeout, pool_pre_ping=True
    )


def make_async_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: rows stay readable after commit without a lazy reload, which asyncio
    # sessions cannot do implicitly.
    return async_sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session, session.begin():
        yield session
