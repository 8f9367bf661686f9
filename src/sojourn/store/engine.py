"""Engine creation with the durability settings the product relies on.

SQLite: WAL journal, ``synchronous=FULL``, foreign keys on, a busy timeout; new files get
8 KiB pages.
PostgreSQL (psycopg 3): optional schema put first on the ``search_path``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from sojourn.settings import Settings, get_settings

#: SQLite page cache per connection (KiB): bulk inserts into indexed tables need room.
SQLITE_CACHE_KIB = 512 * 1024
#: Page size of a new SQLite file (an existing file keeps its own): a records row is about
#: 700 bytes, and 8 KiB pages cut the bulk-load CPU by about a tenth against 4 KiB.
SQLITE_PAGE_BYTES = 8192
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def make_engine(url: str, schema: str | None = None) -> Engine:
    """An engine for ``url``; SQLite files get their directory created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql":
        return _postgres_engine(url, schema)
    raise ValueError(
        f"unsupported database URL {parsed.render_as_string()!r}: use sqlite or postgresql"
    )


def connect(settings: Settings | None = None) -> Engine:
    """The engine for the configured database (``SOJOURN_DATABASE_URL``)."""
    s = settings or get_settings()
    return make_engine(s.resolved_database_url(), s.database_schema)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA page_size={SQLITE_PAGE_BYTES}")  # before the file's first write
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    return engine


def _postgres_engine(url: str, schema: str | None) -> Engine:
    connect_args: dict[str, Any] = {}
    if schema:
        if not _SCHEMA_NAME.match(schema):
            raise ValueError(f"invalid PostgreSQL schema name {schema!r}")
        connect_args["options"] = f"-csearch_path={schema}"
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True)
