"""Load-time checks of a mapping's options, so that a mistake is reported once, naming the
file and the key, before any row is read."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sojourn.records.codes import country_lookup, vocabularies
from sojourn.records.dates import DateFormatError, compile_format
from sojourn.records.kinds import FieldType

if TYPE_CHECKING:
    from sojourn.records.mapping import FieldMap

MAX_SOURCE = 64
#: What an unusable value of a field does (``missing``: the default).
ON_ERROR = ("missing", "quarantine")


class MappingError(ValueError):
    """A mapping file is invalid; the message names the file and the key."""


def check_file_options(path: Path, data: dict[str, Any], source: str) -> None:
    """Encoding, delimiter and source name are usable."""
    try:
        codecs.lookup(str(data.get("encoding", "utf-8")))
    except LookupError:
        raise MappingError(f"{path}: encoding {data.get('encoding')!r} is not known") from None
    if len(str(data.get("delimiter", ","))) != 1:
        raise MappingError(f"{path}: delimiter must be one character")
    if len(source) > MAX_SOURCE:
        raise MappingError(f"{path}: source must be at most {MAX_SOURCE} characters")


def on_error_of(where: str, value: Any) -> str:
    """A valid ``on_error`` value."""
    if value not in ON_ERROR:
        raise MappingError(f"{where}: must be one of {', '.join(ON_ERROR)}, not {value!r}")
    return str(value)


def check_field(where: str, fm: FieldMap) -> None:
    """Date formats compile and have a year; codes map to canonical codes."""
    if fm.spec.type in (FieldType.DATE, FieldType.PARTIAL_DATE):
        for fmt in fm.formats:
            _check_format(where, fmt)
    if fm.spec.type is FieldType.CODE:
        canonical = {c.upper() for c in vocabularies()[fm.spec.vocabulary or ""]}
        wrong = sorted(v for v in fm.codes.values() if v is not None and v.upper() not in canonical)
        if wrong:
            raise MappingError(f"{where}: codes map to {wrong}, not codes of {fm.spec.vocabulary}")
    if fm.spec.type is FieldType.COUNTRY:
        table = country_lookup()
        wrong = sorted(v for v in fm.codes.values() if v is not None and v.upper() not in table)
        if wrong:
            raise MappingError(f"{where}: codes map to {wrong}, which are not countries")


def _check_format(where: str, fmt: str) -> None:
    try:
        compile_format(fmt)
    except DateFormatError as exc:
        raise MappingError(f"{where}: {exc}") from None
    if "%Y" not in fmt and "%y" not in fmt:
        raise MappingError(f"{where}: the date format {fmt!r} has no year")
