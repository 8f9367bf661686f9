"""Assessing everyone on several cores: the persons are split into contiguous ranges, each
assessed by its own process over its own connection (the status engine and CEL are CPU-bound
Python)."""

from __future__ import annotations

import datetime as dt
import gc
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy import Engine, select, text

from sojourn.priority.assess import Assessment
from sojourn.priority.policy import shipped
from sojourn.priority.run import assess_store
from sojourn.priority.store import active_policy
from sojourn.resolve.tables import links
from sojourn.store import make_engine


def _where(engine: Engine) -> tuple[str, str | None]:
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url, None
    with engine.connect() as conn:
        return url, str(conn.execute(text("SELECT current_schema()")).scalar_one())


#: A worker's young-generation collection threshold (Python's default: 700). A worker holds
#: its whole snapshot and builds millions of short-lived objects with no cycles among them;
#: the default's collections over that heap cost about 4% of the CPU (200,000 persons).
GC_THRESHOLD = 50_000


def _work(url: str, schema: str | None, day: dt.date, key: str, ids: list[str]) -> list[Assessment]:
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])  # this process only
    engine = make_engine(url, schema)
    try:
        return list(assess_store(engine, day, shipped()[key], ids))
    finally:
        engine.dispose()


def assess_parallel(
    engine: Engine, as_of: dt.date, policy: str | None = None, workers: int = 2
) -> list[Assessment]:
    """Every resolved person's assessment (``policy`` id@version; default the active one)."""
    with engine.connect() as conn:
        persons = sorted(
            str(p) for p in conn.execute(select(links.c.person_id).distinct()).scalars()
        )
        key = policy or active_policy(conn, as_of).key
    if workers <= 1 or len(persons) < 1000:
        return list(assess_store(engine, as_of, shipped()[key]))
    size = -(-len(persons) // workers)
    chunks = [persons[i : i + size] for i in range(0, len(persons), size)]
    url, schema = _where(engine)
    with ProcessPoolExecutor(workers) as pool:
        parts = pool.map(_work, *zip(*((url, schema, as_of, key, c) for c in chunks), strict=True))
        return [a for part in parts for a in part]
