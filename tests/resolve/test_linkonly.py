"""Link-only runs (``sojourn resolve --link-only A B``): two lists linked one-to-one, without
deduplicating within either, records of other sources untouched; and FEBRL 4 linked so."""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text

from sojourn.records import ingest_file, load_mapping
from sojourn.resolve.cluster import Constraints
from sojourn.resolve.identity import Identities, PersonEvent
from sojourn.resolve.linkonly import LinkOnly, UnknownSourceError
from sojourn.resolve.run import resolve_all
from sojourn.resolve.store import LINK_SCHEMA, current_links
from tests.resolve.febrl import write_febrl4
from tests.resolve.test_any_data import FAMILY, GIVEN

MAPPING = """source: {source}
kind: address
record_id: ref
fields:
  given_name: first
  family_name: last
  birth_date: dob
  address: street
  postcode: zip
  effective_on: {{value: "2024-01-01"}}
"""
#: Persons 0-149 are on list alpha, 50-199 on beta, 0-49 and 60 on gamma.
ALPHA, BETA, GAMMA = range(150), range(50, 200), [*range(50), 60]


def _people() -> list[dict[str, str]]:
    rng = random.Random(11)
    return [
        {
            "first": rng.choice(GIVEN),
            "last": rng.choice(FAMILY),
            "dob": f"{rng.randint(1950, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "street": f"{rng.randint(1, 999)} {rng.choice(['Oak', 'Elm', 'Main', 'Lake'])} St",
            "zip": f"{rng.randint(20000, 99999)}",
        }
        for _ in range(200)
    ]


def _write(directory: Path, source: str, rows: list[dict[str, str]]) -> tuple[Path, Path]:
    data, mapping = directory / f"{source}.csv", directory / f"{source}.yaml"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["ref", "first", "last", "dob", "street", "zip"])
        writer.writeheader()
        writer.writerows(rows)
    mapping.write_text(MAPPING.format(source=source), encoding="utf-8")
    return data, mapping


def write_lists(directory: Path) -> list[tuple[Path, Path]]:
    """alpha (with A0x, a typo'd duplicate of A0), beta (with B60x, an exact duplicate of
    B60) and gamma; record refs carry the person number."""
    people = _people()
    alpha = [dict(people[i], ref=f"A{i}") for i in ALPHA]
    alpha.append(dict(people[0], ref="A0x", first=people[0]["first"][:-1]))
    beta = [dict(people[i], ref=f"B{i}") for i in BETA] + [dict(people[60], ref="B60x")]
    gamma = [dict(people[i], ref=f"G{i}") for i in GAMMA]
    return [
        _write(directory, name, rows)
        for name, rows in (("alpha", alpha), ("beta", beta), ("gamma", gamma))
    ]


def _ingest(engine: Engine, files: list[tuple[Path, Path]]) -> None:
    for data, mapping in files:
        assert ingest_file(engine, data, load_mapping(mapping)).quarantined == 0


