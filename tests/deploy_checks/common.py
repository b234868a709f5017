"""What the deployment files must agree with: settings, roles, search attributes, image pinning."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# A variable or key with one of these endings holds a secret: it may never have a default or a literal value.
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|PWD|SECRET|API_KEY|TOKEN|PRIVATE_KEY)$")
# Non-empty credentials inside a URL: scheme://user:password@host
URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s]+)@")
# Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, ${VAR:+x}, ${VAR+x}.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")
BARE_VARIABLE = re.compile(r"(?<!\$)\$([A-Za-z_][A-Za-z0-9_]*)")


def settings_env_names() -> set[str]:
    """Every environment variable the app reads: one per field of the one Settings class."""
    from talentsync.config import Settings

    return {name.upper() for name in Settings.model_fields}


def secret_settings() -> set[str]:
    """Settings fields typed SecretStr: each must reach the app, and only from a secret source."""
    from pydantic import SecretStr

    from talentsync.config import Settings

    return {
        name.upper()
        for name, field in Settings.model_fields.items()
        if field.annotation is SecretStr or SecretStr in getattr(field.annotation, "__args__", ())
    }


def task_queue_roles() -> tuple[str, ...]:
    from talentsync.contracts import ALL_QUEUES

    return ALL_QUEUES


def search_attributes() -> dict[str, str]:
    """The search attributes the workflows upsert (the dev stack registers the same ones)."""
    from devstack.services import TEMPORAL_SEARCH_ATTRIBUTES

    return dict(TEMPORAL_SEARCH_ATTRIBUTES)


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name.upper()))


def image_problem(image: str, built_here: bool = False) -> str | None:
    """Why an image reference is not pinned, or None. Built images only need a tag that is not `latest`."""
    if "@sha256:" in image:
        return None
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:  # "redis" or "registry:5000/redis": no tag at all
        return f"image {image!r} has no tag (it means `latest`)"
    if tag == "latest":
        return f"image {image!r} is `latest`, which changes under you"
    if not built_here and not re.search(r"\d+\.\d+", tag):
        return f"image {image!r} has a floating tag; pin at least major.minor (e.g. 7.4.2-alpine)"
    return None


def dockerfile_problems(text: str) -> list[str]:
    """Every FROM of a Dockerfile names a pinned image (a later stage may name an earlier one)."""
    problems: list[str] = []
    stages: set[str] = set()
    for line in text.splitlines():
        parts = line.strip().split()
        if not parts or parts[0].upper() != "FROM":
            continue
        args = [p for p in parts[1:] if not p.startswith("--")]
        if not args:
            problems.append(f"Dockerfile: `{line.strip()}` names no image")
            continue
        image = args[0]
        if len(args) >= 3 and args[1].upper() == "AS":
            stages.add(args[2])
        if image in stages or image == "scratch":
            continue
        problem = image_problem(image)
        if problem:
            problems.append(f"Dockerfile: {problem}")
    return problems


def env_file_names(text: str) -> dict[str, str]:
    """NAME -> value for each `NAME=value` line of an env file such as .env.example."""
    names: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        names[key.strip().removeprefix("export ").strip()] = value.strip()
    return names
