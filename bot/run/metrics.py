"""The numbers /metrics serves, in Prometheus text format: polls, items, detections, deliveries."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from ..core.models import PollOutcome
from ..flow.pipeline import PollReport

_SECONDS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    """One registry per process (not the global one, so tests can build as many as they like)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.polls = Counter(
            "evradar_feed_polls", "Feed polls by outcome (ok, not_modified, failed).", ["outcome"], registry=r
        )
        self.parsed = Counter("evradar_items_parsed", "Feed items parsed.", registry=r)
        self.items = Counter("evradar_items_new", "Feed items not seen before.", registry=r)
        self.detections = Counter(
            "evradar_detections", "Partnerships detected in new items, by kind.", ["kind"], registry=r
        )
        self.alerts = Counter("evradar_events_new", "New partnership events.", registry=r)
        self.updates = Counter("evradar_events_updated", "Events updated by another report.", registry=r)
        self.sent = Counter("evradar_alerts_sent", "Alerts and updates posted.", ["platform"], registry=r)
        self.failed = Counter(
            "evradar_alerts_failed", "Posts that failed (retried later, or paused).", ["platform"], registry=r
        )
        self.feeds_paused = Gauge("evradar_feeds_paused", "Feeds paused after repeated failures.", registry=r)
        self.outbox = Gauge("evradar_outbox_depth", "Alerts queued in the outbox, not yet posted.", registry=r)
        self.destinations_paused = Gauge(
            "evradar_destinations_paused", "Destinations paused with alerts waiting for them.", registry=r
        )
        self.oldest_waiting = Gauge(
            "evradar_outbox_oldest_seconds",
            "Seconds the oldest alert still queued has waited (0: none).",
            registry=r,
        )
        self.poll_seconds = Histogram(
            "evradar_poll_seconds", "Time to poll one feed.", registry=r, buckets=_SECONDS
        )
        self.delivery_seconds = Histogram(
            "evradar_delivery_seconds", "Time to post one alert.", ["platform"], registry=r, buckets=_SECONDS
        )

    def record_poll(self, report: PollReport) -> None:
        if report.outcome == PollOutcome.SKIPPED:
            return
        self.polls.labels(report.outcome).inc()
        self.parsed.inc(report.items)
        self.items.inc(report.new_items)
        for kind in report.kinds:
            self.detections.labels(kind).inc()
        self.alerts.inc(report.alerts)
        self.updates.inc(report.updates)
        self.poll_seconds.observe(report.seconds)

    def record_delivery(self, platform: str, *, ok: bool, seconds: float) -> None:
        (self.sent if ok else self.failed).labels(platform).inc()
        self.delivery_seconds.labels(platform).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
