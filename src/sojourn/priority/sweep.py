"""Citizenship is searched for, not waited for: before anyone can be enforcement-ready, the
citizenship evidence in the store (naturalization records, any record with a U.S.
nationality or passport) is swept for records that could be the person's although
resolution did not link them — a name that is a variant or a typo of theirs (given and family
swapped too) with a birth date equal, a day apart or with day and month swapped
(``resolve/loose.py``), or the same A-number alone. Each such record is a *citizenship
candidate*: the ``citizenship`` hard stop opens an investigation naming it. A human judgement
that the candidate and one of the person's records are *different* people dismisses it.

The same pass says which of the person's records an identity review still open touches
(``resolve/judgements.py``: open until a judgement on its pair).

Citizenship evidence is a small part of the store (a partial index keeps it at hand), so the
sweep's index is built once per assessment run and costs a dictionary lookup per record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import zip_longest

from sqlalchemy import Connection, String, bindparam, text

from sojourn.priority.near import CITIZENS_SQL, IDENTITY, NearKeys, Row
from sojourn.records.tables import CITIZENSHIP
from sojourn.resolve.judgements import Verdict, effective, open_review_rows
from sojourn.resolve.loose import LooseName, loose_name, names_agree, near_dates
from sojourn.resolve.names import skeleton

#: Bound values per query (SQLite and PostgreSQL both take far more).
CHUNK = 5_000


@dataclass(frozen=True)
class Candidate:
    """A citizenship record that could be the person's, and why."""

    record_id: str
    why: str  # e.g. "name swapped, birth date ±1 day" or "A-number"


@dataclass
class CitizenIndex:
    """The citizenship-evidence records, by every birth date loosely equal to theirs and by
    A-number; with the pairs a human judged to be different people."""

    rows: dict[str, Row] = field(default_factory=dict)
    by_date: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    by_number: dict[str, list[str]] = field(default_factory=dict)
    different: dict[str, set[str]] = field(default_factory=dict)
    #: Records whose birth date is partial or missing, by what they give ("", "1980", …);
    #: and every record by birth year and by the skeleton of each family-name token, for
    #: persons whose own birth date is partial or missing.
    undated: dict[str, list[str]] = field(default_factory=dict)
    by_year: dict[str, list[str]] = field(default_factory=dict)
    by_family: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection, near: NearKeys | None = None) -> CitizenIndex:
        """Every citizenship record; with ``near``, only those that could match persons with
        these birth dates and A-numbers (the others could never be a candidate of theirs)."""
        out = cls()
        query, params = (text(CITIZENS_SQL), {}) if near is None else near.query()
        for r in conn.execute(query, params):
            out.add(dict(r._mapping))
        for (a, b), j in effective(conn).items() if out.rows else ():
            if j.verdict is Verdict.DIFFERENT:
                for mine, other in ((a, b), (b, a)):
                    if mine in out.rows:
                        out.different.setdefault(mine, set()).add(other)
        return out

    def add(self, row: Row) -> None:
        """Index one citizenship record."""
        self.rows[row["id"]] = row
        for day, how in near_dates(row["birth_date"]).items():
            self.by_date.setdefault(day, []).append((row["id"], how))
        if row["a_number"]:
            self.by_number.setdefault(row["a_number"], []).append(row["id"])
        born = row["birth_date"] or ""
        if len(born) != 10:
            self.undated.setdefault(born, []).append(row["id"])
        self.by_year.setdefault(born[:4], []).append(row["id"])
        for key in _family_keys(row):
            self.by_family.setdefault(key, []).append(row["id"])

    def _dated_hits(self, row: Row, births: list[str]) -> list[tuple[str, str]]:
        """The records whose birth date loosely equals one of the person's (``births``: the
        person's birth dates, full ones if any record gives one, else partial ones), or that
        could (a partial or missing date on either side), each with how the dates agree."""
        full = [b for b in births if len(b) == 10]
        if full:
            loose = [(n, "birth date partial or missing") for n in (0, 4, 7)]
            return [hit for born in full for hit in self.by_date.get(born, [])] + [
                (rid, how) for born in full for n, how in loose
                for rid in self.undated.get(born[:n], ())
            ]  # fmt: skip
        if births:
            year = [rid for born in births for rid in self.by_year.get(born[:4], ())
                    if (self.rows[rid]["birth_date"] or "").startswith(born)]  # fmt: skip
            return [(rid, "birth date partial") for rid in year + self.undated.get("", [])]
        found = {rid for key in _family_keys(row) for rid in self.by_family.get(key, ())}
        return [(rid, "no birth date") for rid in sorted(found)]

    def _counts(self, record_id: str, own: set[str], as_of: dt.date) -> bool:
        row = self.rows[record_id]
        if record_id in own or self.different.get(record_id, set()) & own:
            return False  # the person's own evidence already, or judged someone else
        if row["kind"] != "naturalization":
            return True
        when = row["event_date"]
        day = when if isinstance(when, dt.date) else dt.date.fromisoformat(str(when)[:10])
        return day <= as_of

    def candidates(
        self, mine: Iterable[Row], own: set[str], as_of: dt.date,
        births: Iterable[str] | None = None,
    ) -> list[Candidate]:  # fmt: skip
        """The citizenship records that could belong to a person whose records' identities
        are ``mine`` (``own``: the ids of all their records)."""
        found: dict[str, str] = {}
        mine = list(mine)
        given = set(births) if births is not None else set()
        given |= {str(r["birth_date"]) for r in mine if r.get("birth_date")}
        dates = sorted(b for b in given if len(b) == 10) or sorted(given)
        # With a birth date the hits are the person's, not a record's, and a name already
        # compared with them finds nothing new: each name is compared once with each hit.
        shared = self._dated_hits({}, dates) if dates else None
        compared: set[LooseName] = set()
        for row in mine:
            for rid in self.by_number.get(row.get("a_number") or "", ()):
                found.setdefault(rid, "A-number")
            name = loose_name(row)
            if name in compared:
                continue
            compared.add(name)
            for rid, how in self._dated_hits(row, dates) if shared is None else shared:
                if rid not in found and (label := names_agree(name, loose_name(self.rows[rid]))):
                    found[rid] = f"{label}, {how}"
        return [
            Candidate(rid, why)
            for rid, why in sorted(found.items())
            if self._counts(rid, own, as_of)
        ]


