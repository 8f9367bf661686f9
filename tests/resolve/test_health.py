"""A model that learned nothing stops the run before any link; an explicit flag lets it go
on with a warning; a run never ends with nothing linked and nothing said."""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from sojourn.records import ingest_file, load_mapping
from sojourn.resolve import run
from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.compare import compare_pairs
from sojourn.resolve.features import features
from sojourn.resolve.health import CORE, DegenerateModelError, check
from sojourn.resolve.model import Model
from sojourn.resolve.run import resolve_all, train_model
from sojourn.resolve.store import NoModelError, current_links, load_model
from sojourn.resolve.training import train_on

NAMES_MAP = """source: roster
kind: address
record_id: id
fields:
  given_name: first
  family_name: last
  birth_date: dob
  effective_on: {value: "2024-01-01"}
"""
GIVEN = ["Anna", "James", "Maria", "Wei", "Olga", "Ahmed", "Lucia", "Kenji", "Grace", "Ivan"]
FAMILY = ["Smith", "Novak", "Okafor", "Tanaka", "Silva", "Kowalski", "Nguyen", "Haddad"]


def write_names_only(directory: Path, people: int = 300, twins: int = 40) -> tuple[Path, Path]:
    """A roster with names and birth dates only (``twins`` people twice); (CSV, mapping)."""
    rng = random.Random(3)
    rows = []
    for n in range(people):
        dob = f"{rng.randint(1950, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        rows.append({"id": f"R{n}", "first": rng.choice(GIVEN), "last": rng.choice(FAMILY),
                     "dob": dob})  # fmt: skip
    rows += [dict(rows[n], id=f"R{n}b") for n in range(twins)]
    data, mapping = directory / "roster.csv", directory / "roster.yaml"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["id", "first", "last", "dob"])
        writer.writeheader()
        writer.writerows(rows)
    mapping.write_text(NAMES_MAP, encoding="utf-8")
    return data, mapping


def flat(model: Model) -> Model:
    """``model`` as if it had learned nothing: m = u everywhere, the prior at its floor."""
    return replace(model, m={c: list(u) for c, u in model.u.items()}, prior=1e-12)


@pytest.fixture
def roster(engine: Engine, tmp_path: Path) -> Engine:
    data, mapping = write_names_only(tmp_path)
    assert ingest_file(engine, data, load_mapping(mapping)).quarantined == 0
    return engine


def _links(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return current_links(conn)


def test_a_model_that_learned_nothing_stops_the_run_before_any_link(
    roster: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trained = run.train_on
    monkeypatch.setattr(run, "train_on", lambda *args: flat(trained(*args)))
    with pytest.raises(DegenerateModelError) as refused:
        resolve_all(roster)
    message = str(refused.value)
    assert all(c in message for c in CORE) and "--allow-degenerate-model" in message
    assert "prior" in message and refused.value.health.prior_too_low
    assert _links(roster).is_empty()
    with roster.connect() as conn, pytest.raises(NoModelError):
        load_model(conn)  # a refused model is not saved: the next run trains again
    with pytest.raises(DegenerateModelError):
        train_model(roster)

    summary = resolve_all(roster, allow_degenerate=True)
    assert _links(roster).height == summary.records == 340
    assert any("degenerate" in w for w in summary.warnings)
    assert any("nothing linked" in w for w in summary.warnings)
    with pytest.raises(DegenerateModelError):  # the saved model is checked on every run
        resolve_all(roster)


@pytest.mark.parametrize(("people", "twins"), [(300, 40), (70, 10)])
def test_names_and_birth_dates_only_never_link_nothing_silently(
    engine: Engine, tmp_path: Path, people: int, twins: int
) -> None:
    """A roster, and a small agency's file of 80 records: either the model learns (the twins
    link) or the run is refused with nothing linked; never 0 links and nothing said."""
    data, mapping = write_names_only(tmp_path, people, twins)
    ingest_file(engine, data, load_mapping(mapping))
    try:
        summary = resolve_all(engine)
    except DegenerateModelError as refused:
        assert "name" in str(refused) and _links(engine).is_empty()
        return
    persons = _links(engine).group_by("person_id").len()
    assert persons.filter(pl.col("len") > 1).height >= twins * 0.8 or summary.warnings


def test_the_generated_population_trains_a_healthy_model(generated_records: pl.DataFrame) -> None:
    feats = features(generated_records)
    vectors = compare_pairs(candidate_pairs(feats).pairs, feats)
    health = check(train_on(vectors, feats), feats, vectors)
    assert not health.degenerate, health.message()
    assert health.prior >= health.exact_prior * 0.5  # far from the bar of 0.1
