"""The numbers /metrics serves, in Prometheus text format: polls, items, detections, deliveries."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from .pipeline import PollReport


class Metrics:
    """One registry per process (not the global one, so tests can build as many as they like)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.polls = Counter("evradar_feed_polls", "Feed polls by outcome.", ["outcome"], registry=r)
        self.items = Counter("evradar_items_new", "New feed items read.", registry=r)
        self.alerts = Counter("evradar_events_new", "New partnership events detected.", registry=r)
        self.updates = Counter("evradar_events_updated", "Events updated by another report.", registry=r)
        self.sent = Counter("evradar_alerts_sent", "Alerts and updates posted.", ["platform"], registry=r)
        self.failed = Counter(
            "evradar_alerts_failed", "Posts that failed (retried later).", ["platform"], registry=r
        )
        self.feeds_paused = Gauge("evradar_feeds_paused", "Feeds paused after repeated failures.", registry=r)
        self.outbox = Gauge("evradar_outbox_depth", "Deliveries waiting in the outbox.", registry=r)
        self.poll_seconds = Histogram(
            "evradar_poll_seconds",
            "Time to poll one feed.",
            registry=r,
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        )

    def record_poll(self, report: PollReport, seconds: float) -> None:
        self.polls.labels(report.outcome).inc()
        self.items.inc(report.new_items)
        self.alerts.inc(report.alerts)
        self.updates.inc(report.updates)
        self.poll_seconds.observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
