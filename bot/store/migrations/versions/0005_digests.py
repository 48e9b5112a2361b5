"""Digests (one row per route per period, so a restart never loses or doubles one) and channel mutes.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("route", sa.String(200), nullable=False),
        sa.Column("destination", sa.String(300), nullable=False),
        sa.Column("period_start", sa.Float, nullable=False),
        sa.Column("period_end", sa.Float, nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.Float, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("sending_at", sa.Float),
        sa.Column("sent_at", sa.Float),
        sa.Column("reference", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("key", name="uq_digests_key"),
    )
    op.create_index("ix_digests_due", "digests", ["status", "next_attempt_at"])
    op.create_table(
        "mutes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(200), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("until", sa.Float),
        sa.Column("created_by", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("platform", "channel", "target", name="uq_mutes_channel_target"),
    )


def downgrade() -> None:
    op.drop_table("mutes")
    op.drop_index("ix_digests_due", table_name="digests")
    op.drop_table("digests")