SOURCES = pl.DataFrame(
    {"id": ["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "b5"],
     "source": ["A"] * 5 + ["B"] * 5}
)  # fmt: skip


def test_candidate_pairs_join_the_two_lists_only() -> None:
    pairs = pl.DataFrame({"id_l": ["a1", "a1", "b1"], "id_r": ["a2", "b1", "b2"]})
    kept = LinkOnly("A", "B").candidates(pairs, SOURCES)
    assert kept.rows() == [("a1", "b1")]


def test_accepted_pairs_are_kept_one_to_one_strongest_first() -> None:
    scored = pl.DataFrame(
        [("a1", "b2", 0.99), ("a1", "b1", 0.99), ("a2", "b2", 0.95), ("a3", "b1", 0.97),
         ("a3", "b2", 0.6), ("a4", "b3", 0.6), ("a5", "b4", 0.99), ("a5", "b5", 0.9),
         ("a4", "b1", 0.1)],
        schema={"id_l": pl.Utf8, "id_r": pl.Utf8, "match_probability": pl.Float64},
        orient="row",
    )  # fmt: skip
    judged = Constraints(different=(("a5", "b4"),))
    kept = LinkOnly("A", "B").pairs(scored, SOURCES, judged, accept=0.9)
    assert set(kept.select("id_l", "id_r").rows()) == {
        ("a1", "b1"),  # a tie with a1-b2: the lower record ids win
        ("a2", "b2"),  # b2 was still free
        ("a5", "b5"),  # a5-b4 was judged different
        ("a4", "b3"),  # a lower pair between two persons that could still be joined
    }  # a3-b1, a3-b2 and a4-b1 are left out: b1 and b2 are taken


def test_a_judged_same_person_takes_no_other_record_of_its_lists() -> None:
    scored = pl.DataFrame(
        [("a1", "b1", 0.99), ("a2", "b1", 0.98), ("a3", "b2", 0.97)],
        schema={"id_l": pl.Utf8, "id_r": pl.Utf8, "match_probability": pl.Float64},
        orient="row",
    )
    judged = Constraints(same=(("a1", "a2", 1), ("a3", "b3", 2)))
    kept = LinkOnly("A", "B").pairs(scored, SOURCES, judged, accept=0.9)
    # a2-b1 stays, inside the one person; a3-b2 is left out: a3's person holds b3 already
    assert kept.select("id_l", "id_r").rows() == [("a1", "b1"), ("a2", "b1")]


def test_a_person_with_records_outside_the_run_is_not_said_to_be_merged() -> None:
    events = (PersonEvent("merged", "Q", "P", 1), PersonEvent("merged", "R", "P", 1))
    identities = Identities({"a1": "P"}, (), events)
    old = pl.DataFrame(
        [("b1", "Q"), ("g1", "Q"), ("b2", "R")], schema=["record_id", "person_id"], orient="row"
    ).with_columns(pl.lit(None).alias(c) for c in list(LINK_SCHEMA)[2:])
    fixed = LinkOnly("A", "B").identities(identities, old, pl.Series(["a1", "b1", "b2"]))
    assert fixed.events == (PersonEvent("moved", "P", "Q", 1), events[1])


def _persons(engine: Engine) -> pl.DataFrame:
    """source, ref (source record id), person_id: every linked record."""
    with engine.connect() as conn:
        query = "SELECT id, source, source_record_id AS ref FROM records"
        stored = pl.read_database(query, conn)
        links = current_links(conn)
    return stored.join(links, left_on="id", right_on="record_id").select(
        "source", "ref", "person_id"
    )


def _gamma_links(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        query = (
            "SELECT l.* FROM links l JOIN records r ON r.id = l.record_id "
            "WHERE r.source = 'gamma' ORDER BY l.id"
        )
        return pl.read_database(query, conn)


def test_link_only_links_across_one_to_one_and_leaves_the_rest(
    engine: Engine, tmp_path: Path
) -> None:
    _ingest(engine, write_lists(tmp_path))
    resolve_all(engine)  # a batch run first: it deduplicates, and links gamma too
    before = _persons(engine)
    person = dict(zip(before["ref"], before["person_id"], strict=True))
    assert person["A0"] == person["A0x"] == person["G0"] and person["B60"] == person["B60x"]
    gamma_before = _gamma_links(engine)

    summary = resolve_all(engine, scope=LinkOnly("alpha", "beta"))

    after = _persons(engine)
    person = dict(zip(after["ref"], after["person_id"], strict=True))
    assert summary.records == len(ALPHA) + len(BETA) + 2
    for i in set(ALPHA) & set(BETA):  # the same people across the lists
        assert person[f"A{i}"] == person[f"B{i}"], i
    assert person["A0"] != person["A0x"]  # within-list duplicates stay apart
    assert person["B60"] != person["B60x"]
    assert (person["A60"] == person["B60"]) != (person["A60"] == person["B60x"])
    per_person = after.filter(pl.col("source") != "gamma").group_by("person_id", "source").len()
    assert per_person["len"].max() == 1  # one-to-one: at most one record of each list
    crossing = after.filter(pl.col("source") != "gamma").group_by("person_id").len()
    assert crossing.filter(pl.col("len") == 2).height == len(set(ALPHA) & set(BETA))
    assert summary.counts["cross_links"] == len(set(ALPHA) & set(BETA))
    assert summary.counts["records of alpha linked"] == len(set(ALPHA) & set(BETA))
    assert summary.counts["records of beta linked"] == len(set(ALPHA) & set(BETA))
    assert summary.counts["accepted pairs left out (one-to-one)"] >= 1  # A60 with B60x
    assert _gamma_links(engine).equals(gamma_before)  # gamma's links untouched
    with engine.connect() as conn:
        run = conn.execute(
            text("SELECT kind, model_version FROM resolve_runs WHERE id = :id"),
            {"id": summary.run_id},
        ).one()
        retired = conn.execute(
            text("SELECT person_id FROM person_events WHERE run_id = :id AND action = 'merged'"),
            {"id": summary.run_id},
        ).scalars()
        assert not set(retired) & set(gamma_before["person_id"])  # gamma's persons live on
    assert (run.kind, run.model_version) == ("link_only", summary.model_version)


def test_link_only_trains_on_the_two_lists_and_never_pairs_within_one(
    engine: Engine, tmp_path: Path
) -> None:
    _ingest(engine, write_lists(tmp_path))
    summary = resolve_all(engine, scope=LinkOnly("beta", "alpha"))
    assert summary.trained
    linked = _persons(engine)
    assert set(linked["source"]) == {"alpha", "beta"}  # gamma not even linked alone
    person = dict(zip(linked["ref"], linked["person_id"], strict=True))
    assert person["A0"] != person["A0x"] and person["B60"] != person["B60x"]
    assert summary.counts["cross_links"] == len(set(ALPHA) & set(BETA))


def test_an_unknown_or_empty_source_is_refused(engine: Engine, tmp_path: Path) -> None:
    _ingest(engine, write_lists(tmp_path)[:2])
    with pytest.raises(UnknownSourceError) as refused:
        resolve_all(engine, scope=LinkOnly("alpha", "gamma"))
    assert "'gamma'" in str(refused.value) and "alpha, beta" in str(refused.value)
    with pytest.raises(UnknownSourceError, match="two different sources"):
        resolve_all(engine, scope=LinkOnly("alpha", "alpha"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM resolve_runs")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM links")).scalar() == 0


def _sojourn(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sojourn.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)


def test_the_command_links_two_lists_and_refuses_an_unknown_source(tmp_path: Path) -> None:
    for data, mapping in write_lists(tmp_path)[:2]:
        assert _sojourn("ingest", str(data), "--mapping", str(mapping)).returncode == 0
    unknown = _sojourn("resolve", "--link-only", "alpha", "nope")
    assert unknown.returncode == 1, unknown.stderr
    assert "'nope'" in unknown.stderr and "alpha, beta" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    done = _sojourn("resolve", "--link-only", "alpha", "beta")
    assert done.returncode == 0, done.stderr
    shown = " ".join(done.stdout.split())
    assert f"cross links │ {len(set(ALPHA) & set(BETA))}" in shown, done.stdout
    assert "records of alpha linked" in shown and "records of beta linked" in shown


def cross_scores(engine: Engine, truth: Path, a: str, b: str) -> dict[str, float]:
    """Precision, recall and F1 over the pairs of one record of ``a`` and one of ``b``."""
    labels = pl.read_csv(truth / "records.csv", infer_schema=False).rename(
        {"source_record_id": "ref", "person_id": "true"}
    )
    found = _persons(engine).join(labels, on=["source", "ref"])

    def pairs(by: str) -> set[tuple[str, str]]:
        left = found.filter(pl.col("source") == a).select("ref", by)
        right = found.filter(pl.col("source") == b).select("ref", by)
        return set(left.join(right, on=by).select("ref", "ref_right").iter_rows())

    linked, true = pairs("person_id"), pairs("true")
    hits = len(linked & true)
    precision, recall = hits / max(len(linked), 1), hits / max(len(true), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return {"precision": precision, "recall": recall, "f1": f1, "links": len(linked)}


@pytest.mark.slow
def test_febrl4_link_only(engine: Engine, tmp_path: Path) -> None:
    for data, mapping in write_febrl4(tmp_path):
        ingest_file(engine, data, load_mapping(mapping))
    summary = resolve_all(engine, scope=LinkOnly("febrl-a", "febrl-b"))
    scores = cross_scores(engine, tmp_path / "truth", "febrl-a", "febrl-b")
    print(f"FEBRL 4 link-only: {scores}; {summary.counts}")
    assert scores["f1"] >= 0.95, scores
    assert summary.counts["cross_links"] == scores["links"]
