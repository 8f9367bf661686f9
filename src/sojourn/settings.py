"""The one settings module: every option comes from a ``SOJOURN_*`` environment variable.

See docs/configuration.md for the list. Code reads settings through :func:`get_settings`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration, read from the environment (prefix ``SOJOURN_``)."""

    model_config = SettingsConfigDict(env_prefix="SOJOURN_", extra="ignore")

    data_dir: Path = Field(
        default=Path(".sojourn"),
        description="Where the embedded database and generated data live.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite:///<data_dir>/sojourn.db. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )
    database_schema: str | None = Field(
        default=None,
        description="PostgreSQL schema to use (search_path); default: the server's default.",
    )
    as_of: dt.date | None = Field(
        default=None,
        description="The date the command line, the pages and the API take as today when no "
        "as-of date is given (YYYY-MM-DD); default: the real date. `sojourn demo` sets it to "
        "its own as-of date for the server it starts.",
    )
    ingest_chunk_rows: int = Field(
        default=20_000, ge=1_000, description="Rows read, mapped and written per chunk."
    )
    ingest_parallel_min_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=0,
        description="Files at least this large are read and mapped in a second process "
        "while the first one writes.",
    )
    ingest_crash_after_rows: int | None = Field(
        default=None,
        description="Testing only: kill the ingest process (SIGKILL) after writing this many "
        "rows of a batch, to prove a crash leaves nothing half-written.",
    )

    resolve_accept: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Entity resolution: record pairs at or above this match probability are "
        "linked (batch and real time). Unset: chosen from the trained model for each batch "
        "run (docs/resolve.md, 'Thresholds').",
    )
    resolve_review: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Entity resolution: pairs from this probability up to the accept threshold "
        "open an identity review instead of linking. Unset: chosen from the trained model.",
    )

    audit_export_dir: Path | None = Field(
        default=None,
        description="Where signed audit checkpoints and their leaf hashes are exported (a "
        "separate system in production: another host or a write-once store); default "
        "<data_dir>/audit-export.",
    )
    audit_key_file: Path | None = Field(
        default=None,
        description="The Ed25519 key that signs audit checkpoints (PEM, created on first use); "
        "default <data_dir>/audit/signing-key.pem.",
    )
    audit_checkpoint_every: int = Field(
        default=1000, ge=1, description="Sign and export a checkpoint every N audit events."
    )
    audit_checkpoint_seconds: float = Field(
        default=300.0,
        gt=0,
        description="The server also signs a checkpoint of any new events this often (seconds).",
    )
    audit_origin: str = Field(
        default="sojourn.audit/local",
        description="The log's name in its checkpoints (the first line of each signed note).",
    )

    access_token_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="Lifetime of an API access token (JWT)."
    )
    jwt_secret_file: Path | None = Field(
        default=None,
        description="The key that signs local access tokens (HS256; created on first use); "
        "default <data_dir>/access/jwt-secret.",
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed logins for one user from one client before each further attempt "
        "from there waits (back-off).",
    )
    login_backoff_seconds: int = Field(
        default=15,
        ge=1,
        description="The first back-off wait; it doubles with each further failure, up to the "
        "window.",
    )
    login_window_minutes: int = Field(
        default=15,
        ge=1,
        description="The window of the per-client and per-user failure counts, in minutes; "
        "also the longest back-off.",
    )
    login_client_max_failures: int = Field(
        default=30,
        ge=1,
        description="Failed logins from one client (any users) within the window before that "
        "client is refused.",
    )
    login_user_max_failures: int = Field(
        default=100,
        ge=1,
        description="Failed logins for one user (any clients) within the window before that "
        "user is refused from clients they have never signed in from.",
    )
    login_rate_per_minute: int = Field(
        default=20, ge=1, description="Login requests accepted per client address per minute."
    )
    search_rate_per_minute: int = Field(
        default=120, ge=1, description="Person searches accepted per client address per minute."
    )
    export_rate_per_hour: int = Field(
        default=30, ge=1, description="Person exports accepted per user per hour."
    )
    verify_rate_per_hour: int = Field(
        default=12, ge=1, description="Whole-log verifications from the pages per user per hour."
    )
    bus: Literal["inprocess", "nats"] = Field(
        default="inprocess", description="The event bus: in-process (embedded) or NATS."
    )
    nats_url: str = Field(
        default="nats://127.0.0.1:4222", description="The NATS server (JetStream enabled)."
    )
    nats_max_bytes: int = Field(
        default=8 * 2**30, ge=2**20,
        description="The stream's size limit; when full, publishers are refused (never dropped).",
    )  # fmt: skip
    nats_max_age_days: float = Field(
        default=30.0,
        gt=0,
        description="How long the stream keeps events (the size limit's window).",
    )
    stream_batch: int = Field(
        default=100, ge=1, le=10_000, description="Events a consumer takes and applies at once."
    )
    oidc_issuer: str | None = Field(
        default=None, description="An agency OpenID Connect provider: its issuer URL."
    )
    oidc_audience: str | None = Field(
        default=None, description="The audience sojourn's tokens from the provider carry."
    )
    oidc_jwks_url: str | None = Field(
        default=None, description="The provider's JSON Web Key Set URL (RS256/ES256 keys)."
    )
    oidc_role_claim: str = Field(
        default="sojourn_role", description="The token claim that names the sojourn role."
    )
    report_min_group: int = Field(
        default=10,
        ge=1,
        description="Dashboards: a group (country, class of admission, …) smaller than this "
        "shows no rate, only 'fewer than N' and 'suppressed' (threshold rule of disclosure "
        "control); it is still counted in the totals.",
    )
    spark_master: str = Field(
        default="local[2]",
        description="Spark (issue 19): the master URL; local[N] runs Spark in this process's "
        "JVM on N cores, a cluster's URL (spark://, yarn, k8s://) runs it there.",
    )
    spark_driver_memory: str = Field(
        default="1g", description="Spark: the driver's heap (JVM size, e.g. 1g, 4g)."
    )
    spark_shuffle_partitions: int = Field(
        default=4,
        ge=1,
        description="Spark: partitions of every shuffle (joins, aggregations); small for "
        "local mode, a few per core of the cluster in production.",
    )
    spark_driver_java_options: str = Field(
        default="",
        description="Spark: extra JVM options of the driver (spark.driver.extraJavaOptions); "
        "the tests start faster with -XX:TieredStopAtLevel=1 -XX:+UseSerialGC.",
    )
    spark_storage: Literal["memory_and_disk", "disk_only"] = Field(
        default="memory_and_disk",
        description="Spark: where the frames a run keeps (features, pairs, vectors, scores, "
        "the components' rounds) are stored: memory then disk, or disk only, which leaves the "
        "heap to the tasks (10M records in 4 GiB).",
    )
    spark_local_dir: Path | None = Field(
        default=None,
        description="Spark: where shuffle and spill files go; default Spark's (/tmp).",
    )

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'sojourn.db'}"


def today() -> dt.date:
    """Today for the command line, the pages and the API: ``SOJOURN_AS_OF`` when set."""
    return get_settings().as_of or dt.date.today()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; call ``get_settings.cache_clear()`` in tests)."""
    return Settings()
