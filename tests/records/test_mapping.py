"""Mapping files are validated when loaded, with errors naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from sojourn.records.kinds import KINDS
from sojourn.records.mapping import BUILTIN_DIR, MappingError, builtin_mapping, load_mapping


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(body, encoding="utf-8")
    return path


BASE = """
source: my-source
kind: naturalization
record_id: ID
fields:
  family_name: SURNAME
  naturalized_on: {column: OATH, format: "%d/%m/%Y"}
"""


def test_every_kind_has_a_builtin_mapping() -> None:
    kinds = {builtin_mapping(p.stem).kind for p in BUILTIN_DIR.glob("*.yaml")}
    assert kinds == set(KINDS)


def test_builtin_mappings_name_their_source_like_the_file() -> None:
    for path in BUILTIN_DIR.glob("*.yaml"):
        assert builtin_mapping(path.stem).source == path.stem


def test_a_minimal_mapping_loads(tmp_path: Path) -> None:
    mapping = load_mapping(_write(tmp_path, BASE))
    assert mapping.kind == "naturalization"
    assert mapping.columns() == ["ID", "SURNAME", "OATH"]
    assert mapping.fields[1].formats == ("%d/%m/%Y",)
    assert len(mapping.sha256) == 64


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("kind: naturalization", "kind: parking_ticket"), "unknown kind 'parking_ticket'"),
        (("record_id: ID", "record_id: 7"), "'record_id' is required"),
        (("  family_name: SURNAME", "  race: RACE"), "fields.race: not a Record field"),
        (("  family_name: SURNAME", "  given_name: G"), "map at least one of family_name"),
        (
            ('  naturalized_on: {column: OATH, format: "%d/%m/%Y"}', "  office: X"),
            r"requires fields \['naturalized_on'\]",
        ),
        (("  family_name: SURNAME", "  family_name: {colum: SURNAME}"), "unknown keys"),
        (
            ("  family_name: SURNAME", "  family_name: {column: S, split: given_family}"),
            "'split' applies to full_name only",
        ),
    ],
)
def test_invalid_mappings_name_the_problem(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = _write(tmp_path, BASE.replace(*change))
    with pytest.raises(MappingError, match=message) as info:
        load_mapping(path)
    assert str(path) in str(info.value)


def test_protected_attributes_cannot_be_mapped(tmp_path: Path) -> None:
    for attribute in ("race", "ethnicity", "religion", "eye_color", "tattoos"):
        body = BASE.replace("  family_name: SURNAME", f"  family_name: S\n  {attribute}: X")
        with pytest.raises(MappingError, match="not a Record field"):
            load_mapping(_write(tmp_path, body))


def test_unknown_builtin_lists_the_known_ones() -> None:
    with pytest.raises(MappingError, match="cbp-i94"):
        builtin_mapping("nope")


def test_unreadable_yaml(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="cannot read mapping"):
        load_mapping(_write(tmp_path, "fields: [unclosed"))


def test_every_kind_is_dated_by_a_required_date_field() -> None:
    """Except the identity-only kinds (a person list), whose date is optional."""
    from sojourn.records.kinds import EVENT_DATE_FIELD, EVENT_FIELDS, IDENTITY_ONLY_KINDS, FieldType

    assert set(EVENT_DATE_FIELD) == set(KINDS)
    for kind, name in EVENT_DATE_FIELD.items():
        spec = EVENT_FIELDS[kind][name]
        assert spec.type is FieldType.DATE and spec.required != (kind in IDENTITY_ONLY_KINDS), kind
