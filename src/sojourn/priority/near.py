"""Which citizenship records a few persons' sweep must hold (``sweep.load_sweep``): the
real-time path indexes those, not every citizenship record of the store, so that its cost
follows the persons assessed rather than the size of the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, text

from sojourn.records.tables import CITIZENSHIP
from sojourn.resolve.loose import near_dates

IDENTITY = (
    "id, kind, event_date, given_name, middle_name, family_name, full_name, birth_date, a_number"
)
CITIZENS_SQL = f"SELECT {IDENTITY} FROM records WHERE {CITIZENSHIP}"
Row = dict[str, Any]


@dataclass(frozen=True)
class NearKeys:
    """What citizenship records a few persons' candidates can come from (``_dated_hits``):
    those born on a date loosely equal to one of theirs (the relation is symmetric: a day
    either way, day and month swapped), of one of their A-numbers, with a partial or no birth
    date, or born in the year of one of their partial dates. A person with no birth date at
    all is looked for by family name: then every record (``everything``)."""

    dates: tuple[str, ...]
    numbers: tuple[str, ...]
    years: tuple[str, ...]
    everything: bool

    @classmethod
    def of(cls, rows: list[Row], identities: dict[str, Row]) -> NearKeys:
        births: dict[str, set[str]] = {}
        for r in rows:
            given = births.setdefault(str(r["person_id"]), set())
            for row in (r, identities.get(str(r["id"]), {})):
                if row.get("birth_date"):
                    given.add(str(row["birth_date"]))
        every = set().union(*births.values()) if births else set()
        full = {b for b in every if len(b) == 10}
        numbers = {str(r["a_number"]) for r in identities.values() if r.get("a_number")}
        return cls(
            tuple(sorted({d for b in full for d in near_dates(b)})), tuple(sorted(numbers)),
            tuple(sorted({b[:4] for b in every - full})), any(not b for b in births.values()),
        )  # fmt: skip

    def query(self) -> tuple[Any, dict[str, Any]]:
        if self.everything:
            return text(CITIZENS_SQL), {}
        sql = (
            f"{CITIZENS_SQL.replace(' WHERE ', ' WHERE (', 1)}) AND (birth_date IN :d "
            "OR a_number IN :n OR birth_date IS NULL OR length(birth_date) < 10 "
            "OR substr(birth_date, 1, 4) IN :y)"
        )
        query = text(sql).bindparams(*(bindparam(k, expanding=True, type_=String()) for k in "dny"))
        return query, {"d": list(self.dates), "n": list(self.numbers), "y": list(self.years)}
