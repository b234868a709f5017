"""Employer pipelines (a recruiter's role, its invite code, the candidates who joined) and the
indexes the staff console's session search needs (email by trigram, sessions by start time)

Revision ID: c4e8a2f61d37
Revises: b7d2e4f6a8c1
Create Date: 2026-12-01 10:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c4e8a2f61d37"
down_revision: Union[str, Sequence[str], None] = "b7d2e4f6a8c1"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "pipelines",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("recruiter_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("invite_code", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"]),
        sa.ForeignKeyConstraint(["recruiter_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invite_code"),
    )
    op.create_index("ix_pipelines_recruiter_id", "pipelines", ["recruiter_id"])
    op.create_table(
        "pipeline_members",
        sa.Column("pipeline_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("user_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["pipeline_id"], ["pipelines.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pipeline_id", "user_id"),
    )
    op.create_index("ix_pipeline_members_user_id", "pipeline_members", ["user_id"])
    op.add_column("sessions", sa.Column("pipeline_id", postgresql.UUID(as_uuid=True), nullable=True))
    op.create_foreign_key(
        "sessions_pipeline_id_fkey", "sessions", "pipelines", ["pipeline_id"], ["id"], ondelete="SET NULL"
    )
    op.create_index("ix_sessions_pipeline_id", "sessions", ["pipeline_id"])
    op.create_index("ix_sessions_created_at", "sessions", ["created_at"])
    op.create_index(
        "ix_users_email_trgm",
        "users",
        ["email"],
        postgresql_using="gin",
        postgresql_ops={"email": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_users_email_trgm", table_name="users")
    op.drop_index("ix_sessions_created_at", table_name="sessions")
    op.drop_index("ix_sessions_pipeline_id", table_name="sessions")
    op.drop_constraint("sessions_pipeline_id_fkey", "sessions", type_="foreignkey")
    op.drop_column("sessions", "pipeline_id")
    op.drop_index("ix_pipeline_members_user_id", table_name="pipeline_members")
    op.drop_table("pipeline_members")
    op.drop_index("ix_pipelines_recruiter_id", table_name="pipelines")
    op.drop_table("pipelines")
