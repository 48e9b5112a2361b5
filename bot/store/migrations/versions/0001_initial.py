"""The first schema: feeds, seen items, events and their sources, detections, the outbox.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _time(name: str, *, nullable: bool = True) -> sa.Column[float]:
    return sa.Column(name, sa.Float, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(2000), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("interval", sa.Float),
        sa.Column("etag", sa.String(1000), nullable=False),
        sa.Column("last_modified", sa.String(200), nullable=False),
        _time("added_at", nullable=False),
        _time("last_polled_at"),
        _time("last_ok_at"),
        _time("next_poll_at"),
        sa.Column("last_status", sa.String(20), nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("paused_reason", sa.Text, nullable=False),
        sa.Column("first_poll_done", sa.Boolean, nullable=False),
        sa.Column("items_seen", sa.Integer, nullable=False),
    )
    op.create_table(
        "seen_items",
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        _time("seen_at", nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("partners_key", sa.String(1000), nullable=False),
        sa.Column("partners", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("link", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("tickers", sa.Text, nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        _time("first_seen", nullable=False),
        _time("last_seen", nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_events_match", "events", ["partners_key", "kind", "last_seen"])
    op.create_index("ix_events_last_seen", "events", ["last_seen"])
    op.create_table(
        "event_companies",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("company", sa.String(300), primary_key=True),
    )
    op.create_index("ix_event_companies_company", "event_companies", ["company"])
    op.create_table(
        "sources",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("link_key", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("link", sa.Text, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        _time("published"),
        _time("added_at", nullable=False),
    )
    op.create_table(
        "detections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
        sa.Column("item_key", sa.String(64), nullable=False),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="SET NULL")),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("link", sa.Text, nullable=False),
        sa.Column("partners", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        _time("published"),
        _time("detected_at", nullable=False),
    )
    op.create_index("ix_detections_detected_at", "detections", ["detected_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("destination", sa.String(300), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("previous_stage", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _time("next_attempt_at", nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        _time("created_at", nullable=False),
        _time("sent_at"),
        sa.Column("reference", sa.Text, nullable=False),
        sa.UniqueConstraint("event_id", "destination", "version", name="uq_deliveries_event_destination_version"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_table(
        "destinations",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("paused_reason", sa.Text, nullable=False),
        _time("paused_at"),
        sa.Column("last_error", sa.Text, nullable=False),
        _time("last_ok_at"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(200), nullable=False),
        sa.Column("companies", sa.Text, nullable=False),
        sa.Column("kinds", sa.Text, nullable=False),
        sa.Column("stages", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        _time("created_at", nullable=False),
        sa.UniqueConstraint("platform", "channel", name="uq_subscriptions_channel"),
    )


def downgrade() -> None:
    for table in (
        "subscriptions",
        "destinations",
        "deliveries",
        "detections",
        "sources",
        "event_companies",
        "events",
        "seen_items",
        "feeds",
    ):
        op.drop_table(table)
