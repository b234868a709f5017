"""Registration, password login (OAuth2 form) and the current user."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.errors import error_responses
from api.limits import RateLimits, client_ip, rate_limit
from api.validation import SafeLine
from talentsync.db.models import Role, User
from talentsync.security import (
    burn_verify_time,
    create_access_token,
    hash_password,
    password_problems,
    verify_password,
)

router = APIRouter(tags=["accounts"], responses=error_responses(401, 413, 422, 429, 503))


class RegisterIn(BaseModel):
    email: EmailStr
    password: SafeLine = Field(max_length=256)
    full_name: SafeLine = Field(min_length=1, max_length=200)
    # Self-service sign-up creates candidates or recruiters; staff and admin are granted, never chosen.
    account_type: Literal["candidate", "recruiter"] = "candidate"


class UserOut(BaseModel):
    id: str
    email: str
    full_name: str
    roles: list[str]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class LoginForm:
    """The OAuth2 password form, with the same edge rules as every other field."""

    def __init__(
        self,
        username: Annotated[SafeLine, Form(min_length=1, max_length=320)],
        password: Annotated[SafeLine, Form(min_length=1, max_length=256)],
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        scope: Annotated[str, Form(max_length=200)] = "",
    ) -> None:
        self.username = username
        self.password = password


def user_out(user: User) -> UserOut:
    return UserOut(id=str(user.id), email=user.email, full_name=user.full_name, roles=user.role_names)


@router.post("/auth/register", status_code=201, response_model=UserOut, responses=error_responses(409))
async def register(body: RegisterIn, db: SessionDep, request: Request) -> UserOut:
    await rate_limit(request, "login", f"register:{client_ip(request)}", "Too many registrations from your network")
    email = body.email.strip().lower()
    problems = password_problems(body.password, email)
    if problems:
        raise HTTPException(422, "Password too weak: use " + ", ".join(problems) + ".")
    if await db.scalar(select(User.id).where(User.email == email)):
        raise HTTPException(409, "An account with this email already exists.")
    password_hash = await asyncio.to_thread(hash_password, body.password)  # argon2: ~tens of ms of CPU
    user = User(email=email, full_name=body.full_name.strip(), password_hash=password_hash)
    role = await db.scalar(select(Role).where(Role.name == body.account_type))
    user.roles = [role] if role else []
    db.add(user)
    try:
        await db.commit()
    except IntegrityError:  # a concurrent registration with the same email won the race
        await db.rollback()
        raise HTTPException(409, "An account with this email already exists.") from None
    return user_out(user)


@router.post("/auth/token", response_model=TokenOut)
async def login(
    form: Annotated[LoginForm, Depends()],
    db: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> TokenOut:
    email = form.username.strip().lower()
    ip = client_ip(request)
    limits: RateLimits = request.app.state.rate_limits
    # Per address across all emails (spraying) counts failures only; per (email, address) counts every
    # attempt. Neither lets someone elsewhere lock an account out.
    await limits.check("login_ip_failures", ip, "Too many failed sign-ins from your network")
    await limits.hit("login", f"{email}|{ip}", "Too many sign-in attempts for this account")
    user = await db.scalar(select(User).where(User.email == email))
    await db.close()
    if user is None:
        await asyncio.to_thread(burn_verify_time, form.password)
    ok = (
        user is not None
        and user.is_active
        and await asyncio.to_thread(verify_password, form.password, user.password_hash)
    )
    if user is None or not ok:
        await limits.record("login_ip_failures", ip)
        # One message for both cases: no hint which part was wrong.
        raise HTTPException(401, "Incorrect email or password.", headers={"WWW-Authenticate": "Bearer"})
    token = create_access_token(
        str(user.id), settings.jwt_secret.get_secret_value(), settings.jwt_ttl_minutes, user.role_names
    )
    return TokenOut(access_token=token, expires_in=settings.jwt_ttl_minutes * 60)


@router.get("/users/me", response_model=UserOut)
async def me(user: CurrentUser) -> UserOut:
    return user_out(user)
