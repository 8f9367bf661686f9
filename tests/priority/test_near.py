"""The few-persons sweep indexes only the citizenship records that could be theirs
(``priority.near``), and finds exactly what the index of every citizenship record finds:
persons whose own birth date is whole, partial or missing, with another record giving it,
against citizenship evidence with each kind of loose agreement, among evidence of other
people. Checked over every combination, on SQLite and PostgreSQL."""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest
from sqlalchemy import Engine, bindparam, text

from sojourn.priority.run import FEW_SQL
from sojourn.priority.sweep import CitizenIndex, Sweep, load_sweep
from tests.priority.planted import AS_OF, COURT, PERSON, add_record, naturalization
from tests.priority.test_sweep import NOT_HERS, PLANTED

#: The person's own records: what their birth date is, record by record.
BIRTHS: dict[str, list[str | None]] = {
    "whole": ["1984-03-07"],
    "year only": ["1984"],
    "year and month": ["1984-03"],
    "none": [None],
    "none, then whole on another record": [None, "1984-03-07"],
    "year, then a day off on another record": ["1984", "1984-03-08"],
}


def _person(engine: Engine, births: list[str | None]) -> None:
    for n, birth in enumerate(births):
        identity = {**PERSON, "birth_date": birth, "a_number": None if n else PERSON["a_number"]}
        add_record(engine, f"court-{n}", "court", COURT, identity, "P-maria", "single", None)


def _candidates(engine: Engine, everything: bool) -> dict[str, list[str]]:
    with engine.connect() as conn:
        query = text(FEW_SQL).bindparams(bindparam("ids", expanding=True))
        rows = [dict(r._mapping) for r in conn.execute(query, {"ids": ["P-maria"]})]
        sweep = load_sweep(conn, rows)
        if everything:  # the same sweep over the index of every citizenship record
            sweep = Sweep(CitizenIndex.load(conn), sweep.identities, sweep.reviews)
    ids = [str(r["id"]) for r in rows]
    dates = {str(r["birth_date"]) for r in rows if r["birth_date"]}
    return {"P-maria": [c.record_id for c in sweep.citizenship(ids, AS_OF, dates)]}


def _evidence(engine: Engine, which: str) -> None:
    for n, (name, identity) in enumerate(sorted({**PLANTED, **NOT_HERS}.items())):
        if which == "all" or which == name:
            naturalization(engine, _as(identity), f"P-citizen-{n}")


def _as(identity: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in identity.items() if k != "nationality"}


@pytest.mark.parametrize("births", sorted(BIRTHS))
def test_the_near_index_finds_what_the_whole_index_finds(engine: Engine, births: str) -> None:
    _person(engine, BIRTHS[births])
    _evidence(engine, "all")
    near, whole = _candidates(engine, False), _candidates(engine, True)
    assert near == whole and whole["P-maria"]  # the sweep found something to compare


def test_each_piece_of_evidence_alone(engine: Engine) -> None:
    for births, name in product(["whole", "none", "year only"], sorted(PLANTED)):
        with engine.begin() as conn:
            for table in ("links", "records"):
                conn.exec_driver_sql(f"DELETE FROM {table}")
        _person(engine, BIRTHS[births])
        _evidence(engine, name)
        assert _candidates(engine, False) == _candidates(engine, True), (births, name)


def test_the_near_index_leaves_out_who_cannot_be_theirs(engine: Engine) -> None:
    _person(engine, BIRTHS["whole"])
    _evidence(engine, "all")
    with engine.connect() as conn:
        query = text(FEW_SQL).bindparams(bindparam("ids", expanding=True))
        rows = [dict(r._mapping) for r in conn.execute(query, {"ids": ["P-maria"]})]
        near, whole = load_sweep(conn, rows).index.rows, CitizenIndex.load(conn).rows
    born = {r["birth_date"] for r in near.values()}
    assert set(near) < set(whole) and "1990-11-23" not in born and "1948-01-01" in born