def _family_keys(row: Row) -> set[str]:
    """The consonant skeletons of the family-name tokens (of the whole name if no family
    name is given): where a person with no birth date is looked for."""
    name = loose_name(row)
    return {skeleton(t) for i, t in enumerate(name.tokens) if name.roles[i] != "g"} - {""}


@dataclass
class Sweep:
    """What one assessment run needs: the citizenship index, the identities of the records
    that could match it, and the open identity reviews by record."""

    index: CitizenIndex
    identities: dict[str, Row]
    reviews: dict[str, set[str]]  # record id → the records of the open reviews touching it

    def citizenship(
        self, record_ids: Iterable[str], as_of: dt.date, births: Iterable[str] | None = None
    ) -> list[Candidate]:
        """The candidates for a person with these records (``births``: the birth dates all
        their records give; by default those of the records the sweep loaded)."""
        ids = set(record_ids)
        mine = [self.identities[i] for i in ids if i in self.identities]
        return self.index.candidates(mine, ids, as_of, births) if mine else []

    def open_reviews(self, record_ids: Iterable[str]) -> tuple[str, ...]:
        """The records of the open identity reviews touching any of these records."""
        out: set[str] = set()
        for rid in record_ids:
            out |= self.reviews.get(rid, set())
        return tuple(sorted(out))


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _identities(conn: Connection, column: str, values: Iterable[str]) -> dict[str, Row]:
    wanted = sorted(set(values))
    query = text(f"SELECT {IDENTITY} FROM records WHERE {column} IN :v").bindparams(
        bindparam("v", expanding=True)
    )
    out: dict[str, Row] = {}
    for chunk in _chunks(wanted):
        out.update((r.id, dict(r._mapping)) for r in conn.execute(query, {"v": chunk}))
    return out


def _near(conn: Connection, dates: list[str], numbers: list[str]) -> dict[str, Row]:
    """The records with one of these birth dates or A-numbers (one scan per chunk)."""
    query = text(
        f"SELECT {IDENTITY} FROM records WHERE birth_date IN :d OR a_number IN :n"
    ).bindparams(
        bindparam("d", expanding=True, type_=String()),
        bindparam("n", expanding=True, type_=String()),
    )
    out: dict[str, Row] = {}
    none: list[str] = []
    for d, n in zip_longest(_chunks(dates), _chunks(numbers), fillvalue=none):
        out.update((r.id, dict(r._mapping)) for r in conn.execute(query, {"d": d, "n": n}))
    return out


