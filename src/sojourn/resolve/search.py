"""Finding persons by name (in any script), date of birth and identifiers, through the
real-time resolution index: the query is scored like an incoming record, so a search finds
what resolution would link (transliterations, nicknames of the name model, swapped day and
month) and says why each person matched. Protected attributes cannot be searched: the query
has no field for them.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from sojourn.resolve.realtime import Candidate, Index
from sojourn.resolve.serving import load_index
from sojourn.resolve.tables import runs

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


class IndexCache:
    """The index a server searches: loaded once (at start-up, in the background) and again
    when a newer resolution run has finished."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._loaded: tuple[int | None, Index] | None = None

    def get(self) -> Index:
        """The index of the latest resolution run (loading it if need be)."""
        with self.engine.connect() as conn:
            run = conn.execute(select(func.max(runs.c.id))).scalar()
        with self._lock:
            if self._loaded is None or self._loaded[0] != run:
                self._loaded = (run, load_index(self.engine))
            return self._loaded[1]

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
