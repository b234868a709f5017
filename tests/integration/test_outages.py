"""A backing service that goes away answers 503 with Retry-After, never a bare 500 (found by the
chaos suite's PostgreSQL restart: every answer sent during the restart got a 500)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from devstack.services import free_port, redis_service
from talentsync.db.engine import make_async_engine, make_async_session_factory
from tests.conftest import register

pytestmark = pytest.mark.integration


def test_database_down_is_503_with_retry_after(stack) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(stack.settings()), raise_server_exceptions=False) as api:
        headers = register(api)
        module = api.get("/api/modules", headers=headers).json()[0]
        real = api.app.state.db_factory  # type: ignore[attr-defined]
        # The same driver and pool as in production, pointed at a port where no PostgreSQL listens:
        # exactly what a pooled connection meets while the server restarts.
        dead = make_async_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/talentsync", pool_timeout=2)
        api.app.state.db_factory = make_async_session_factory(dead)  # type: ignore[attr-defined]
        try:
            for method, url, body in (
                ("GET", "/api/users/me", None),
                ("GET", "/api/sessions", None),
                ("POST", "/api/sessions", {"module_id": module["id"]}),
                (
                    "POST",
                    "/api/sessions/00000000-0000-0000-0000-000000000000/answers",
                    {"question_id": "q", "text": "a"},
                ),
            ):
                r = api.request(method, url, json=body, headers=headers)
                assert r.status_code == 503, (url, r.status_code, r.text)
                assert int(r.headers["Retry-After"]) > 0 and "database" in r.json()["detail"]
        finally:
            api.app.state.db_factory = real  # type: ignore[attr-defined]
        assert api.get("/api/users/me", headers=headers).status_code == 200


def test_a_redis_restart_costs_no_request_once_it_is_back(stack) -> None:  # type: ignore[no-untyped-def]
    # Its own Redis, so restarting it does not disturb the other tests.
    redis = redis_service(stack.data_dir / f"redis-{free_port()}", free_port(), stack.data_dir / "logs", persist=False)
    redis.start()
    port = redis.argv[redis.argv.index("--port") + 1]
    try:
        settings = stack.settings(redis_url=f"redis://127.0.0.1:{port}/0")
        with TestClient(create_app(settings), raise_server_exceptions=False) as api, ThreadPoolExecutor(12) as pool:

            def wrong_logins(n: int) -> list[int]:
                # Each sign-in checks its rate limits in Redis, several commands on pooled connections.
                form = {"username": "nobody@example.com", "password": "wrong-password-1"}
                return list(pool.map(lambda _: api.post("/api/auth/token", data=form).status_code, range(n)))

            assert set(wrong_logins(12)) == {401}  # a dozen connections in the pool
            redis.stop()
            redis.start()
            # Every pooled connection died with the server; each is retried on a new one, not a 503.
            assert set(wrong_logins(24)) == {401}
    finally:
        redis.stop()
