"""Feedback on alerts: one vote per user per event per channel, which the user can change.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(200), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("vote", sa.String(20), nullable=False),
        sa.Column("mutes", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("voted_at", sa.Float, nullable=False),
        sa.UniqueConstraint("event_id", "platform", "channel", "user", name="uq_feedback_vote"),
    )
    op.create_index("ix_feedback_channel", "feedback", ["platform", "channel", "voted_at"])


def downgrade() -> None:
    op.drop_index("ix_feedback_channel", table_name="feedback")
    op.drop_table("feedback")
