"""Maps a chunk of source rows to canonical records, vectorized.

For every mapped field a converter gives canonical values and per-row error reasons. An
error in a field that quarantines (required, or ``on_error: quarantine``) sends the row to
quarantine (the first such error names it); in any other field the value becomes missing
and the row is kept with a data-quality note. Good rows get their identity columns, their
generic identifiers as JSON, the kind's event part as JSON, and a content-hash id over
(source, source record id, content).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import orjson
import polars as pl

from sojourn.records.checks import birth_reasons, blank_where, length_reasons, row_size_reasons
from sojourn.records.convert import Converted, Converter, dtype_of
from sojourn.records.kinds import EVENT_DATE_FIELD, EVENT_FIELDS, IDENTITY_FIELDS
from sojourn.records.limits import RECORD_ID_CHARS, clip, limit_of
from sojourn.records.mapids import GENERIC, generic_type
from sojourn.records.mapping import FieldMap, Mapping
from sojourn.records.rows import RAW, ROW, Chunk, RowError, RowNote

SEP = "\x1f"
_ERR_FIELD, _ERR_REASON, _NOTES = "__err_field", "__err_reason", "__notes"
ID_LONG = "the source record id is too long: "
NUL_REASON = "the row contains a NUL character (\\x00 or \\u0000), which no text column can hold"


@dataclass
class Mapped:
    """A chunk after mapping: records ready to write, and the rows sent to quarantine."""

    records: pl.DataFrame
    errors: list[RowError]
    header: list[str] | None = None
    #: Kept rows with a value made missing (``on_error: missing``), one note per value.
    notes: list[RowNote] = field(default_factory=list)


class Transformer:
    """Maps chunks read with one mapping (keeps converter caches across chunks)."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self._converters = [(fm, Converter(fm)) for fm in mapping.fields]

    def __call__(self, chunk: Chunk) -> Mapped:
        """Canonical records and quarantined rows for one chunk."""
        frame = chunk.frame
        values, checks, notes = self._convert(frame)
        combined = pl.concat([frame.select(ROW, RAW), values], how="horizontal")
        combined = combined.with_columns(_split_names(self.mapping, values)).with_columns(
            pl.coalesce([c[0] for c in checks]).alias(_ERR_FIELD),
            pl.coalesce([c[1] for c in checks]).alias(_ERR_REASON),
            _notes(notes).alias(_NOTES),
        )
        bad = combined[_ERR_REASON].is_not_null()
        errors = _row_errors(combined.filter(bad), self.mapping.encoding)
        records = self._records(combined.filter(~bad))
        kept = _row_notes(records)
        return Mapped(records.drop(_NOTES), chunk.errors + errors, chunk.header, kept)

    def _convert(
        self, frame: pl.DataFrame
    ) -> tuple[pl.DataFrame, list[tuple[pl.Expr, pl.Expr]], list[pl.Expr]]:
        columns: dict[str, pl.Series] = {}
        checks: list[tuple[pl.Expr, pl.Expr]] = []
        notes: list[pl.Expr] = []
        record_id = frame[self.mapping.record_id].cast(pl.Utf8).str.strip_chars()
        columns["source_record_id"] = record_id
        errors: dict[str, pl.Series] = {
            "__e_nul": frame[RAW].str.contains("\x00", literal=True)
            | frame[RAW].str.contains("\\u0000", literal=True),
            "__e_id": record_id.is_null() | (record_id == ""),
        }
        checks.append(_check("(row)", "__e_nul", NUL_REASON))
        checks.append(_check(self.mapping.record_id, "__e_id", "the source record id is empty"))
        id_long = length_reasons(record_id, RECORD_ID_CHARS)
        if id_long is not None:
            errors["__e_id_long"] = id_long
            checks.append(_reason_check(self.mapping.record_id, "__e_id_long", ID_LONG))
        for fm, convert in self._converters:
            value, error = convert_limited(fm, convert, _source(frame, fm))
            columns[fm.target] = value
            errors[f"__e_{fm.target}"] = error
            if fm.quarantines:
                checks.append(_field_check(fm, f"__e_{fm.target}", f"__v_{fm.target}"))
            else:
                notes.append(_note(fm.label, f"__e_{fm.target}", f"{fm.target}: "))
            errors[f"__v_{fm.target}"] = value.is_null()
        self._row_checks(frame, columns, errors, (checks, notes))
        values = pl.DataFrame(columns)
        names = [c for c in ("family_name", "given_name", "full_name") if c in columns]
        # A row with no name is kept when an identifier says who it is (a person list's row
        # whose name was lost still links by its number).
        ids = [c for c in columns if identifying(c)]
        errors["__e_name"] = (
            pl.DataFrame(columns)
            .select(pl.all_horizontal(pl.col(n).is_null() for n in [*names, *ids]))
            .to_series()
        )
        reason = "the row has no name" + (" and no identifier" if ids else "")
        checks.append(_check("/".join(names), "__e_name", reason))
        return pl.concat([values, pl.DataFrame(errors)], how="horizontal"), checks, notes

    def _row_checks(
        self, frame: pl.DataFrame, columns: dict[str, pl.Series], errors: dict[str, pl.Series],
        found: tuple[list[tuple[pl.Expr, pl.Expr]], list[pl.Expr]],
    ) -> None:  # fmt: skip
        """Checks of the row as a whole: a birth date its own dates make impossible (made
        missing with a note unless the birth date quarantines), and a raw row over the size
        limit."""
        checks, notes = found
        today = dt.datetime.now(dt.UTC).date()
        birth = birth_reasons(self.mapping.kind, columns, today)
        if birth is not None:
            fm = next(fm for fm in self.mapping.fields if fm.target == "birth_date")
            errors["__e_birth"] = birth
            if fm.quarantines:
                checks.append(_reason_check(fm.label, "__e_birth", "birth_date: "))
            else:
                columns["birth_date"] = blank_where(columns["birth_date"], birth)
                notes.append(_note(fm.label, "__e_birth", "birth_date: "))
        size = row_size_reasons(frame[RAW])
        if size is not None:
            errors["__e_size"] = size
            checks.append(_reason_check("(row)", "__e_size"))

    def _records(self, good: pl.DataFrame) -> pl.DataFrame:
        kind = self.mapping.kind
        event_fields = EVENT_FIELDS[kind]
        identity = [_column(good, n, dtype_of(s.type)) for n, s in IDENTITY_FIELDS.items()]
        event = [_column(good, n, dtype_of(s.type)) for n, s in event_fields.items()]
        date = _column(good, EVENT_DATE_FIELD[kind], pl.Date)
        out = good.select(
            pl.lit(self.mapping.source).alias("source"),
            pl.col("source_record_id"),
            pl.lit(kind).alias("kind"),
            pl.col(ROW).alias("row"),
            date.alias("event_date"),
            *identity,
            pl.Series("identifiers", self._identifiers(good), dtype=pl.Utf8),
            pl.struct(event).struct.json_encode().alias("event"),
            pl.col(RAW).alias("raw"),
            pl.col(_NOTES),
        )
        return out.with_columns(pl.Series("id", _hashes(out), dtype=pl.Utf8)).select(
            "id", pl.exclude("id")
        )

    def _identifiers(self, good: pl.DataFrame) -> list[str | None]:
        """Each row's generic identifiers as a JSON object (type to value, sorted), or None
        when it has none."""
        types = {fm.target: t for fm in self.mapping.fields if (t := generic_type(fm.target))}
        if not types:
            return [None] * good.height
        found = good.select(pl.col(list(types)).name.map(lambda c: types[c])).to_dicts()
        return [
            orjson.dumps({k: v for k, v in sorted(row.items()) if v is not None}).decode()
            if any(v is not None for v in row.values())
            else None
            for row in found
        ]


