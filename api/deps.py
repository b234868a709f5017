"""`Annotated` dependency aliases used by every router."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session
from temporalio.client import Client

from talentsync.config import Settings
from talentsync.db.models import User
from talentsync.media import MediaStore
from talentsync.security import TokenError, decode_access_token

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.db_factory() as db:
        yield db


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_temporal(request: Request) -> Client:
    return request.app.state.temporal


def get_media(request: Request) -> MediaStore:
    return request.app.state.media


SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
MediaDep = Annotated[MediaStore, Depends(get_media)]

UNAUTHORIZED = HTTPException(
    401, "Not signed in, or the session expired; sign in again.", headers={"WWW-Authenticate": "Bearer"}
)


def user_from_token(db: Session, settings: Settings, token: str | None) -> User:
    if not token:
        raise UNAUTHORIZED
    try:
        user_id = uuid.UUID(decode_access_token(token, settings.jwt_secret.get_secret_value()))
    except (TokenError, ValueError):
        raise UNAUTHORIZED from None
    user = db.get(User, user_id)
    if user is None or not user.is_active:
        raise UNAUTHORIZED
    return user


def get_current_user(db: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]) -> User:
    return user_from_token(db, settings, token)


CurrentUser = Annotated[User, Depends(get_current_user)]


def require(permission: str):  # type: ignore[no-untyped-def]
    def check(user: CurrentUser) -> User:
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
