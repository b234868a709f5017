"""Reference vectors: question-side embeddings persisted per model, so a restart has no cold penalty

Revision ID: b7d2e4f6a8c1
Revises: a1c3e5f7b9d2
Create Date: 2026-11-29 18:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "b7d2e4f6a8c1"
down_revision: Union[str, Sequence[str], None] = "a1c3e5f7b9d2"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "reference_vectors",
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("text_sha", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("model", "text_sha"),
    )


def downgrade() -> None:
    op.drop_table("reference_vectors")
