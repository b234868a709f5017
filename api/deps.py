"""`Annotated` dependency aliases used by every router. All of them are async: nothing here blocks
the event loop, however many requests wait for the database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload
from temporalio.client import Client

from talentsync.config import Settings
from talentsync.db.models import Role, User
from talentsync.media import MediaStore
from talentsync.security import TokenError, decode_access_token

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    # The connection is taken at the first query and given back at commit/close: routes close the
    # session before waiting on a workflow, so a slow interview step never pins a pooled connection.
    async with request.app.state.db_factory() as db:
        yield db


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_temporal(request: Request) -> Client:
    return request.app.state.temporal


def get_media(request: Request) -> MediaStore:
    return request.app.state.media


SessionDep = Annotated[AsyncSession, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
MediaDep = Annotated[MediaStore, Depends(get_media)]

UNAUTHORIZED = HTTPException(
    401, "Not signed in, or the session expired; sign in again.", headers={"WWW-Authenticate": "Bearer"}
)


async def user_from_token(factory: async_sessionmaker[AsyncSession], settings: Settings, token: str | None) -> User:
    """One primary-key read in its own short session (roles and permissions load with it), so the
    caller's connection is back in the pool before the route does anything slow."""
    if not token:
        raise UNAUTHORIZED
    try:
        user_id = uuid.UUID(decode_access_token(token, settings.jwt_secret.get_secret_value()))
    except (TokenError, ValueError):
        raise UNAUTHORIZED from None
    async with factory() as db:
        # One round trip: roles and their permissions joined in, instead of two more selectin loads.
        user = await db.get(User, user_id, options=[joinedload(User.roles).joinedload(Role.permissions)])
    if user is None or not user.is_active:
        raise UNAUTHORIZED
    return user


async def get_current_user(request: Request, token: Annotated[str | None, Depends(oauth2)]) -> User:
    return await user_from_token(request.app.state.db_factory, request.app.state.settings, token)


CurrentUser = Annotated[User, Depends(get_current_user)]


def require(permission: str):  # type: ignore[no-untyped-def]
    async def check(user: CurrentUser) -> User:
        if permission not in user.permission_codes:
            raise HTTPException(403, "Your role does not allow this.")
        return user

    return Depends(check)


StaffUser = Annotated[User, require("sessions:support")]
QuestionWriter = Annotated[User, require("questions:write")]


def parse_uuid(value: str, what: str = "resource") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise HTTPException(404, f"No such {what}.") from None
