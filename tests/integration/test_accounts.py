"""Accounts against the real stack: registration, login, tokens, roles, health."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from tests.conftest import register

pytestmark = pytest.mark.integration


def test_health_reports_every_dependency(api):
    r = api.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {"database": "ok", "redis": "ok", "temporal": "ok", "vector_store": "ok"}


def test_register_login_me(api):
    email = f"Alice-{uuid.uuid4().hex[:8]}@Example.com"
    r = api.post("/api/auth/register", json={"email": email, "password": "s3cure-enough-pass", "full_name": "Alice"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["email"] == email.lower() and body["roles"] == ["candidate"] and "password" not in r.text
    tok = api.post("/api/auth/token", data={"username": email, "password": "s3cure-enough-pass"})
    assert tok.status_code == 200 and tok.json()["token_type"] == "bearer"
    me = api.get("/api/users/me", headers={"Authorization": f"Bearer {tok.json()['access_token']}"})
    assert me.status_code == 200 and me.json()["email"] == email.lower()


def test_duplicate_email_is_409(api):
    email = f"dup-{uuid.uuid4().hex[:8]}@example.com"
    ok = api.post("/api/auth/register", json={"email": email, "password": "s3cure-enough-pass", "full_name": "A"})
    assert ok.status_code == 201
    again = api.post(
        "/api/auth/register",
        json={"email": email.upper(), "password": "s3cure-enough-pass", "full_name": "B"},
    )
    assert again.status_code == 409
    assert "exists" in again.json()["detail"]


@pytest.mark.parametrize("password", ["short1!", "onlyletterslong", "1234567890"])
def test_weak_password_is_422(api, password):
    r = api.post(
        "/api/auth/register",
        json={"email": f"w-{uuid.uuid4().hex[:8]}@example.com", "password": password, "full_name": "W"},
    )
    assert r.status_code == 422
    assert "Password too weak" in r.json()["detail"]


def test_invalid_email_and_json_are_422(api):
    r = api.post(
        "/api/auth/register",
        json={"email": "not-an-email", "password": "s3cure-enough-pass", "full_name": "X"},
    )
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)
    r = api.post("/api/auth/register", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422


def test_bad_credentials_give_the_same_401(api):
    email = f"b-{uuid.uuid4().hex[:8]}@example.com"
    register(api, email)
    wrong_pw = api.post("/api/auth/token", data={"username": email, "password": "wrong-password-1"})
    no_user = api.post("/api/auth/token", data={"username": "nobody-" + email, "password": "wrong-password-1"})
    assert wrong_pw.status_code == no_user.status_code == 401
    assert wrong_pw.json() == no_user.json()


def test_forged_and_expired_tokens_are_401(api, stack):
    headers = register(api)
    user_id = api.get("/api/users/me", headers=headers).json()["id"]
    now = datetime.now(UTC)
    forged = jwt.encode(
        {"sub": user_id, "iat": now, "exp": now + timedelta(hours=1), "typ": "access"},
        "a-forged-secret-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    secret = stack.settings().jwt_secret.get_secret_value()
    expired = jwt.encode(
        {"sub": user_id, "iat": now - timedelta(hours=2), "exp": now - timedelta(hours=1), "typ": "access"},
        secret,
        algorithm="HS256",
    )
    for token in (forged, expired, "garbage"):
        r = api.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, token
    assert api.get("/api/users/me").status_code == 401


def test_first_admin_has_staff_powers(api, stack):
    s = stack.settings()
    tok = api.post(
        "/api/auth/token",
        data={"username": s.first_admin_email, "password": s.first_admin_password.get_secret_value()},
    )
    assert tok.status_code == 200
    headers = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    assert set(api.get("/api/users/me", headers=headers).json()["roles"]) >= {"admin", "staff"}
    assert api.get("/api/admin/sessions", headers=headers).status_code == 200
    assert api.get("/api/admin/sessions", headers=register(api)).status_code == 403


def test_modules_are_seeded(api):
    headers = register(api)
    mods = api.get("/api/modules", headers=headers).json()
    assert len(mods) >= 6
    assert all(m["question_count"] >= 12 for m in mods)
    qs = api.get(f"/api/modules/{mods[0]['id']}/questions", headers=headers).json()
    assert qs and qs[0]["ideal_answer"] is None  # hidden from candidates
    found = api.get("/api/questions/search", params={"q": "teammate"}, headers=headers).json()
    assert found, "full-text search finds a question by a word in it"
