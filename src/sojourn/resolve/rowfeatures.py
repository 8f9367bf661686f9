"""The comparison features of one record: the scalar twin of ``features.features``.

Real-time matching needs the features of a single incoming record without building a
DataFrame. ``feature_row`` gives exactly the row that ``features(frame).to_dicts()`` gives for
that record — same keys in the same order, same values (list columns as lists) — by calling
the same public helpers of ``features``, ``dates`` and ``names``; only the column-wise
plumbing (concatenation, null handling) is restated here, and a test checks the two on a
generated population.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sojourn.resolve.dates import birth_parts
from sojourn.resolve.features import (
    fold_place,
    generic_ids,
    middle_initial,
    passport_key,
    postcode_key,
)
from sojourn.resolve.identifiers import NORMALIZERS
from sojourn.resolve.names import name_keys
from sojourn.resolve.nearids import near_keys, typed
from sojourn.resolve.placeholder_names import blank_row

_T = TypeVar("_T")
#: The separator ``features`` puts between passport number and country.
_UNIT = "\x1f"


def feature_row(record: Mapping[str, str | None]) -> dict[str, Any]:
    """The feature row of one record given its identity columns (the keys of
    ``features.SOURCE_COLUMNS``; an absent key counts as None)."""
    record = blank_row(record)  # a name field that holds no name is missing
    get = record.get
    birth_date = get("birth_date")
    name = full_name(record)
    passport = _passport(get("passport_number"), get("passport_country"))
    row: dict[str, Any] = {
        "id": get("id"),
        "source": get("source"),
        "kind": get("kind"),
        "birth_date": birth_date,
        "birth_parts": _maybe(birth_date, birth_parts),
        "sex": get("sex"),
        "nationality": get("nationality"),
        **name_columns(name),
        "family_latin": _latin(get("family_name")),
        "given_latin": _latin(get("given_name")),
        "middle_initial": _maybe(get("middle_name"), middle_initial),
        **{column: _maybe(get(column), normalize) for column, normalize in NORMALIZERS.items()},
        "passport": passport,
        "passport_no": None if passport is None else passport.split(":")[-1],
        "identifiers": _maybe_list(get("identifiers")),
        "address": _maybe(get("address"), fold_place),
        "postcode": _maybe(get("postcode"), postcode_key),
        "birth_place": _maybe(get("birth_place"), fold_place),
    }
    ids = typed(row)
    row["id_near"] = near_keys(ids) if ids else None
    return row


def full_name(record: Mapping[str, str | None]) -> str | None:
    """Given and family name joined by a space (a missing part skipped), or the full name
    when both are missing or the join is empty (``features``' coalesce); the middle name is
    a feature of its own."""
    parts = (record.get("given_name"), record.get("family_name"))
    joined = " ".join(part for part in parts if part is not None)
    return joined or record.get("full_name")


def name_columns(name: str | None) -> dict[str, Any]:
    """The keys of the full name, as the ``name_*`` feature columns."""
    if name is None:
        return dict.fromkeys(
            (
                "name_latin",
                "name_sorted",
                "name_skeleton",
                "name_shape",
                "name_variants",
                "name_metaphones",
            )
        )
    keys = name_keys(name)
    return {
        "name_latin": keys.latin,
        "name_sorted": keys.sorted_full,
        "name_skeleton": " ".join(sorted(keys.skeletons)),
        "name_shape": keys.shape,
        "name_variants": list(keys.variants),
        "name_metaphones": list(keys.metaphones),
    }


def _latin(part: str | None) -> str | None:
    return None if part is None else name_keys(part).latin


def _maybe(value: str | None, normalize: Callable[[str], _T | None]) -> _T | None:
    """``normalize(value)``, None for a missing value (``features`` maps non-nulls only)."""
    return None if value is None else normalize(value)


def _maybe_list(stored: str | None) -> list[str] | None:
    return None if stored is None else generic_ids(stored)


def _passport(number: str | None, country: str | None) -> str | None:
    """The passport key: number and country joined as ``features`` joins them (a missing
    number gives a missing key; a missing country counts as empty)."""
    if number is None:
        return None
    return passport_key(f"{number}{_UNIT}{country or ''}")
