"""Finding persons by name (in any script), date of birth and identifiers, through the
real-time resolution index: the query is scored like an incoming record, so a search finds
what resolution would link (transliterations, nicknames of the name model, swapped day and
month) and says why each person matched. Protected attributes cannot be searched: the query
has no field for them.
"""

from __future__ import annotations

import atexit
import gc
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, select

from sojourn.resolve.features import load_records
from sojourn.resolve.realtime import Candidate, Index
from sojourn.resolve.rowfeatures import feature_row
from sojourn.resolve.serving import load_index
from sojourn.resolve.store import last_thresholds
from sojourn.resolve.tables import links, models

log = logging.getLogger(__name__)

#: Where an identifier given without its kind is tried.
IDENTIFIER_FIELDS = ("passport_number", "a_number", "ssn", "fbi_number", "sevis_id")


@dataclass(frozen=True)
class Hit:
    person_id: str
    probability: float
    matched: tuple[str, ...]  # the comparisons that agreed (name, birth_date, passport …)


def _queries(
    name: str | None, birth_date: str | None, identifier: str | None
) -> list[dict[str, str | None]]:
    base: dict[str, str | None] = {"full_name": name, "birth_date": birth_date}
    if not identifier:
        return [base]
    return [{**base, field: identifier} for field in IDENTIFIER_FIELDS]


#: Levels that are not agreement although above "different": a middle initial written on one
#: side only.
NOT_AGREEING = {"middle_initial": 1}


def _agreed(candidate: Candidate) -> tuple[str, ...]:
    return tuple(
        sorted(
            k
            for k, v in candidate.vector.items()
            if isinstance(v, int) and v > 0 and NOT_AGREEING.get(k) != v
        )
    )


def search(
    index: Index, name: str | None = None, birth_date: str | None = None,
    identifier: str | None = None, limit: int = 20,
) -> list[Hit]:  # fmt: skip
    """The persons whose records best match the query, best first (at most ``limit``)."""
    best: dict[str, Hit] = {}
    for query in _queries(name, birth_date, identifier):
        for candidate in index.match(query).candidates:
            if candidate.person_id is None:
                continue
            hit = Hit(candidate.person_id, candidate.match_probability, _agreed(candidate))
            known = best.get(candidate.person_id)
            if known is None or hit.probability > known.probability:
                best[candidate.person_id] = hit
    ranked = sorted(best.values(), key=lambda h: (-h.probability, h.person_id))
    return ranked[:limit]


@dataclass
class _Loaded:
    index: Index
    basis: tuple[str | None, float, float]  # the model version and thresholds it was built on
    link: int  # the highest link id it holds


def _basis(conn: Connection) -> tuple[str | None, float, float]:
    """What an index is built on: the latest model's version and the last batch thresholds."""
    latest = models.c.trained_at.desc(), models.c.version
    version = conn.execute(select(models.c.version).order_by(*latest).limit(1)).scalar()
    return (version, *last_thresholds(conn))


def _last_link(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(links.c.id), 0))).scalar_one())


def _freeze() -> None:
    """Keep the collector off a newly loaded index: it lives as long as the process, and a
    full collection walking its objects would stall a request (a judgement, a search) for
    hundreds of milliseconds at random."""
    gc.collect()
    gc.freeze()
    atexit.register(gc.unfreeze)  # collectable again at exit (extension modules check leaks)


class IndexCache:
    """The index a server searches: loaded once (at start-up, in the background), then kept
    up to date in place: the links written since (a judgement's merge or split, a real-time
    match, a re-run) move its records between persons or add new records, in milliseconds.
    It is built again only when the model or the thresholds change."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None

    def get(self) -> Index:
        """The index of the latest links (loading it, or catching up, if need be)."""
        with self.engine.connect() as conn:
            basis, mark = _basis(conn), _last_link(conn)
        with self._lock:
            loaded = self._loaded
            if loaded is None or loaded.basis != basis:
                # links written while loading are applied again later: moves are idempotent
                self._loaded = loaded = _Loaded(load_index(self.engine), basis, mark)
                _freeze()
            elif mark > loaded.link:
                self._catch_up(loaded, mark)
            return loaded.index

    def _catch_up(self, loaded: _Loaded, mark: int) -> None:
        """Apply the links written after ``loaded.link`` up to ``mark``, oldest first."""
        query = (
            select(links.c.record_id, links.c.person_id)
            .where(links.c.id > loaded.link, links.c.id <= mark)
            .order_by(links.c.id)
        )
        with self.engine.connect() as conn:
            latest = {str(r): str(p) for r, p in conn.execute(query)}
        index = loaded.index
        new = [r for r in latest if r not in index]
        if new:
            for row in load_records(self.engine, new).iter_rows(named=True):
                index.add(str(row["id"]), feature_row(row), latest[str(row["id"])])
        for record_id, person_id in latest.items():
            if record_id in index:
                index.relink(record_id, person_id)
        loaded.link = mark
        log.info("search index: %d links applied in place (%d new records)", len(latest), len(new))

    def warm(self) -> threading.Thread:
        """Load the index on a background thread (so the first search does not wait)."""
        thread = threading.Thread(target=self._warm, name="search-index", daemon=True)
        thread.start()
        return thread

    def _warm(self) -> None:
        try:
            self.get()
        except Exception:  # nothing resolved yet, say: the first search will try again
            log.warning("the search index could not be loaded in advance", exc_info=True)
