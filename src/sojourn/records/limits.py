"""How long a source value may be, how large a row, and how old a person at an event.

One place for every input limit of ingestion. A value beyond its limit sends its row to
quarantine (nothing of the row is stored as a record); the rest of the file ingests. Without
them one row with a 10 MB family name is stored, indexed and compared with every candidate at
resolution (minutes and gigabytes for a few dozen such rows), and every error message that
quotes the value carries the 10 MB too.
"""

from __future__ import annotations

from sojourn.records.kinds import FieldType
from sojourn.records.mapping import FieldMap

#: The longest source value (in characters) of each field type. Why these numbers:
#: - names: the longest personal names on travel documents fit in a few dozen characters
#:   (ICAO 9303's machine-readable zone holds 39); 200 leaves room for transliterated and
#:   compound names in full without admitting a document's worth of text;
#: - identifiers, codes, country codes, A-numbers, dates, numbers and yes/no values are
#:   short by nature (a passport number has at most 9 characters, a receipt number 13):
#:   64 is far above any of them;
#: - free text (a place, a school, a facility): 500.
BY_TYPE: dict[FieldType, int] = {
    FieldType.NAME: 200,
    FieldType.TEXT: 500,
    FieldType.IDENTIFIER: 64,
    FieldType.A_NUMBER: 64,
    FieldType.CODE: 64,
    FieldType.COUNTRY: 64,
    FieldType.DATE: 64,
    FieldType.PARTIAL_DATE: 64,
    FieldType.INT: 64,
    FieldType.BOOL: 64,
}

#: Fields longer by nature than their type's limit.
BY_FIELD: dict[str, int] = {
    "full_name": 400,  # given, middle and family names together
    "name_original": 400,  # the same, in the original script
    "address": 1_000,  # a street address with unit, city, state and postcode
    "offense": 2_000,  # a charge's description as a court wrote it
    "charge": 2_000,  # the charges of a notice to appear
    "statute": 500,  # several cited sections
}

#: The source's own record id (an identifier, sometimes with a prefix or a path).
RECORD_ID_CHARS = 128

#: The largest raw row in bytes: every limit above together in 4-byte characters is about
#: 40 KB; 64 KiB also leaves room for unmapped columns. A larger row is quarantined whole,
#: and quarantine keeps only this many of its bytes.
ROW_BYTES = 65_536

#: A birth date more than this many years before the record's event date is not plausible
#: (the oldest verified human lived 122 years).
MAX_AGE_YEARS = 120


def limit_of(fm: FieldMap) -> int:
    """The longest source value ``fm`` accepts, in characters."""
    return BY_FIELD.get(fm.target, BY_TYPE[fm.spec.type])


def too_long(length: int, limit: int) -> str:
    """The quarantine reason of a value ``length`` characters long (the field is prefixed)."""
    return f"the value is {length:,} characters; the limit is {limit:,}"


def clip(raw: bytes) -> bytes:
    """A quarantined row's bytes as kept: at most :data:`ROW_BYTES`."""
    return raw if len(raw) <= ROW_BYTES else raw[:ROW_BYTES]
