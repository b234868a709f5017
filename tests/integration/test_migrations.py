"""Alembic: upgrade, downgrade to nothing, upgrade again, and the models match the migrations."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from devstack.services import ensure_database
from talentsync.db.models import Base
from talentsync.seed import alembic_config

pytestmark = pytest.mark.integration


def test_upgrade_downgrade_upgrade(stack):
    admin = stack.database_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    ensure_database(admin, "migrations_check")
    url = stack.database_url.rsplit("/", 1)[0] + "/migrations_check"
    cfg = alembic_config(url)
    engine = create_engine(url)
    try:
        command.upgrade(cfg, "head")
        tables = set(inspect(engine).get_table_names())
        assert {"users", "sessions", "responses", "vec_followups", "feedback_reports"} <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        command.downgrade(cfg, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(cfg, "head")
        assert "questions" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
