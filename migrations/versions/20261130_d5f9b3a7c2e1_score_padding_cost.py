"""Scores: the points a long, thin or claim-free answer lost for padding, so the report can say why
the overall is below what its dimensions add up to

Revision ID: d5f9b3a7c2e1
Revises: c4e8a2f61d37
Create Date: 2026-11-30 05:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "d5f9b3a7c2e1"
down_revision: Union[str, Sequence[str], None] = "c4e8a2f61d37"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("scores", sa.Column("padding_cost", sa.Float(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("scores", "padding_cost")
