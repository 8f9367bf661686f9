"""The search index after a judgement: updated in place (not built again), the merged person
found by a search after ``same``, the two apart again after ``different``; the same persons
as an index built from scratch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sojourn.records import ingest_file, plan
from sojourn.resolve.judgements import judge
from sojourn.resolve.realtime import Index
from sojourn.resolve.run import resolve_all, resolve_records
from sojourn.resolve.search import IndexCache, search
from sojourn.resolve.serving import load_index
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    out = tmp_path_factory.mktemp("inplace")
    generate(300, 5, dt.date(2025, 9, 30), out / "synth")
    made = make_engine(f"sqlite:///{out / 'db.sqlite'}")
    upgrade(made)
    for item in plan([out / "synth"], None):
        ingest_file(made, item.path, item.mapping)
    resolve_all(made)
    return made


def _two_persons(engine: Engine) -> tuple[tuple[str, str, str], str]:
    """A record with a name and a birth date (id, name, birth date), and a record of another
    person that a search by that name does not find."""
    query = (
        "SELECT r.id, r.given_name || ' ' || r.family_name, r.birth_date FROM records r "
        "WHERE length(r.birth_date) = 10 AND r.given_name IS NOT NULL ORDER BY r.id LIMIT 2"
    )
    with engine.connect() as conn:
        first, second = conn.execute(text(query)).all()
    return (str(first[0]), str(first[1]), str(first[2])), str(second[0])


def _same_persons(cached: Index, fresh: Index) -> None:
    ids = list(fresh._ids)
    assert len(cached) == len(fresh)
    assert {r: cached.person_of(r) for r in ids} == {r: fresh.person_of(r) for r in ids}


def test_a_judgement_moves_persons_in_the_index_in_place(engine: Engine) -> None:
    cache = IndexCache(engine)
    index = cache.get()
    (record, name, born), other = _two_persons(engine)
    assert index.person_of(record) != index.person_of(other)
    assert index.person_of(other) not in {h.person_id for h in search(index, name, born)}

    judge(engine, record, other, "same", "tester", "same passport, typo in the name")
    resolve_records(engine, [record, other])
    assert cache.get() is index  # not built again
    merged = index.person_of(record)
    assert index.person_of(other) == merged
    assert search(index, name, born)[0].person_id == merged
    _same_persons(index, load_index(engine))

    judge(engine, record, other, "different", "tester", "different fathers' names")
    resolve_records(engine, [record, other])
    assert cache.get() is index
    assert index.person_of(record) != index.person_of(other)
    assert index.person_of(other) not in {h.person_id for h in search(index, name, born)}
    _same_persons(index, load_index(engine))


def test_records_linked_after_the_load_are_added(tmp_path: Path) -> None:
    generate(150, 6, dt.date(2025, 9, 30), tmp_path / "synth")
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    files = plan([tmp_path / "synth"], None)
    ingest_file(engine, files[0].path, files[0].mapping)  # arrivals first
    resolve_all(engine)
    cache = IndexCache(engine)
    index = cache.get()
    ingest_file(engine, files[1].path, files[1].mapping)  # then departures
    with engine.connect() as conn:
        query = "SELECT id FROM records WHERE id NOT IN (SELECT record_id FROM links)"
        new = [str(r) for r in conn.execute(text(query)).scalars()]
    assert new and not any(r in index for r in new)
    resolve_records(engine, new, kind="realtime")
    assert cache.get() is index
    assert all(r in index for r in new)
    _same_persons(index, load_index(engine))
