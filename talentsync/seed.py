"""Migrations and seed content, idempotent: `make up` runs them on every start."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config

from talentsync.bank import ensure_admin, ensure_roles, seed_bank
from talentsync.config import REPO_ROOT, Settings
from talentsync.db.engine import make_engine, make_session_factory
from talentsync.packs import discover_packs

log = logging.getLogger(__name__)


def alembic_config(url: str) -> Config:
    cfg = Config(str(REPO_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def seed(settings: Settings, embed: bool = True) -> dict[str, int]:
    from talentsync.providers import build_embedder, build_vector_store

    engine = make_engine(settings.database_url, pool_size=2)
    factory = make_session_factory(engine)
    try:
        with factory() as db, db.begin():
            ensure_roles(db)
            ensure_admin(db, settings.first_admin_email, settings.first_admin_password.get_secret_value())
        packs = discover_packs([Path(p) for p in settings.pack_dirs])
        if not embed:
            return {"packs": len(packs)}
        store = build_vector_store(settings, engine)
        return seed_bank(factory, packs, store, lambda: build_embedder(settings))
    finally:
        engine.dispose()


def main() -> None:
    """`python -m talentsync.seed`: migrate and seed against the configured DATABASE_URL (containers, CI)."""
    from talentsync.config import configure_logging, get_settings

    settings = get_settings()
    configure_logging(settings.log_level)
    migrate(settings.database_url)
    log.info("seeded: %s", seed(settings))


if __name__ == "__main__":
    main()
