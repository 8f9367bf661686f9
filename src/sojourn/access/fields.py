"""Field projection: a record as a role may see it for a purpose (``fields.yaml`` says which
field group each part belongs to). A record whose kind's group is not allowed is withheld
whole; identity fields, identifiers and investigative event fields are removed one by one."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from sojourn.access.model import FIELD_GROUPS
from sojourn.records.kinds import KINDS
from sojourn.yamlsafe import load_yaml

FIELDS_FILE = Path(__file__).with_name("fields.yaml")


@lru_cache(maxsize=1)
def field_map() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(FIELDS_FILE)
    groups = set(data["record_kinds"].values()) | {"identity", "identifiers", "address"}
    unknown = groups - set(FIELD_GROUPS)
    if unknown:
        raise ValueError(f"{FIELDS_FILE.name}: unknown field groups {sorted(unknown)}")
    missing = set(KINDS) - set(data["record_kinds"])
    if missing:  # a record of such a kind would fail every page that lists it
        raise ValueError(f"{FIELDS_FILE.name}: record_kinds has no group for {sorted(missing)}")
    return data


def identity_group(field: str) -> str | None:
    m = field_map()
    for group in ("identity", "identifiers", "address"):
        if field in m[group]:
            return group
    return None


def record_group(kind: str, event: Mapping[str, Any]) -> str:
    """The group of a record of ``kind`` with these event fields."""
    m = field_map()
    if kind == "status" and event.get("form") in m["asylum_forms"]:
        return "asylum"
    return str(m["record_kinds"][kind])


def project_identity(values: Mapping[str, Any], groups: frozenset[str]) -> dict[str, Any]:
    """Identity values whose group is allowed."""
    return {k: v for k, v in values.items() if identity_group(k) in groups}


def project_event(kind: str, event: Mapping[str, Any], groups: frozenset[str]) -> dict[str, Any]:
    hidden = (
        set()
        if "investigative" in groups
        else set(field_map()["investigative_fields"].get(kind, ()))
    )
    return {k: v for k, v in event.items() if k not in hidden}


def visible(kind: str, event: Mapping[str, Any], groups: frozenset[str]) -> bool:
    return record_group(kind, event) in groups
