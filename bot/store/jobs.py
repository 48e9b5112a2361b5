"""The cluster's job queue as the database holds it: its tables made once, and which jobs wait to run.

The tables and their schema belong to procrastinate (bot.run.cluster hands the schema over as
text); every SQL statement evradar runs still lives in the store.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text

_SCHEMA_LOCK = 0x65767261  # advisory lock key while the job tables are created ("evra")


def create_job_tables(schema: str) -> Callable[[Connection], None]:
    """Make the job tables unless another instance already did (PostgreSQL only)."""

    def create(conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            # Straight to the driver: the schema's own % signs are not parameters.
            conn.connection.driver_connection.execute(schema)  # type: ignore[union-attr]

    return create


def waiting(conn: Connection, task_name: str, arg: str) -> set[str]:
    """The argument ``arg`` of every job of ``task_name`` waiting to run, as text."""
    rows = conn.execute(
        text("SELECT args ->> :arg FROM procrastinate_jobs WHERE task_name = :task AND status = 'todo'"),
        {"arg": arg, "task": task_name},
    )
    return {str(value) for (value,) in rows}
