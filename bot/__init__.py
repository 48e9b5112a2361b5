"""evradar: reads news feeds and tells chat channels when EV companies strike partnerships."""

__version__ = "0.1.0"
