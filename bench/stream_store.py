"""The store of bench/stream.py: prepared once (every generated record but the departure
manifest's first ``replayed`` rows, which arrive as the stream; resolved and assessed), then
copied for each run. SQLite: a file under the cache, copied file to file. PostgreSQL: a
database ``sojourn_bench_stream_<persons>_<replayed>`` on the bench server, copied with
``CREATE DATABASE … TEMPLATE`` and dropped after the run."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from population import ingested
from sojourn.cases.recompute import recompute
from sojourn.resolve.run import resolve_all
from sojourn.store import make_engine

AS_OF = "2025-09-30"
PG_SERVER = os.environ.get(
    "SOJOURN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class Store(ABC):
    """Where the prepared store lives and how a run gets its own copy."""

    def __init__(self, home: Path, persons: int, replayed: int) -> None:
        self.home, self.persons, self.replayed = home, persons, replayed

    @abstractmethod
    def ready(self) -> bool:
        """Whether a store prepared for these persons and replayed rows is there."""

    @abstractmethod
    def create(self) -> str:
        """The URL of a new, empty store (replacing any half-prepared one)."""

    @abstractmethod
    def seal(self, engine: Engine) -> None:
        """Finish a prepared store and mark it ready."""

    @abstractmethod
    @contextmanager
    def copy(self, work: Path) -> Iterator[str]:
        """The URL of a working copy for one run, removed after it."""


class SqliteStore(Store):
    def __init__(self, home: Path, persons: int, replayed: int) -> None:
        super().__init__(home, persons, replayed)
        self.db, self.marker = home / "bench.db", home / "prepared"

    def ready(self) -> bool:
        kept = self.marker.read_text().split() if self.marker.exists() else []
        return (self.db.exists() and len(kept) == 2 and kept[0] == str(self.persons)
                and int(kept[1]) >= self.replayed)  # fmt: skip

    def create(self) -> str:
        self.marker.unlink(missing_ok=True)
        for path in _sqlite_files(self.db):
            path.unlink(missing_ok=True)
        return f"sqlite:///{self.db}"

    def seal(self, engine: Engine) -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        self.marker.write_text(f"{self.persons} {self.replayed}\n")

    @contextmanager
    def copy(self, work: Path) -> Iterator[str]:
        if self.home == work:  # no cache: the run has the prepared store itself
            yield f"sqlite:///{self.db}"
            return
        db = work / "bench.db"
        shutil.copy(self.db, db)
        try:
            yield f"sqlite:///{db}"
        finally:
            for path in _sqlite_files(db):  # a stale WAL must not meet the next copy
                path.unlink(missing_ok=True)


def _sqlite_files(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


class PostgresStore(Store):
    def __init__(self, home: Path, persons: int, replayed: int) -> None:
        super().__init__(home, persons, replayed)
        self.name = f"sojourn_bench_stream_{persons}_{replayed}"
        self.server = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")

    def _url(self, database: str) -> str:
        return make_url(PG_SERVER).set(database=database).render_as_string(hide_password=False)

    def _drop(self, database: str) -> None:
        self._disconnect(database)
        with self.server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}"')

    def _disconnect(self, database: str) -> None:
        sql = ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
               "WHERE datname = :d AND pid <> pg_backend_pid()")  # fmt: skip
        with self.server.connect() as conn:
            conn.execute(text(sql), {"d": database})

    def ready(self) -> bool:
        sql = "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :d"
        with self.server.connect() as conn:
            return conn.execute(text(sql), {"d": self.name}).scalar() == "prepared"

    def create(self) -> str:
        self._drop(self.name)
        with self.server.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        return self._url(self.name)

    def seal(self, engine: Engine) -> None:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        with self.server.connect() as conn:  # the mark of a store prepared to the end
            conn.exec_driver_sql(f"COMMENT ON DATABASE \"{self.name}\" IS 'prepared'")

    @contextmanager
    def copy(self, work: Path) -> Iterator[str]:
        copy = f"{self.name}_run{os.getpid()}"
        self._drop(copy)
        self._disconnect(self.name)  # a template takes no other connections
        try:
            with self.server.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{copy}" TEMPLATE "{self.name}"')
            yield self._url(copy)
        finally:
            self._drop(copy)


def store(kind: str, home: Path, persons: int, replayed: int) -> Store:
    return (PostgresStore if kind == "postgresql" else SqliteStore)(home, persons, replayed)


def prepare(where: Store, data: Path) -> None:
    """Prepare ``where`` unless it is ready: ingest every extract in ``data`` (generated
    first when missing), take away the departure manifest's first rows, resolve, assess,
    and count the assessment's case events as relayed long ago. About half an hour at a
    million records."""
    if where.ready():
        return
    engine = ingested(data, where.create(), where.persons)
    with engine.begin() as conn:
        conn.execute(text(
            "DELETE FROM records WHERE kind = 'departure' AND file LIKE :manifest "
            'AND "row" <= :replayed'
        ), {"manifest": "%departures_apis%", "replayed": where.replayed})  # fmt: skip
        conn.exec_driver_sql(
            "DELETE FROM sightings WHERE NOT EXISTS "
            "(SELECT 1 FROM records r WHERE r.id = sightings.record_id)"
        )
    resolve_all(engine)
    recompute(engine, dt.date.fromisoformat(AS_OF), "bench")
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE outbox SET published_at = created_at")
    where.seal(engine)
    engine.dispose()


def records(url: str) -> int:
    """The records in the store at ``url``."""
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT count(*) FROM records").scalar_one()
    engine.dispose()
    return int(found)
