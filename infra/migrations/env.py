"""Alembic environment: runs on the connection ``infra.db.migrate`` hands over, or on a URL."""

from __future__ import annotations

from alembic import context

from infra.db import make_engine, metadata

config = context.config


def run_migrations() -> None:
    """Apply migrations on ``config.attributes["connection"]`` or ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from infra.settings import get_settings

        url = get_settings().effective_database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata,
                          render_as_batch=conn.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
