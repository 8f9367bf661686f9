"""Maps one source row to its record in plain Python, for the real-time path, where the
vectorised transform (``transform.Transformer``) costs about 30 ms per call whatever the number
of rows.

It must give exactly what the transform gives (the record id is a hash of the content), so it
only takes rows whose every mapped value is ASCII text without control characters (printable
ASCII, where trimming, upper-casing, ``\\s`` and JSON escaping mean the same in Python and in
Polars) and whose numbers it can read the way Polars does. For any other row it answers
None and the caller maps that row with the transform. ``tests/records/test_rowmap.py``
compares the two on every built-in mapping's generated rows and on random rows.

The steps and their order follow ``transform.Transformer``: the row checks (a NUL, the source
record id), each field converted (``rowvalues``) with its limit, the birth date against the
record's own dates, the row's size, a name or an identifier; the first failed check
quarantines the row, a field that does not quarantine becomes missing with a note.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import orjson
import polars as pl

from sojourn.records.convert import Converter, dtype_of
from sojourn.records.jsonlread import SURROGATE
from sojourn.records.kinds import EVENT_DATE_FIELD, EVENT_FIELDS, IDENTITY_FIELDS, FieldType
from sojourn.records.limits import RECORD_ID_CHARS, ROW_BYTES, clip, limit_of, too_long
from sojourn.records.mapids import generic_type
from sojourn.records.mapping import FieldMap, Mapping
from sojourn.records.rowbirth import birth_reason
from sojourn.records.rows import RowError
from sojourn.records.rowvalues import UnsupportedValueError, convert_one, plain, source_of, worded
from sojourn.records.transform import ID_LONG, NUL_REASON, SEP, identifying

#: A mapped row's data-quality notes (``field SEP note``), until the row is stored.
NOTES = "__notes"
#: One mapped row: its record (a one-row frame, notes in ``__notes``) or why it was not kept.
Mapped1 = pl.DataFrame | RowError


class RowMapper:
    """Maps rows of one mapping one at a time (None: the row needs the transform)."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.fields = [(fm, Converter(fm)) for fm in mapping.fields]
        self.columns = mapping.columns()
        self.paths = [c.split(".") for c in self.columns]
        self.usable = all(_usable(fm) for fm in mapping.fields)
        self.generic = {fm.target: t for fm in mapping.fields if (t := generic_type(fm.target))}
        self.schema = _schema(mapping)
        #: Columns read only as names or texts (and the record id), which may be any script.
        self.worded = _worded_columns(mapping)

    def __call__(self, number: int, raw: str) -> Mapped1 | None:
        """The record of the JSON object ``raw`` (a stream row), or None."""
        if not self.usable or SURROGATE.search(raw):
            return None
        try:  # the row read back from its text, as the transform's reader reads it
            row = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(row, dict):
            return None
        values = {c: _leaf(row, p) for c, p in zip(self.columns, self.paths, strict=True)}
        if not all(self._readable(c, v) for c, v in values.items()):
            return None
        try:
            return self._map(number, raw, values)
        except UnsupportedValueError:
            return None

    def _readable(self, column: str, value: Any) -> bool:
        if value is None:
            return True
        if not isinstance(value, str):
            return False
        return worded(value) if column in self.worded else plain(value)

    def _map(self, number: int, raw: str, values: dict[str, Any]) -> Mapped1:
        checks: list[tuple[str, str]] = []
        record_id = values[self.mapping.record_id]
        record_id = record_id.strip() if record_id is not None else None
        if "\x00" in raw or "\\u0000" in raw:
            checks.append(("(row)", NUL_REASON))
        if not record_id:
            checks.append((self.mapping.record_id, "the source record id is empty"))
        elif len(record_id) > RECORD_ID_CHARS:
            checks.append(
                (self.mapping.record_id, ID_LONG + too_long(len(record_id), RECORD_ID_CHARS))
            )
        columns: dict[str, Any] = {"source_record_id": record_id}
        notes: list[str] = []
        for fm, converter in self.fields:
            value, error = self._field(fm, converter, values)
            columns[fm.target] = value
            _judge(fm, value, error, checks, notes)
        self._birth(columns, checks, notes)
        size = len(raw.encode())
        if size > ROW_BYTES:
            checks.append(("(row)", f"the row is {size:,} bytes; the limit is {ROW_BYTES:,}"))
        self._name(columns, checks)
        if checks:
            field, reason = checks[0]
            bad = raw.encode(self.mapping.encoding, errors="replace")
            return RowError(number, field, reason, clip(bad))
        return self._record(number, raw, columns, notes)

    def _field(
        self, fm: FieldMap, converter: Converter, values: dict[str, Any]
    ) -> tuple[Any, str | None]:
        source = source_of(fm, values)
        limit = limit_of(fm)
        if fm.value is None and source is not None and len(source) > limit:
            return None, too_long(len(source), limit)
        return convert_one(fm, converter, source)

    def _birth(
        self, columns: dict[str, Any], checks: list[tuple[str, str]], notes: list[str]
    ) -> None:
        reason = birth_reason(self.mapping.kind, columns, dt.datetime.now(dt.UTC).date())
        if reason is None:
            return
        fm = next(fm for fm in self.mapping.fields if fm.target == "birth_date")
        if fm.quarantines:
            checks.append((fm.label, "birth_date: " + reason))
        else:
            columns["birth_date"] = None
            notes.append(f"{fm.label}{SEP}birth_date: {reason}")

    def _name(self, columns: dict[str, Any], checks: list[tuple[str, str]]) -> None:
        names = [c for c in ("family_name", "given_name", "full_name") if c in columns]
        ids = [c for c in columns if identifying(c)]
        if all(columns[c] is None for c in [*names, *ids]):
            reason = "the row has no name" + (" and no identifier" if ids else "")
            checks.append(("/".join(names), reason))

    def _record(
        self, number: int, raw: str, columns: dict[str, Any], notes: list[str]
    ) -> pl.DataFrame:
        kind, source = self.mapping.kind, self.mapping.source
        _split_names(self.mapping, columns)
        identity = {n: columns.get(n) for n in IDENTITY_FIELDS}
        event = orjson.dumps({n: columns.get(n) for n in EVENT_FIELDS[kind]}).decode()
        identifiers = self._identifiers(columns)
        parts = [source, columns["source_record_id"], orjson.dumps(identity).decode(), event]
        key = SEP.join(parts if identifiers is None else [*parts, identifiers])
        row = {
            "id": hashlib.sha256(key.encode()).hexdigest()[:32], "source": source,
            "source_record_id": columns["source_record_id"], "kind": kind, "row": number,
            "event_date": columns.get(EVENT_DATE_FIELD[kind]), **identity,
            "identifiers": identifiers, "event": event, "raw": raw, NOTES: notes,
        }  # fmt: skip
        return pl.DataFrame([row], schema=self.schema, orient="row")

    def _identifiers(self, columns: dict[str, Any]) -> str | None:
        if not self.generic:
            return None
        found = {self.generic[c]: columns[c] for c in self.generic}
        if all(v is None for v in found.values()):
            return None
        return orjson.dumps({k: v for k, v in sorted(found.items()) if v is not None}).decode()


