"""The database tables: feeds and what was seen in them, detections, events, the outbox.

Times are stored as UTC epoch seconds (floats), the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False, unique=True),
    Column("name", String(200), nullable=False, default=""),
    Column("title", String(500), nullable=False, default=""),
    Column("origin", String(20), nullable=False, default="config"),  # config, cli or chat
    Column("interval", Float),  # seconds; NULL = the polling default
    Column("etag", String(1000), nullable=False, default=""),
    Column("last_modified", String(200), nullable=False, default=""),
    Column("added_at", Float, nullable=False),
    Column("last_polled_at", Float),
    Column("last_ok_at", Float),
    Column("next_poll_at", Float),
    Column("last_status", String(20), nullable=False, default="new"),  # new, ok, not_modified, failed
    Column("last_error", Text, nullable=False, default=""),
    Column("failures", Integer, nullable=False, default=0),
    Column("paused", Boolean, nullable=False, default=False),
    Column("paused_reason", Text, nullable=False, default=""),
    Column("first_poll_done", Boolean, nullable=False, default=False),
    Column("items_seen", Integer, nullable=False, default=0),
)

seen_items = Table(
    "seen_items",
    metadata,
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(64), primary_key=True),  # sha256 of the item's identity
    Column("seen_at", Float, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partners_key", String(1000), nullable=False),  # sorted partners joined by "|"
    Column("partners", Text, nullable=False),  # JSON list, in the order first reported
    Column("kind", String(20), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("score", Float, nullable=False),
    Column("title", Text, nullable=False),
    Column("link", Text, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("tickers", Text, nullable=False, default="[]"),
    Column("reasons", Text, nullable=False, default="[]"),
    Column("first_seen", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_events_match", "partners_key", "kind", "last_seen"),
    Index("ix_events_last_seen", "last_seen"),
)

event_companies = Table(
    "event_companies",
    metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("company", String(300), primary_key=True),
    Index("ix_event_companies_company", "company"),
)

sources = Table(
    "sources",
    metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("link_key", String(64), primary_key=True),  # sha256 of the normalised link (or title)
    Column("title", Text, nullable=False),
    Column("link", Text, nullable=False),
    Column("source", String(500), nullable=False, default=""),
    Column("published", Float),
    Column("added_at", Float, nullable=False),
)

detections = Table(
    "detections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="SET NULL")),
    Column("item_key", String(64), nullable=False),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="SET NULL")),
    Column("title", Text, nullable=False),
    Column("link", Text, nullable=False),
    Column("partners", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("score", Float, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("reasons", Text, nullable=False, default="[]"),
    Column("published", Float),
    Column("detected_at", Float, nullable=False),
    Index("ix_detections_detected_at", "detected_at"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("destination", String(300), nullable=False),  # Destination.key
    Column("stage", String(20), nullable=False),  # the event's stage when this row was queued
    Column("previous_stage", String(20), nullable=False, default=""),
    Column("status", String(10), nullable=False, default="pending"),  # pending, sent, dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=False),
    Column("last_error", Text, nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("sent_at", Float),
    Column("reference", Text, nullable=False, default=""),
    Column("sending_at", Float),  # set while a post is in flight; still set after a crash means "maybe sent"
    UniqueConstraint("event_id", "destination", "version", name="uq_deliveries_event_destination_version"),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
)

destinations = Table(
    "destinations",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("paused", Boolean, nullable=False, default=False),
    Column("paused_reason", Text, nullable=False, default=""),
    Column("paused_at", Float),
    Column("last_error", Text, nullable=False, default=""),
    Column("last_ok_at", Float),
)

routes = Table(
    "routes",
    metadata,
    Column("name", String(200), primary_key=True),  # the route's identity (its name, or "<platform>-<n>")
    Column("destination", String(300), nullable=False),  # Destination.key it had when last started
    Column("updated_at", Float, nullable=False),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(20), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("companies", Text, nullable=False, default="[]"),
    Column("kinds", Text, nullable=False, default="[]"),
    Column("stages", Text, nullable=False, default="[]"),
    Column("created_by", String(200), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("platform", "channel", name="uq_subscriptions_channel"),
)

digests = Table(
    "digests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(500), nullable=False),  # "<route>|<period start>": one digest per route per period
    Column("route", String(200), nullable=False),
    Column("destination", String(300), nullable=False),  # Destination.key when it was queued
    Column("period_start", Float, nullable=False),
    Column("period_end", Float, nullable=False),
    Column("status", String(10), nullable=False, default="pending"),  # pending, sent, empty
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=False),
    Column("last_error", Text, nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("sending_at", Float),  # set while it is being posted
    Column("sent_at", Float),
    Column("reference", Text, nullable=False, default=""),
    # When the first post was tried: from then on the destination may show it, so a retry looks there first.
    Column("claimed_at", Float),
    UniqueConstraint("key", name="uq_digests_key"),
    Index("ix_digests_due", "status", "next_attempt_at"),
)

mutes = Table(
    "mutes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(20), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("target", String(300), nullable=False),  # "company:<canonical name>" or "kind:<kind>"
    Column("until", Float),  # NULL = until unmuted
    Column("created_by", String(200), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("platform", "channel", "target", name="uq_mutes_channel_target"),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("platform", String(20), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("user", String(200), nullable=False),
    Column("vote", String(20), nullable=False),  # useful, not_partnership, wrong_companies, not_ev
    Column("mutes", Boolean, nullable=False, default=False),  # a "Not …" vote from the channel's owner or role
    Column("voted_at", Float, nullable=False),
    UniqueConstraint("event_id", "platform", "channel", "user", name="uq_feedback_vote"),
    Index("ix_feedback_channel", "platform", "channel", "voted_at"),
)
