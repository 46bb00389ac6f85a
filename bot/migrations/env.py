"""Alembic environment: the project's metadata, run on the connection the caller provides."""
from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bot.schema import metadata

target_metadata = metadata()

_PG_LOCK_KEY = 7946_2021  # any constant: serialises upgrades started by several replicas at once


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