def _usable(fm: FieldMap) -> bool:
    """Whether the Python path reads this field exactly as the transform does."""
    birth = fm.target != "birth_date" or fm.spec.type is FieldType.PARTIAL_DATE
    return birth and plain(fm.sep) and plain(fm.value or "")


def _worded_columns(mapping: Mapping) -> set[str]:
    words = (FieldType.NAME, FieldType.TEXT)
    other = {c for fm in mapping.fields if fm.spec.type not in words for c in fm.columns}
    return set(mapping.columns()) - other


def _leaf(obj: dict[str, Any], parts: list[str]) -> Any:
    value: Any = obj
    for part in parts:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    # A JSON number, boolean, list or object: the transform turns it into text its way.
    return value if value is None or isinstance(value, str) else NotImplemented


def _judge(
    fm: FieldMap, value: Any, error: str | None, checks: list[tuple[str, str]], notes: list[str]
) -> None:
    if fm.quarantines:
        reason = error
        if reason is None and fm.required and value is None:
            reason = "required but the value is empty"
        if reason is not None:
            checks.append((fm.label, f"{fm.target}: {reason}"))
    elif error is not None:
        notes.append(f"{fm.label}{SEP}{fm.target}: {error}")


def _split_names(mapping: Mapping, columns: dict[str, Any]) -> None:
    """``transform._split_names`` for one row: the parts of ``full_name`` fill the name
    fields the mapping left empty."""
    split = next((fm.split for fm in mapping.fields if fm.target == "full_name"), None)
    if split is None:
        return
    full: str | None = columns.get("full_name")
    family: str | None
    rest: str | None
    if full is None:
        family = rest = None
    elif split == "family_comma_given":
        pieces = full.split(",")
        family = pieces[0].strip()
        rest = pieces[1].strip() if len(pieces) > 1 else None
    else:
        tokens = full.split(" ")
        family = tokens[-1] if len(tokens) > 1 else full
        rest = " ".join(tokens[:-1])
    parts = rest.split(" ") if rest is not None else None
    given = (parts[0] or None) if parts is not None else None
    middle = (" ".join(parts[1:]) or None) if parts is not None else None
    for name, derived in (("family_name", family), ("given_name", given), ("middle_name", middle)):
        columns[name] = derived if columns.get(name) is None else columns[name]


def _schema(mapping: Mapping) -> dict[str, Any]:
    """The columns and types of the transform's records (plus the notes)."""
    identity = {n: dtype_of(s.type) for n, s in IDENTITY_FIELDS.items()}
    for fm in mapping.fields:
        if fm.target in identity and fm.spec.type is not IDENTITY_FIELDS[fm.target].type:
            identity[fm.target] = dtype_of(fm.spec.type)
    return {
        "id": pl.Utf8, "source": pl.Utf8, "source_record_id": pl.Utf8, "kind": pl.Utf8,
        "row": pl.Int64, "event_date": pl.Date, **identity, "identifiers": pl.Utf8,
        "event": pl.Utf8, "raw": pl.Utf8, NOTES: pl.List(pl.Utf8),
    }  # fmt: skip
