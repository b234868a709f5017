"""Production mode refuses the settings that would make tokens forgeable or the first admin weak."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from talentsync.config import DEV_ADMIN_PASSWORD, Settings

STRONG_SECRET = "k" * 32
STRONG_ADMIN = "Adm1n-long-enough-pass"


def _prod(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "production",
        "jwt_secret": STRONG_SECRET,
        "first_admin_password": STRONG_ADMIN,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type, call-arg]


def test_production_accepts_a_32_byte_secret_and_a_strong_admin_password():
    assert _prod().environment == "production"


@pytest.mark.parametrize("secret", ["x", "short-but-not-default", "k" * 31, "dev-only-insecure-secret-change-me"])
def test_production_refuses_a_short_or_default_jwt_secret(secret):
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        _prod(jwt_secret=secret)


@pytest.mark.parametrize("password", ["short1!", "onlyletterslong", "admin-is-my-name-42", DEV_ADMIN_PASSWORD])
def test_production_refuses_a_weak_first_admin_password(password):
    with pytest.raises(ValidationError, match="FIRST_ADMIN_PASSWORD"):
        _prod(first_admin_password=password)


def test_development_keeps_the_default_admin_password_but_not_a_weak_chosen_one():
    dev = Settings(_env_file=None, environment="development")  # type: ignore[call-arg]
    assert dev.first_admin_password.get_secret_value() == DEV_ADMIN_PASSWORD
    with pytest.raises(ValidationError, match="too weak"):
        Settings(_env_file=None, environment="development", first_admin_password="password")  # type: ignore[call-arg]
