"""Registration, password login (OAuth2 form) and the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.limits import rate_limit
from talentsync.db.models import Role, User
from talentsync.security import (
    burn_verify_time,
    create_access_token,
    hash_password,
    password_problems,
    verify_password,
)

router = APIRouter(tags=["accounts"])


class RegisterIn(BaseModel):
    email: EmailStr
    password: str = Field(max_length=256)
    full_name: str = Field(min_length=1, max_length=200)


class UserOut(BaseModel):
    id: str
    email: str
    full_name: str
    roles: list[str]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


def user_out(user: User) -> UserOut:
    return UserOut(id=str(user.id), email=user.email, full_name=user.full_name, roles=user.role_names)


@router.post("/auth/register", status_code=201, response_model=UserOut)
def register(body: RegisterIn, db: SessionDep, request: Request) -> UserOut:
    rate_limit(request, "login", f"register:{request.client.host if request.client else '-'}")
    email = body.email.strip().lower()
    problems = password_problems(body.password, email)
    if problems:
        raise HTTPException(422, "Password too weak: use " + ", ".join(problems) + ".")
    if db.scalar(select(User.id).where(User.email == email)):
        raise HTTPException(409, "An account with this email already exists.")
    user = User(email=email, full_name=body.full_name.strip(), password_hash=hash_password(body.password))
    candidate = db.scalar(select(Role).where(Role.name == "candidate"))
    user.roles = [candidate] if candidate else []
    db.add(user)
    try:
        db.commit()
    except IntegrityError:  # a concurrent registration with the same email won the race
        db.rollback()
        raise HTTPException(409, "An account with this email already exists.") from None
    return user_out(user)


@router.post("/auth/token", response_model=TokenOut)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    db: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> TokenOut:
    email = form.username.strip().lower()
    rate_limit(request, "login", f"login:{email}")
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        burn_verify_time(form.password)
    if user is None or not user.is_active or not verify_password(form.password, user.password_hash):
        # One message for both cases: no hint which part was wrong.
        raise HTTPException(401, "Incorrect email or password.", headers={"WWW-Authenticate": "Bearer"})
    token = create_access_token(
        str(user.id), settings.jwt_secret.get_secret_value(), settings.jwt_ttl_minutes, user.role_names
    )
    return TokenOut(access_token=token, expires_in=settings.jwt_ttl_minutes * 60)


@router.get("/users/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    return user_out(user)
