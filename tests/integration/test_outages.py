"""A backing service that goes away answers 503 with Retry-After, never a bare 500 (found by the
chaos suite's PostgreSQL restart: every answer sent during the restart got a 500)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from devstack.services import free_port
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
