"""Generic identifiers (a mapping's ``identifiers:`` of types other than the known ones) in
matching: a feature column of ``type:VALUE`` texts, part of the ``other_id`` comparison in
both the batch and the real-time path, and a blocking rule."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from sojourn.records import ingest_file, load_mapping
from sojourn.resolve.blocking import RULES, candidate_pairs
from sojourn.resolve.compare import MISSING, compare_one, compare_pairs
from sojourn.resolve.features import features
from sojourn.resolve.nearids import level as generic_level
from sojourn.resolve.rowfeatures import feature_row
from sojourn.resolve.run import resolve_all
from sojourn.store import make_engine, upgrade
from tests.conftest import sqlite_url
from tests.factory import person_by_key, write_csv

RECORDS: list[dict[str, str | None]] = [
    {"id": "a", "family_name": "Kim", "identifiers": '{"member_no": "M1", "nhs": "9"}'},
    {"id": "b", "family_name": "Lee", "identifiers": '{"member_no": "M1"}'},
    {"id": "c", "family_name": "Roe", "identifiers": '{"member_no": "M2"}'},
    {"id": "d", "family_name": "Doe", "identifiers": '{"badge": "M1"}'},
    {"id": "e", "family_name": "Poe", "identifiers": None, "ssn": "123-45-6789"},
    {"id": "f", "family_name": "Moe", "identifiers": '{"member_no": "M2"}', "ssn": "123456789"},
]


def _frame() -> pl.DataFrame:
    return pl.DataFrame(RECORDS, schema=dict.fromkeys(RECORDS[0] | RECORDS[4], pl.Utf8))


def test_levels_by_hand() -> None:
    assert generic_level(["member_no:M1"], ["member_no:M1", "nhs:9"]) == 2
    assert generic_level(["member_no:M1"], ["member_no:M2"]) == 0  # same type, other value
    assert generic_level(["member_no:M1"], ["badge:M1"]) == MISSING  # no type in common
    assert generic_level([], ["badge:M1"]) == MISSING


def test_batch_and_row_paths_agree() -> None:
    batch = features(_frame())
    assert batch.filter(pl.col("id") == "a")["identifiers"].to_list() == [["member_no:M1", "nhs:9"]]
    rows = {str(r["id"]): feature_row(r) for r in RECORDS}
    ids = list(rows)
    assert batch.to_dicts() == list(rows.values())
    pairs = pl.DataFrame(
        [(x, y) for i, x in enumerate(ids) for y in ids[i + 1 :]], schema=["id_l", "id_r"],
        orient="row",
    )  # fmt: skip
    vectors = compare_pairs(pairs, batch)
    levels = {(r["id_l"], r["id_r"]): r["other_id"] for r in vectors.to_dicts()}
    for (x, y), level in levels.items():
        assert compare_one(rows[x], rows[y])["other_id"] == level, (x, y)
    assert levels[("a", "b")] == 2 and levels[("b", "c")] == 0 and levels[("a", "d")] == MISSING
    assert levels[("e", "f")] == 2  # the SSN agrees: a differing generic id does not outvote it


def test_a_shared_generic_identifier_is_a_candidate_pair() -> None:
    blocked = candidate_pairs(features(_frame()), RULES)
    found = {(r["id_l"], r["id_r"]): r["rules"] for r in blocked.pairs.to_dicts()}
    assert "identifier" in found[("a", "b")] and "identifier" in found[("c", "f")]
    assert ("a", "d") not in found  # the same value under another type is no key
    placeholder = [{"id": f"p{i}", "family_name": f"N{i}", "identifiers": '{"x": "0"}'}
                   for i in range(51)]  # fmt: skip
    many = pl.DataFrame(placeholder, schema=dict.fromkeys(placeholder[0], pl.Utf8))
    suppressed = candidate_pairs(features(many), RULES).suppressed
    assert suppressed.filter(pl.col("rule") == "identifier")["key"].to_list() == ["x:0"]


MAPPING = """
source: {source}
kind: person
record_id: ref
fields:
  given_name: first
  family_name: last
  birth_date: dob
{identifiers}
"""
GIVEN = ["Anna", "James", "Maria", "Wei", "Olga", "Ahmed", "Lucia", "Kenji", "Grace", "Ivan"]
FAMILY = ["Smith", "Novak", "Okafor", "Tanaka", "Silva", "Kowalski", "Nguyen", "Haddad",
          "Petrov", "Murphy", "Costa", "Schmidt", "Kim", "Mensah", "Rossi", "Dubois"]  # fmt: skip


def _linked(engine: Engine, directory: Path, with_ids: bool) -> tuple[int, int]:
    """Two person lists of one population; list B renames 20 of its 100 persons entirely
    (another given and family name, the same birth date and member number, written
    differently). How many of the renamed, and of the others, link to their list-A record."""
    rng = random.Random(3)
    people = [
        (rng.choice(GIVEN), rng.choice(FAMILY),
         f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        for _ in range(300)
    ]  # fmt: skip
    lists = {
        "a": [[f"A{i}", g, f, dob, f"m-{i:05d}"] for i, (g, f, dob) in enumerate(people)],
        "b": [
            [f"B{i}", *(_other(rng, g, f) if i < 20 else (g, f)), dob, f"M {i:05d}"]
            for i, (g, f, dob) in enumerate(people[:100])
        ],
    }
    identifiers = "identifiers:\n  member_no: member\n" if with_ids else ""
    for source, rows in lists.items():
        mapping = directory / f"{source}.yaml"
        mapping.write_text(MAPPING.format(source=source, identifiers=identifiers), "utf-8")
        data = write_csv(
            directory / f"{source}.csv", ["ref", "first", "last", "dob", "member"], rows
        )
        ingest_file(engine, data, load_mapping(mapping))
    resolve_all(engine)
    person = person_by_key(engine)
    renamed = sum(person[f"A{i}"] == person[f"B{i}"] for i in range(20))
    return renamed, sum(person[f"A{i}"] == person[f"B{i}"] for i in range(20, 100))


def _other(rng: random.Random, given: str, family: str) -> tuple[str, str]:
    return rng.choice([g for g in GIVEN if g != given]), rng.choice(
        [f for f in FAMILY if f != family]
    )


def test_an_unknown_identifier_type_links_two_records(engine: Engine, tmp_path: Path) -> None:
    assert _linked(engine, tmp_path, with_ids=True) == (20, 80)
    (tmp_path / "without").mkdir()
    control = make_engine(sqlite_url(tmp_path / "without"))
    upgrade(control)
    assert _linked(control, tmp_path / "without", with_ids=False) == (0, 80)
