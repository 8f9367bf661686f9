"""The ``identifiers:`` section of a mapping: ``{TYPE: column or options}``.

A known type fills its own Record field (``ssn``, ``passport`` → ``passport_number``,
``a_number``, ``sevis_id``, ``fbi_number``, ``receipt_number``) and is checked against its
format. Any other type is a generic identifier: kept as an exact string (upper-cased, spaces
and dashes removed) under its type name, in the record's ``identifiers`` object.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sojourn.records.kinds import FieldSpec, FieldType
from sojourn.records.mapcheck import MappingError

#: Known identifier types and the Record field each fills.
KNOWN_TYPES: dict[str, str] = {
    "ssn": "ssn",
    "passport": "passport_number",
    "passport_number": "passport_number",
    "a_number": "a_number",
    "sevis_id": "sevis_id",
    "fbi_number": "fbi_number",
    "receipt_number": "receipt_number",
}
#: The prefix of a generic identifier's target (``identifiers.nhs_number``).
GENERIC = "identifiers."
GENERIC_SPEC = FieldSpec(FieldType.IDENTIFIER)
_TYPE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

#: (where, target, raw options, spec) of one field to read.
Wanted = tuple[str, str, Any, FieldSpec]


def identifier_targets(
    path: Path, section: Any, mapped: set[str], targets: dict[str, FieldSpec]
) -> list[Wanted]:
    """The fields the ``identifiers`` section of a mapping asks for."""
    if section is None:
        return []
    if not isinstance(section, dict) or not section:
        raise MappingError(f"{path}: 'identifiers' must map identifier types to columns")
    out: list[Wanted] = []
    for given, raw in section.items():
        where = f"identifiers.{given}"
        kind = str(given).strip().lower()
        if not _TYPE.match(kind):
            raise MappingError(
                f"{path}: {where}: a type is a name of letters, digits and _ (up to 32)"
            )
        target = KNOWN_TYPES.get(kind, GENERIC + kind)
        if target in mapped:
            raise MappingError(f"{path}: {where}: {target} is mapped twice")
        mapped.add(target)
        spec = targets.get(target, GENERIC_SPEC)
        out.append((where, target, raw, spec))
    return out


def generic_type(target: str) -> str | None:
    """The type of a generic identifier target, or None for a Record field."""
    return target[len(GENERIC) :] if target.startswith(GENERIC) else None
