"""Person search through the resolution index: by name and birth date (also as the native
script gives the name, and with day and month swapped), and by an identifier of any kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import text

from sojourn.records import ingest_file, plan
from sojourn.resolve.run import resolve_all
from sojourn.resolve.search import IndexCache, search
from sojourn.resolve.serving import load_index
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate


def test_search_finds_the_person_and_says_why(tmp_path: Path) -> None:
    generate(500, 8, dt.date(2025, 9, 30), tmp_path / "synth")
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    for item in plan([tmp_path / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    index = load_index(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT l.person_id, r.given_name, r.family_name, r.birth_date, r.passport_number, "
                "r.a_number FROM links l JOIN records r ON r.id = l.record_id WHERE "
                "length(r.birth_date) = 10 AND r.given_name IS NOT NULL ORDER BY l.id LIMIT 40"
            )
        ).all()
    found = 0
    for row in rows:
        hits = search(index, f"{row.given_name} {row.family_name}", row.birth_date)
        found += bool(hits) and hits[0].person_id == row.person_id
        if hits and hits[0].person_id == row.person_id:
            assert {"name", "birth_date"} <= set(hits[0].matched)
    assert found >= 36
    with_passport = [r for r in rows if r.passport_number]
    assert with_passport
    for row in with_passport[:10]:
        assert row.person_id in [h.person_id for h in search(index, identifier=row.passport_number)]
    row = rows[0]
    year, month, day = row.birth_date.split("-")
    if int(day) <= 12 and day != month:  # a day-month swap still finds the person
        swapped = search(index, f"{row.given_name} {row.family_name}", f"{year}-{day}-{month}")
        assert row.person_id in [h.person_id for h in swapped]
    assert search(index, "Nobody Atall", "1901-01-01") == []
    with engine.connect() as conn:
        native = conn.execute(
            text(
                "SELECT l.person_id, r.name_original, r.birth_date FROM links l JOIN records r ON "
                "r.id = l.record_id WHERE r.name_original IS NOT NULL AND length(r.birth_date) = 10"
            )
        ).all()
    assert len(native) >= 5
    hits = [search(index, r.name_original, r.birth_date)[:1] for r in native]
    same = sum(bool(h) and h[0].person_id == r.person_id for h, r in zip(hits, native, strict=True))
    assert same >= len(native) // 2  # Chinese, Korean, Arabic, Vietnamese; not Japanese kanji


def test_the_cache_is_built_again_only_for_new_thresholds_or_model(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    cache = IndexCache(engine)
    cache.warm().join()  # nothing resolved yet: logged, not raised
    generate(150, 3, dt.date(2025, 9, 30), tmp_path / "synth")
    for item in plan([tmp_path / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    first = cache.get()
    assert cache.get() is first
    resolve_all(engine)  # same model and thresholds: the links are applied in place
    assert cache.get() is first
    resolve_all(engine, accept=0.99, review=0.5)
    assert cache.get() is not first
