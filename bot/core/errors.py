"""evradar's exceptions: one tree, so callers can tell our surprises from everyone else's."""


class EvradarError(Exception):
    """Base of every error evradar raises on purpose."""


class ConfigError(EvradarError):
    """The configuration (or a file it names) is wrong; the message says how to fix it."""


class StoreError(EvradarError):
    """The database cannot be used (locked, read-only, full, corrupted, wrong schema)."""
