"""Listening points: reference answers and paraphrases on questions, score flags, test accounts

Revision ID: a1c3e5f7b9d2
Revises: 09de8fd0a632
Create Date: 2026-11-29 18:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "a1c3e5f7b9d2"
down_revision: Union[str, Sequence[str], None] = "09de8fd0a632"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None



def upgrade() -> None:
    for table in ("questions", "session_questions"):
        op.add_column(table, sa.Column("reference_answers", postgresql.JSONB(), server_default="[]", nullable=False))
        op.add_column(table, sa.Column("paraphrases", postgresql.JSONB(), server_default="[]", nullable=False))
    op.add_column("scores", sa.Column("flags", postgresql.JSONB(), server_default="[]", nullable=False))
    op.add_column("scores", sa.Column("seems_to_answer", sa.Text(), nullable=True))
    op.create_index("ix_scores_scorer_version", "scores", ["scorer_version"])
    op.add_column("users", sa.Column("is_test", sa.Boolean(), server_default="false", nullable=False))


def downgrade() -> None:
    op.drop_column("users", "is_test")
    op.drop_index("ix_scores_scorer_version", table_name="scores")
    op.drop_column("scores", "seems_to_answer")
    op.drop_column("scores", "flags")
    for table in ("session_questions", "questions"):
        op.drop_column(table, "paraphrases")
        op.drop_column(table, "reference_answers")
