"""The comparison features of every record: one row per record, built column-wise.

Names are keyed once per distinct value (names repeat across sources), then joined back; so a
million records cost a few hundred thousand name normalizations, not a million.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson
import polars as pl
from sqlalchemy import Engine, select

from sojourn.records.tables import records
from sojourn.resolve.dates import birth_parts
from sojourn.resolve.identifiers import NORMALIZERS, passport
from sojourn.resolve.names import NameKeys, fold, name_keys
from sojourn.resolve.nearids import OTHER_IDS as OTHER_ID_COLUMNS
from sojourn.resolve.nearids import near_keys
from sojourn.resolve.placeholder_names import NAME_COLUMNS, name_or_none

SOURCE_COLUMNS = (
    "id", "source", "kind", "given_name", "middle_name", "family_name", "full_name",
    "name_original", "birth_date", "sex", "nationality", "passport_number",
    "passport_country", "a_number", "sevis_id", "fbi_number", "ssn", "address", "postcode",
    "birth_place", "identifiers",
)  # fmt: skip


def load_records(engine: Engine, ids: Sequence[str] | None = None) -> pl.DataFrame:
    """The identity columns of every stored record (or of the records ``ids``), in record
    id order, so that whatever the engine or insertion order, a run samples the same random
    pairs and trains the same model."""
    query = select(*(records.c[name] for name in SOURCE_COLUMNS))
    many = ids is not None and len(ids) > 10_000  # read all, keep these (one parameter each)
    if ids is not None and not many:
        query = query.where(records.c.id.in_(list(ids)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pl.DataFrame(rows, schema=dict.fromkeys(SOURCE_COLUMNS, pl.Utf8), orient="row")
    if many and ids is not None:
        frame = frame.filter(pl.col("id").is_in(pl.Series(list(ids), dtype=pl.Utf8)))
    return frame.sort("id")


def features(frame: pl.DataFrame) -> pl.DataFrame:
    """Comparison features for records with the identity columns of ``records`` (a column
    that is absent counts as all missing)."""
    absent = [c for c in SOURCE_COLUMNS if c not in frame.columns]
    frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in absent)
    # A name field that holds no name (``Oldest``, ``Mr``, ``No Last Name``) is missing.
    frame = frame.with_columns(
        _per_value(frame[c], name_or_none, pl.Utf8).alias(c) for c in NAME_COLUMNS
    )
    # The middle name is compared on its own (``middle_initial``): one list writes it out,
    # another keeps an initial, a third leaves it off, and none of that makes two people.
    full = pl.coalesce(
        pl.concat_str(
            [pl.col("given_name"), pl.col("family_name")], separator=" ", ignore_nulls=True
        ).replace("", None),
        pl.col("full_name"),
    )
    base = frame.with_columns(full.alias("name"))
    out = base.select(
        "id",
        "source",
        "kind",
        "birth_date",
        _per_value(base["birth_date"], birth_parts, pl.List(pl.Utf8)).alias("birth_parts"),
        "sex",
        "nationality",
        *_name_columns(base),
        *_identifier_columns(base),
        *_place_columns(base),
    )
    return out.with_columns(_near_column(out).alias("id_near"))


def _near_column(feats: pl.DataFrame) -> pl.Series:
    """Blocking keys of identifiers one character apart (``nearids.near_keys``)."""
    typed = pl.concat_list(
        *(pl.lit(f"{c}:") + pl.col(c) for c in OTHER_ID_COLUMNS),
        pl.col("identifiers").fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
    ).list.drop_nulls()
    values = feats.select(typed.alias("typed")).to_series()
    keys = [near_keys(v) if v else None for v in values.to_list()]
    return pl.Series("id_near", keys, dtype=pl.List(pl.Utf8))


def _name_columns(frame: pl.DataFrame) -> list[pl.Series]:
    """Keys of the full name (computed once per distinct name) and of family/given names."""
    names = frame["name"]
    keys = {n: name_keys(n) for n in names.drop_nulls().unique().to_list()}
    derived: dict[str, tuple[Callable[[NameKeys], Any], Any]] = {
        "name_latin": (lambda k: k.latin, pl.Utf8),
        "name_sorted": (lambda k: k.sorted_full, pl.Utf8),
        "name_skeleton": (lambda k: " ".join(sorted(k.skeletons)), pl.Utf8),
        "name_shape": (lambda k: k.shape, pl.Utf8),
        "name_variants": (lambda k: list(k.variants), pl.List(pl.Utf8)),
        "name_metaphones": (lambda k: list(k.metaphones), pl.List(pl.Utf8)),
    }
    columns = [
        names.replace_strict(
            {n: get(k) for n, k in keys.items()}, default=None, return_dtype=dtype
        ).alias(column)
        for column, (get, dtype) in derived.items()
    ]
    for part in ("family", "given"):
        latin = _per_value(frame[f"{part}_name"], lambda n: name_keys(n).latin, pl.Utf8)
        columns.append(latin.alias(f"{part}_latin"))
    columns.append(
        _per_value(frame["middle_name"], middle_initial, pl.Utf8).alias("middle_initial")
    )
    return columns


def middle_initial(middle: str) -> str | None:
    """The first letter of a middle name (or of an initial), folded to Latin lower case."""
    return name_keys(middle).latin[:1] or None


def _place_columns(frame: pl.DataFrame) -> list[pl.Series]:
    """Address, postcode and place of birth, folded (case, script, punctuation)."""
    return [
        _per_value(frame["address"], fold_place, pl.Utf8).alias("address"),
        _per_value(frame["postcode"], postcode_key, pl.Utf8).alias("postcode"),
        _per_value(frame["birth_place"], fold_place, pl.Utf8).alias("birth_place"),
    ]


def fold_place(value: str) -> str | None:
    return fold(value) or None


def postcode_key(value: str) -> str | None:
    return fold(value).replace(" ", "").upper() or None


def _identifier_columns(frame: pl.DataFrame) -> list[pl.Series]:
    columns = [
        _per_value(frame[name], normalize, pl.Utf8).alias(name)
        for name, normalize in NORMALIZERS.items()
    ]
    pairs = frame.select(
        pl.concat_str(
            [pl.col("passport_number"), pl.col("passport_country").fill_null("")],
            separator="\x1f",
        )
    ).to_series()
    key = _per_value(pairs, passport_key, pl.Utf8).alias("passport")
    columns.append(key)
    # The number alone, for blocking: one source may not record the issuing country.
    columns.append(key.str.split(":").list.last().alias("passport_no"))
    generic = _per_value(frame["identifiers"], generic_ids, pl.List(pl.Utf8))
    columns.append(generic.alias("identifiers"))
    return columns


def generic_ids(stored: str) -> list[str] | None:
    """A record's generic identifiers (its ``identifiers`` JSON object) as sorted
    ``type:VALUE`` texts, or None when it has none."""
    found = orjson.loads(stored)
    if not isinstance(found, dict):
        return None
    ids = sorted(f"{k}:{v}" for k, v in found.items() if isinstance(v, str) and v)
    return ids or None


def passport_key(pair: str) -> str | None:
    number, _, country = pair.partition("\x1f")
    return passport(number, country or None)


def _per_value(values: pl.Series, func: Callable[[str], Any], dtype: Any) -> pl.Series:
    """``func`` applied once per distinct non-null value."""
    distinct = values.drop_nulls().unique().to_list()
    mapping = {v: func(v) for v in distinct}
    return values.replace_strict(mapping, default=None, return_dtype=dtype)
