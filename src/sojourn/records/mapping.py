"""Source mappings: a YAML file per source that says how its columns become Record fields.

The format is documented in docs/mapping.md. Loading validates everything up front, so a
mapping error is reported once, with the file and key, before any row is read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sojourn.records.kinds import KINDS, FieldSpec, FieldType, target_fields
from sojourn.records.mapcheck import MappingError as MappingError
from sojourn.records.mapcheck import check_field, check_file_options, on_error_of
from sojourn.records.mapids import identifier_targets
from sojourn.yamlsafe import YamlError, load_yaml

BUILTIN_DIR = Path(__file__).with_name("mappings")
FORMATS = ("csv", "jsonl", "parquet")
SPLITS = ("family_comma_given", "given_family")
DEFAULT_NULLS = ("", "NULL", "N/A", "NA", "NONE")
#: The default empty values of name fields: only markers that cannot be a name, since
#: ``Na`` (a common Korean family name), ``None`` and ``Null`` are real surnames.
NAME_NULLS = ("", "N/A", "-", "?")
_FIELD_KEYS = {
    "column",
    "join",
    "sep",
    "format",
    "codes",
    "true",
    "false",
    "null_values",
    "required",
    "split",
    "value",
    "on_error",
}


@dataclass(frozen=True)
class FieldMap:
    """How one target field is read from the source."""

    target: str
    spec: FieldSpec
    columns: tuple[str, ...]
    sep: str = " "
    formats: tuple[str, ...] = ()
    codes: dict[str, str | None] = field(default_factory=dict)
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    null_values: tuple[str, ...] = DEFAULT_NULLS
    required: bool = False
    split: str | None = None
    #: A constant for every row instead of a column (e.g. the extract date of a list).
    value: str | None = None
    #: What an unusable value does: ``missing`` (the value is dropped, the row kept with a
    #: note) or ``quarantine`` (the whole row). A required field always quarantines.
    on_error: str = "missing"
    #: Mapped under ``identifiers:``: a known type's value is checked against its format
    #: (an ``ssn`` always is).
    checked: bool = False

    @property
    def quarantines(self) -> bool:
        """Whether an unusable value sends the whole row to quarantine."""
        return self.required or self.on_error == "quarantine"

    @property
    def label(self) -> str:
        """The source column(s) as a user sees them in the file."""
        return f"value {self.value!r}" if self.value is not None else "+".join(self.columns)


@dataclass(frozen=True)
class Mapping:
    """A validated source mapping."""

    name: str
    path: Path
    sha256: str
    source: str
    kind: str
    format: str
    encoding: str
    delimiter: str
    record_id: str
    fields: tuple[FieldMap, ...]

    def columns(self) -> list[str]:
        """Every source column the mapping reads, record id first, without repeats."""
        cols = [self.record_id]
        for fm in self.fields:
            cols.extend(c for c in fm.columns if c not in cols)
        return cols


def builtin_mapping(name: str) -> Mapping:
    """A mapping shipped with sojourn (``records/mappings/<name>.yaml``)."""
    path = BUILTIN_DIR / f"{name}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml")))
        raise MappingError(f"no built-in mapping {name!r} (known: {known})")
    return load_mapping(path)


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file."""
    try:
        data = load_yaml(path)
    except YamlError as exc:
        raise MappingError(f"cannot read mapping {exc}") from exc
    except OSError as exc:
        raise MappingError(f"{path}: cannot read mapping: {exc}") from exc
    if not isinstance(data, dict):
        raise MappingError(f"{path}: a mapping must be a YAML object")
    return _parse(path, data, hashlib.sha256(path.read_bytes()).hexdigest())


