"""Password hashing (argon2 via pwdlib) and JWT access tokens (PyJWT)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()  # argon2id with pwdlib's current parameters

ROLES = {
    "candidate": "Practises interviews and sees their own reports",
    "recruiter": "Runs hiring pipelines and reviews the interviews candidates share with them",
    "staff": "Supports sessions: inspects histories, retries failed scoring, edits the question bank",
    "admin": "Everything, including managing users",
}
PERMISSIONS = {
    "sessions:own": "Start and answer own interview sessions",
    "reports:own": "Read own reports",
    "reports:any": "Read any candidate's reports",
    "questions:write": "Create and edit question bank entries",
    "sessions:support": "List any session and retry failed scoring",
    "users:manage": "Manage users and roles",
    "pipelines:manage": "Create hiring pipelines and read the interviews candidates share with them",
}
ROLE_PERMISSIONS = {
    "candidate": ["sessions:own", "reports:own"],
    # Not reports:any: a recruiter reads only what a candidate shared with one of their pipelines.
    "recruiter": ["sessions:own", "reports:own", "pipelines:manage"],
    "staff": ["sessions:own", "reports:own", "reports:any", "questions:write", "sessions:support"],
    "admin": list(PERMISSIONS),
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password, password_hash)
    except Exception:  # malformed stored hash: treat as a mismatch, never a 500
        return False


# Run a verification against a dummy hash when the user does not exist, so response time does not
# reveal which emails are registered.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + uuid.uuid4().hex)


def burn_verify_time(password: str) -> None:
    verify_password(password, _DUMMY_HASH)


def password_problems(password: str, email: str = "") -> list[str]:
    problems = []
    if len(password) < 10:
        problems.append("at least 10 characters")
    if len(password) > 128:
        problems.append("at most 128 characters")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"[\d\W_]", password):
        problems.append("letters and at least one digit or symbol")
    if email and email.split("@")[0].lower() in password.lower() and len(email.split("@")[0]) >= 3:
        problems.append("not containing your email name")
    if password.lower() in {"password123", "qwertyuiop", "1234567890", "letmein123"}:
        problems.append("not a common password")
    return problems


def create_access_token(user_id: str, secret: str, ttl_minutes: int, roles: list[str]) -> str:
    now = datetime.now(UTC)
    payload = {
        "sub": user_id,
        "roles": roles,
        "iat": now,
        "exp": now + timedelta(minutes=ttl_minutes),
        "typ": "access",
    }
    return jwt.encode(payload, secret, algorithm="HS256")


class TokenError(Exception):
    pass


def decode_access_token(token: str, secret: str) -> str:
    try:
        payload = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub", "iat"]})
    except jwt.PyJWTError as exc:
        raise TokenError(str(exc)) from exc
    if payload.get("typ") != "access":
        raise TokenError("not an access token")
    return str(payload["sub"])
