"""Persons and records by name: "FAMILY, Given · birth date · nationality", from the best-linked
record the caller may see (its kind's or form's field group allowed) — never from one they may
not see, and only with the identity group: without it a person reads as their id. One query for
every person (or record) a page lists, not one per row."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row, select

from sojourn.access.fields import record_group, visible
from sojourn.records.tables import records
from sojourn.resolve.store import person_record_ids
from sojourn.resolve.tables import links

#: The identity values a label is made of, in order.
PARTS = ("family_name", "given_name", "birth_date", "nationality")
#: Record groups nearly every person has records of (admissions, departures, status): a
#: caller who may see neither has records withheld from almost every person, so a count of
#: them names no kind. A caller who may see both and lacks one group (an officer: asylum; a
#: redress officer: criminal history) would learn from any count that such a record exists.
COMMON = frozenset({"travel_history", "immigration_history"})


@dataclass(frozen=True)
class Label:
    """What a person or record is shown as: ``name`` (None when the caller may see no name),
    ``born``, ``nationality`` and the id, always there as secondary text."""

    id: str
    name: str | None = None
    born: str | None = None
    nationality: str | None = None

    @property
    def details(self) -> str:
        """Birth date and nationality, as far as known: "1980-03-02 · MEX"."""
        return " · ".join(x for x in (self.born, self.nationality) if x)

    @property
    def text(self) -> str:
        """The whole label in one line (the id when no name may be shown)."""
        return " · ".join(x for x in (self.name, self.details) if x) or self.id


def _name(row: Any) -> str | None:
    family, given = row.family_name, row.given_name
    if not family and not given:
        return None
    return ", ".join(x for x in (family, given) if x)


def _label(key: str, row: Any) -> Label:
    born = row.birth_date
    return Label(key, _name(row), str(born) if born else None, row.nationality or None)


def _rank(row: Any) -> tuple[bool, float, int, str]:
    """Best first: a named record, linked with the highest probability (a judgement or a
    person's first record counts as certain), with the most label values, by id."""
    sure = 1.0 if row.match_probability is None else round(float(row.match_probability), 2)
    filled = sum(1 for p in PARTS if getattr(row, p))
    return (_name(row) is not None, sure, filled, row.id)


def _seen(rows: Iterable[Row[Any]], groups: frozenset[str]) -> list[Row[Any]]:
    return [r for r in rows if visible(r.kind, json.loads(r.event), groups)]


COLUMNS = (records.c.id, records.c.kind, records.c.event,
           *(records.c[p] for p in PARTS))  # fmt: skip


def person_labels(
    engine: Engine, person_ids: Sequence[str], groups: frozenset[str]
) -> dict[str, Label]:
    """Each person's label (one query for all): from their best-linked record that the caller
    may see; the id alone without the identity group or with no such record."""
    wanted = sorted(set(person_ids))
    out = {p: Label(p) for p in wanted}
    if "identity" not in groups or not wanted:
        return out
    later = links.alias("later")
    newer = select(later.c.id).where(later.c.record_id == links.c.record_id,
                                     later.c.id > links.c.id).exists()  # fmt: skip
    query = (
        select(links.c.person_id, links.c.match_probability, *COLUMNS)
        .join(records, records.c.id == links.c.record_id)
        .where(links.c.person_id.in_(wanted), ~newer)
    )
    with engine.connect() as conn:
        rows = _seen(conn.execute(query), groups)
    best: dict[str, Any] = {}
    for row in rows:
        held = best.get(row.person_id)
        if held is None or _rank(row) > _rank(held):
            best[row.person_id] = row
    out.update({p: _label(p, row) for p, row in best.items() if _name(row)})
    return out


def record_labels(
    engine: Engine, record_ids: Sequence[str], groups: frozenset[str]
) -> dict[str, Label]:
    """Each record's label (one query for all); the id alone for a record the caller may not
    see or without the identity group."""
    wanted = sorted(set(record_ids))
    out = {r: Label(r) for r in wanted}
    if "identity" not in groups or not wanted:
        return out
    query = select(*COLUMNS).where(records.c.id.in_(wanted))
    with engine.connect() as conn:
        rows = _seen(conn.execute(query), groups)
    out.update({row.id: _label(row.id, row) for row in rows if _name(row)})
    return out


def named_fields(labels: Mapping[str, Label]) -> list[str]:
    """The identity fields a page showed in its labels (for its audit event): none when no
    label had a name."""
    return list(PARTS) if any(lab.name for lab in labels.values()) else []


def counts_withheld(groups: frozenset[str]) -> bool:
    """Whether the caller may be told how many of a person's records are withheld: only when
    withholding is the rule for their role (``COMMON``), never when a count would tell that
    a record of the one group they lack exists (an officer's would name an asylum claim)."""
    return not COMMON & groups


def withheld_count(engine: Engine, person_id: str, groups: frozenset[str]) -> int | None:
    """How many of the person's records are withheld from the caller, or None when they may
    not be told (``counts_withheld``). An asylum-group record is not counted for a caller
    without that group: it is left out unmarked as everywhere else, so the count is what the
    audit log's record ids (asylum ids left out) could tell them anyway."""
    if not counts_withheld(groups):
        return None
    with engine.connect() as conn:
        ids = person_record_ids(conn, person_id)
        found = conn.execute(select(records.c.kind, records.c.event)
                             .where(records.c.id.in_(ids))).all()  # fmt: skip
    kinds = [record_group(k, json.loads(e)) for k, e in found]
    return sum(1 for g in kinds if g not in groups and g != "asylum")