#: The identity fields that say who a record is without a name.
IDENTIFYING = ("passport_number", "a_number", "sevis_id", "fbi_number", "ssn", "receipt_number")


def identifying(column: str) -> bool:
    return column in IDENTIFYING or column.startswith(GENERIC)


def _source(frame: pl.DataFrame, fm: FieldMap) -> pl.Series:
    if fm.value is not None:
        return pl.Series(fm.target, [fm.value] * frame.height, dtype=pl.Utf8)
    if len(fm.columns) == 1:
        return frame[fm.columns[0]]
    nulls = [n.upper() for n in fm.null_values]
    parts = [
        pl.when(pl.col(c).cast(pl.Utf8).str.strip_chars().str.to_uppercase().is_in(nulls))
        .then(None)
        .otherwise(pl.col(c).cast(pl.Utf8).str.strip_chars())
        for c in fm.columns
    ]
    joined = frame.select(pl.concat_str(parts, separator=fm.sep, ignore_nulls=True).alias("j"))
    return joined.to_series().replace("", None)


def _check(field: str, flag: str, reason: str) -> tuple[pl.Expr, pl.Expr]:
    hit = pl.col(flag)
    return (
        pl.when(hit).then(pl.lit(field)),
        pl.when(hit).then(pl.lit(reason)),
    )


