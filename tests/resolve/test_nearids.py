"""Identifiers and postcodes one keystroke apart: the level *one character off*, agreed by the
batch and real-time paths, and the blocking keys that make such records candidate pairs."""

from __future__ import annotations

import random

import polars as pl
import pytest
from rapidfuzz.distance import OSA

from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.compare import COMPARISONS, MISSING, compare_one, compare_pairs
from sojourn.resolve.features import SOURCE_COLUMNS, features
from sojourn.resolve.model import identified
from sojourn.resolve.nearids import MIN_NEAR, NEAR, SAME, level, near, near_keys
from sojourn.resolve.rowfeatures import feature_row


def test_level_names() -> None:
    assert COMPARISONS["other_id"] == ("different", "one character off", "same")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("ssn:123456789", "ssn:123456789", SAME),
        ("ssn:123456789", "ssn:123456788", NEAR),  # one digit mistyped
        ("ssn:123456789", "ssn:123457689", NEAR),  # two adjacent digits swapped
        ("x:4137787", "x:413787", NEAR),  # one dropped
        ("ssn:123456789", "ssn:123456700", 0),  # two digits off: someone else's
        ("ssn:123456789", "ssn:987654321", 0),
        ("x:M1234", "y:M1235", MISSING),  # no type in common
        ("x:M123", "x:M124", 0),  # too short to be one character off
    ],
)
def test_level(a: str, b: str, expected: int) -> None:
    assert level([a], [b]) == expected
    assert level([b], [a]) == expected


def test_missing_on_one_side() -> None:
    assert level([], ["ssn:123456789"]) == MISSING


def _random_id(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(MIN_NEAR, 9)))


def _edit(rng: random.Random, value: str) -> str:
    i = rng.randrange(len(value) - 1)
    kind = rng.choice(("swap", "sub", "drop", "add"))
    if kind == "swap":
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    if kind == "sub":
        return value[:i] + str((int(value[i]) + 1) % 10) + value[i + 1 :]
    if kind == "drop":
        return value[:i] + value[i + 1 :]
    return value[:i] + "7" + value[i:]


def test_one_edit_apart_always_share_a_blocking_key() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        value = _random_id(rng)
        other = _edit(rng, value)
        close = OSA.distance(value, other) == 1 and len(other) >= MIN_NEAR
        shared = set(near_keys([f"t:{value}"]) or ()) & set(near_keys([f"t:{other}"]) or ())
        assert not close or shared, (value, other)
        assert near(f"t:{value}", f"t:{other}") == close


def _frame(ssns: list[str | None], generic: list[str | None]) -> pl.DataFrame:
    n = len(ssns)
    frame = pl.DataFrame(
        {c: [None] * n for c in SOURCE_COLUMNS}, schema=dict.fromkeys(SOURCE_COLUMNS, pl.Utf8)
    )
    return frame.with_columns(
        pl.Series("id", [f"r{i:04d}" for i in range(n)]),
        pl.Series("given_name", [f"name{i}" for i in range(n)]),
        pl.Series("ssn", ssns, dtype=pl.Utf8),
        pl.Series("identifiers", generic, dtype=pl.Utf8),
    )


def test_batch_and_row_paths_agree() -> None:
    rng = random.Random(3)
    base = ["123456789", "123456798", "123456780", "555123456"]
    ssns = [rng.choice([None, *base]) for _ in range(300)]
    choices = [None, '{"m": "4137787"}', '{"m": "4137877"}', '{"k": "1"}']
    generic = [rng.choice(choices) for _ in ssns]
    frame = _frame(ssns, generic)
    feats = features(frame)
    rows = {str(r["id"]): feature_row(r) for r in frame.to_dicts()}
    assert feats.to_dicts() == list(rows.values())
    ids = feats["id"].to_list()
    pairs = pl.DataFrame({"id_l": ids[:-1], "id_r": ids[1:]})
    vectors = compare_pairs(pairs, feats)
    for left, right, found in vectors.select("id_l", "id_r", "other_id").iter_rows():
        assert compare_one(rows[left], rows[right])["other_id"] == found
    assert set(vectors["other_id"].to_list()) == {MISSING, 0, NEAR, SAME}


def test_records_with_a_mistyped_identifier_are_candidates() -> None:
    # Different names, no birth date: only the identifier one character off brings them together.
    feats = features(_frame(["123-45-6789", "123-45-6798", "987-65-4321"], [None, None, None]))
    pairs = candidate_pairs(feats).pairs
    found = {(a, b): rules for a, b, rules in pairs.iter_rows()}
    assert ("r0000", "r0001") in found and "identifier_near" in found[("r0000", "r0001")]
    assert ("r0000", "r0002") not in found


def test_one_character_off_is_evidence_of_identity() -> None:
    vector = dict.fromkeys(COMPARISONS, MISSING) | {"other_id": NEAR, "name": 1}
    assert identified(vector)
    assert not identified(vector | {"other_id": 0})


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("6076", "0676", NEAR),  # two digits swapped
        ("2316", "2317", NEAR),  # one mistyped
        ("2316", "2361", NEAR),
        ("2316", "3216", NEAR),
        ("2316", "2316", SAME),
        ("2316", "3261", 0),  # two edits
        ("2316", "231", 0),  # a digit dropped is another code's length: different
        ("2316", None, MISSING),
    ],
)
def test_postcode_one_character_off(a: str, b: str | None, expected: int) -> None:
    frame = pl.DataFrame(
        {c: [None, None] for c in SOURCE_COLUMNS}, schema=dict.fromkeys(SOURCE_COLUMNS, pl.Utf8)
    ).with_columns(
        pl.Series("id", ["x", "y"]),
        pl.Series("given_name", ["ana", "ben"]),
        pl.Series("postcode", [a, b], dtype=pl.Utf8),
    )
    feats = features(frame)
    rows = {str(r["id"]): r for r in feats.to_dicts()}
    batch = compare_pairs(pl.DataFrame({"id_l": ["x"], "id_r": ["y"]}), feats)["postcode"][0]
    assert batch == compare_one(rows["x"], rows["y"])["postcode"] == expected
    assert COMPARISONS["postcode"] == ("different", "one character off", "same")