def _parse(path: Path, data: dict[str, Any], sha256: str) -> Mapping:
    def need(key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value:
            raise MappingError(f"{path}: '{key}' is required and must be a string")
        return value

    kind, fmt = need("kind"), data.get("format", "csv")
    if kind not in KINDS:
        raise MappingError(f"{path}: unknown kind {kind!r} (one of: {', '.join(KINDS)})")
    if fmt not in FORMATS:
        raise MappingError(f"{path}: unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    fields_data = data.get("fields")
    if not isinstance(fields_data, dict) or not fields_data:
        raise MappingError(f"{path}: 'fields' must map Record fields to source columns")
    given = data.get("null_values")
    defaults = _Defaults(
        data.get("date_format", "%Y-%m-%d"),
        None if given is None else tuple(str(v) for v in given),
        on_error_of(f"{path}: on_error", data.get("on_error", "missing")),
    )
    targets = target_fields(kind)
    for name in fields_data:
        if name not in targets:
            where = f"{path}: fields.{name}"
            raise MappingError(f"{where}: not a Record field for this kind (see docs/mapping.md)")
    wanted = [(f"fields.{n}", n, raw, targets[n]) for n, raw in fields_data.items()]
    wanted += identifier_targets(path, data.get("identifiers"), set(fields_data), targets)
    fields = tuple(
        replace(
            _field(f"{path}: {where}", name, raw, spec, defaults),
            checked=where.startswith("identifiers."),
        )
        for where, name, raw, spec in wanted
    )
    _check_required(path, kind, fields, targets)
    check_file_options(path, data, need("source"))
    return Mapping(
        name=path.stem,
        path=path,
        sha256=sha256,
        source=need("source"),
        kind=kind,
        format=fmt,
        encoding=str(data.get("encoding", "utf-8")),
        delimiter=str(data.get("delimiter", ",")),
        record_id=need("record_id"),
        fields=fields,
    )


@dataclass(frozen=True)
class _Defaults:
    """A mapping's file-wide defaults for its fields."""

    date_format: Any
    nulls: tuple[str, ...] | None
    on_error: str


def _field(where: str, name: str, raw: Any, spec: FieldSpec, defaults: _Defaults) -> FieldMap:
    opts: dict[str, Any] = {"column": raw} if isinstance(raw, str) else _keys(raw)
    if not isinstance(opts, dict):
        raise MappingError(f"{where}: give a column name or an object of options")
    if set(opts) - _FIELD_KEYS:
        raise MappingError(f"{where}: unknown keys {sorted(set(opts) - _FIELD_KEYS)}")
    value = opts.get("value")
    columns = tuple(opts["join"]) if "join" in opts else (opts.get("column"),)
    if value is not None:
        if "join" in opts or "column" in opts or not isinstance(value, str | int | float):
            raise MappingError(f"{where}: 'value' is a constant text, without 'column' or 'join'")
        columns = ()
    elif not columns or not all(isinstance(c, str) and c for c in columns):
        raise MappingError(
            f"{where}: needs 'column' (a column name), 'join' (a list) or 'value' (a constant)"
        )
    formats = opts.get("format", defaults.date_format)
    split = opts.get("split")
    if split is not None and (name != "full_name" or split not in SPLITS):
        raise MappingError(f"{where}: 'split' applies to full_name only, one of {SPLITS}")
    field_map = FieldMap(
        target=name,
        spec=spec,
        columns=columns,
        sep=str(opts.get("sep", " ")),
        formats=tuple(formats) if isinstance(formats, list) else (str(formats),),
        codes=_codes(where, opts.get("codes", {})),
        true_values=tuple(str(v) for v in opts.get("true", ())),
        false_values=tuple(str(v) for v in opts.get("false", ())),
        null_values=_nulls(spec, defaults.nulls)
        + tuple(str(v) for v in opts.get("null_values", ())),
        required=spec.required or bool(opts.get("required", False)),
        split=split,
        value=None if value is None else str(value),
        on_error=on_error_of(f"{where}.on_error", opts.get("on_error", defaults.on_error)),
    )
    check_field(where, field_map)
    return field_map


def _nulls(spec: FieldSpec, given: tuple[str, ...] | None) -> tuple[str, ...]:
    """The mapping's own empty values as written, else the defaults of the field's type."""
    if given is not None:
        return given
    return NAME_NULLS if spec.type is FieldType.NAME else DEFAULT_NULLS


def _keys(raw: Any) -> Any:
    """YAML 1.1 reads the keys ``true:``/``false:`` as booleans; give them their names back."""
    if not isinstance(raw, dict):
        return raw
    return {
        ({True: "true", False: "false"}.get(k, k) if isinstance(k, bool) else k): v
        for k, v in raw.items()
    }


def _codes(where: str, codes: Any) -> dict[str, str | None]:
    if not isinstance(codes, dict):
        raise MappingError(f"{where}: 'codes' must map source codes to canonical codes")
    return {str(k).strip().upper(): (None if v is None else str(v)) for k, v in codes.items()}


def _check_required(
    path: Path, kind: str, fields: tuple[FieldMap, ...], targets: dict[str, FieldSpec]
) -> None:
    mapped = {f.target for f in fields}
    missing = [n for n, s in targets.items() if s.required and n not in mapped]
    if missing:
        raise MappingError(f"{path}: kind {kind!r} requires fields {missing}")
    if not mapped & {"family_name", "full_name"}:
        raise MappingError(f"{path}: map at least one of family_name, full_name")
    for fm in fields:
        if fm.spec.type is FieldType.BOOL and not (fm.true_values or fm.false_values):
            raise MappingError(f"{path}: fields.{fm.target}: a yes/no field needs 'true' values")