def _reason_check(field: str, column: str, prefix: str = "") -> tuple[pl.Expr, pl.Expr]:
    """A check whose column holds each failing row's reason (null when the row passes)."""
    failed = pl.col(column).is_not_null()
    return pl.when(failed).then(pl.lit(field)), pl.when(failed).then(prefix + pl.col(column))


def convert_limited(fm: FieldMap, convert: Converter, source: pl.Series) -> Converted:
    """Convert ``source``, except values over the field's length limit: those rows get the
    limit's reason, and the converter never sees (nor quotes) the value."""
    long = length_reasons(source, limit_of(fm)) if fm.value is None else None
    if long is None:
        return convert(source)
    value, error = convert(blank_where(source, long))
    return value, pl.select(pl.coalesce(long, error)).to_series().alias(error.name)


def _note(label: str, column: str, prefix: str) -> pl.Expr:
    """A kept row's note for one field: ``label`` and the reason, joined by SEP; null when
    the row's value was fine."""
    return pl.when(pl.col(column).is_not_null()).then(pl.lit(label + SEP + prefix) + pl.col(column))


def _notes(notes: list[pl.Expr]) -> pl.Expr:
    if not notes:
        return pl.lit([], dtype=pl.List(pl.Utf8))
    return pl.concat_list(notes).list.drop_nulls()


def _row_notes(records: pl.DataFrame) -> list[RowNote]:
    found = records.select("row", "id", _NOTES).filter(pl.col(_NOTES).list.len() > 0)
    return [
        RowNote(row, record_id, *note.split(SEP, 1))
        for row, record_id, notes in found.iter_rows()
        for note in notes
    ]


def _field_check(fm: FieldMap, error: str, is_null: str) -> tuple[pl.Expr, pl.Expr]:
    reason = pl.col(error)
    if fm.required:
        missing = "required but the value is empty"
        reason = pl.coalesce(reason, pl.when(pl.col(is_null)).then(pl.lit(missing)))
    prefixed = pl.when(reason.is_not_null()).then(pl.lit(f"{fm.target}: ") + reason)
    return pl.when(reason.is_not_null()).then(pl.lit(fm.label)), prefixed


def _split_names(mapping: Mapping, values: pl.DataFrame) -> list[pl.Expr]:
    split = next((fm.split for fm in mapping.fields if fm.target == "full_name"), None)
    if split is None:
        return []
    full = pl.col("full_name")
    if split == "family_comma_given":
        family = full.str.split_exact(",", 1).struct.field("field_0").str.strip_chars()
        rest = full.str.split_exact(",", 1).struct.field("field_1").str.strip_chars()
    else:
        tokens = full.str.split(" ")
        family = pl.when(tokens.list.len() > 1).then(tokens.list.last()).otherwise(full)
        rest = tokens.list.slice(0, tokens.list.len() - 1).list.join(" ")
    parts = rest.str.split(" ")
    given = parts.list.first().replace("", None)
    middle = parts.list.slice(1).list.join(" ").replace("", None)
    derived = {"family_name": family, "given_name": given, "middle_name": middle}
    return [
        (pl.coalesce(pl.col(n), expr) if n in values.columns else expr).alias(n)
        for n, expr in derived.items()
    ]


def _column(frame: pl.DataFrame, name: str, dtype: type[pl.DataType]) -> pl.Expr:
    if name in frame.columns:
        return pl.col(name)
    return pl.lit(None, dtype=dtype).alias(name)


def _row_errors(bad: pl.DataFrame, encoding: str) -> list[RowError]:
    rows = bad.select(ROW, _ERR_FIELD, _ERR_REASON, RAW).iter_rows()
    return [
        RowError(row, field, reason, clip(raw.encode(encoding, errors="replace")))
        for row, field, reason, raw in rows
    ]


def _hashes(records: pl.DataFrame) -> list[str]:
    """Content hash of (source, source record id, identity and event content; generic
    identifiers after them, only when there are some, so earlier records keep their ids)."""
    identity = pl.struct(list(IDENTITY_FIELDS)).struct.json_encode()
    parts = [pl.col("source"), pl.col("source_record_id"), identity, pl.col("event")]
    base = pl.concat_str(parts, separator=SEP)
    ids = pl.col("identifiers")
    key = pl.when(ids.is_null()).then(base).otherwise(pl.concat_str([base, ids], separator=SEP))
    keys = records.select(key).to_series()
    return [hashlib.sha256(k.encode()).hexdigest()[:32] for k in keys.to_list()]