def _reviews(conn: Connection, record_ids: list[str] | None = None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in open_review_rows(conn, record_ids):
        pair = {str(r["record_l"]), str(r["record_r"])}
        for rid in pair:
            out.setdefault(rid, set()).update(pair)
    return out


def load_sweep(conn: Connection, rows: list[Row] | None = None) -> Sweep:
    """The sweep for an assessment run: over the whole store, or over the records ``rows``
    (``id``, ``person_id``, ``birth_date`` as corrected) of a few persons (the real-time path
    and a decision's re-read), whose index then holds only the citizenship records that could
    be theirs (``NearKeys``): its cost follows the persons, not the store."""
    if rows is None:
        index = CitizenIndex.load(conn)
        found = _near(conn, sorted(index.by_date), sorted(index.by_number))
        found.update(_loosely_dated(conn, index))
        return Sweep(index, found, _reviews(conn))
    ids = [str(r["id"]) for r in rows]
    found = _identities(conn, "id", ids)
    index = CitizenIndex.load(conn, NearKeys.of(rows, found))
    return Sweep(index, found if index.rows else {}, _reviews(conn, ids))


UNDATED_SQL = f"SELECT {IDENTITY} FROM records WHERE birth_date IS NULL OR length(birth_date) < 10"
FAMILY_SQL = f"SELECT {IDENTITY} FROM records WHERE lower(family_name) IN :f"
YEAR_SQL = f"SELECT {IDENTITY} FROM records WHERE substr(birth_date, 1, 4) IN :y"


def _loosely_dated(conn: Connection, index: CitizenIndex) -> dict[str, Row]:
    """For the batch path, the records a date-keyed look-up misses: those whose own birth
    date is partial or missing; the records born in the years of citizenship records with a
    partial birth date; and, for citizenship records with none, the records with their family
    names."""
    if not index.rows:
        return {}
    out = {r.id: dict(r._mapping) for r in conn.execute(text(UNDATED_SQL))}
    undated = [index.rows[i] for ids in index.undated.values() for i in ids]
    years = sorted({str(r["birth_date"])[:4] for r in undated if r["birth_date"]})
    families = sorted({str(r["family_name"]).lower() for r in undated
                       if not r["birth_date"] and r["family_name"]})  # fmt: skip
    for sql, key, values in ((YEAR_SQL, "y", years), (FAMILY_SQL, "f", families)):
        query = text(sql).bindparams(bindparam(key, expanding=True, type_=String()))
        for chunk in _chunks(values):
            out.update((r.id, dict(r._mapping)) for r in conn.execute(query, {key: chunk}))
    return out


CURRENT_SQL = (
    "SELECT DISTINCT l.person_id FROM links l WHERE l.record_id IN :ids AND l.id = "
    "(SELECT max(x.id) FROM links x WHERE x.record_id = l.record_id)"
)


def _persons_of(conn: Connection, record_ids: list[str]) -> set[str]:
    query = text(CURRENT_SQL).bindparams(bindparam("ids", expanding=True, type_=String()))
    return set(conn.execute(query, {"ids": record_ids}).scalars()) if record_ids else set()


def persons_concerned(conn: Connection, record_ids: list[str]) -> list[str]:
    """The persons, other than their own, that citizenship evidence among ``record_ids``
    could belong to: whom to re-assess when such a record arrives (the real-time pipeline
    otherwise re-assesses only the person the new record was linked to)."""
    query = text(f"SELECT {IDENTITY} FROM records WHERE id IN :ids AND ({CITIZENSHIP})")
    query = query.bindparams(bindparam("ids", expanding=True, type_=String()))
    index = CitizenIndex()
    for r in conn.execute(query, {"ids": record_ids}) if record_ids else ():
        index.add(dict(r._mapping))
    if not index.rows:
        return []
    near = _near(conn, sorted(index.by_date), sorted(index.by_number))
    near.update(_loosely_dated(conn, index))
    hits = [i for i, r in near.items() if index.candidates([r], set(), dt.date.max)]
    return sorted(_persons_of(conn, hits) - _persons_of(conn, record_ids))
