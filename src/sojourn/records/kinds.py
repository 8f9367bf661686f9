"""The canonical Record's fields: the identity part (shared by every kind) and the event part
of each source kind (DESIGN.md §5). ``person`` is a list of persons with no event: its one
event field, the date the person was listed, is optional, so its records may be undated."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    """How a source value is parsed into a canonical value."""

    TEXT = "text"
    NAME = "name"
    DATE = "date"
    PARTIAL_DATE = "partial_date"
    BOOL = "bool"
    INT = "int"
    CODE = "code"
    COUNTRY = "country"
    A_NUMBER = "a_number"
    IDENTIFIER = "identifier"


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field: its type, the code list it draws from, and whether it is required."""

    type: FieldType
    vocabulary: str | None = None
    required: bool = False


def _f(kind: str, vocab: str | None = None, required: bool = False) -> FieldSpec:
    return FieldSpec(FieldType(kind), vocab, required)


IDENTITY_FIELDS: dict[str, FieldSpec] = {
    "given_name": _f("name"),
    "middle_name": _f("name"),
    "family_name": _f("name"),
    "full_name": _f("name"),
    "name_original": _f("name"),
    "birth_date": _f("partial_date"),
    "sex": _f("code", "sex"),
    "nationality": _f("country"),
    "birth_place": _f("text"),
    "address": _f("text"),
    "postcode": _f("identifier"),
    "passport_number": _f("identifier"),
    "passport_country": _f("country"),
    "a_number": _f("a_number"),
    "sevis_id": _f("identifier"),
    "fbi_number": _f("identifier"),
    "ssn": _f("identifier"),
    "receipt_number": _f("identifier"),
}

EVENT_FIELDS: dict[str, dict[str, FieldSpec]] = {
    "arrival": {
        "arrival_date": _f("date", required=True),
        "port": _f("identifier"),
        "mode": _f("code", "mode"),
        "class_of_admission": _f("code", "class_of_admission", required=True),
        "admit_until": _f("date"),
        "duration_of_status": _f("bool"),
    },
    "departure": {
        "departure_date": _f("date", required=True),
        "port": _f("identifier"),
        "mode": _f("code", "mode"),
        "provenance": _f("code", "departure_provenance", required=True),
        "carrier": _f("identifier"),
        "flight": _f("identifier"),
    },
    "status": {
        "form": _f("code", "benefit_form", required=True),
        "filed_on": _f("date", required=True),
        "decided_on": _f("date"),
        "outcome": _f("code", "benefit_outcome", required=True),
        "new_class": _f("code", "class_of_admission"),
        "valid_until": _f("date"),
    },
    "student": {
        "program_start": _f("date", required=True),
        "program_end": _f("date"),
        "status": _f("code", "sevis_status", required=True),
        "status_date": _f("date"),
        "school": _f("text"),
        "visa_class": _f("code", "class_of_admission"),
        "termination_reason": _f("code", "sevis_termination_reason"),
    },
    "court": {
        "nta_served_on": _f("date", required=True),
        "nta_filed_on": _f("date"),
        "hearing_on": _f("date"),
        "order": _f("code", "court_order"),
        "order_date": _f("date"),
        "in_absentia": _f("bool"),
        "finality": _f("code", "order_finality"),
        "appeal_filed_on": _f("date"),
        "vd_until": _f("date"),
        "charge": _f("text"),
    },
    "conviction": {
        "conviction_date": _f("date", required=True),
        "offense": _f("text", required=True),
        "statute": _f("text"),
        "offense_date": _f("date"),
        "sentence_days": _f("int"),
        "classification": _f("code", "offense_class", required=True),
    },
    "address": {
        "effective_on": _f("date", required=True),
        "filed_on": _f("date"),
    },
    "self_departure": {
        "intent_on": _f("date", required=True),
        "verified_departure_on": _f("date"),
        "verification_method": _f("code", "self_departure_verification"),
        "destination_country": _f("country"),
    },
    "naturalization": {
        "naturalized_on": _f("date", required=True),
        "certificate_number": _f("identifier"),
        "office": _f("text"),
    },
    "custody": {
        "book_in_on": _f("date", required=True),
        "release_on": _f("date"),
        "removed_on": _f("date"),
        "facility": _f("text"),
    },
    "person": {
        "listed_on": _f("date"),
    },
    "passport": {
        "issued_on": _f("date", required=True),
        "expires_on": _f("date"),
        "document_type": _f("code", "passport_document"),
    },
    "numident": {
        "recorded_on": _f("date", required=True),
        "citizenship_code": _f("code", "ssa_citizenship"),
    },
    "employment_end": {
        "ended_on": _f("date", required=True),
        "notice_type": _f("code", "employment_end_notice"),
        "employer": _f("text"),
    },
    "deferred_action": {
        "granted_on": _f("date", required=True),
        "valid_until": _f("date"),
        "terminated_on": _f("date"),
        "program": _f("code", "deferred_action_program"),
    },
    "parole_termination": {
        "terminated_on": _f("date", required=True),
        "notice_on": _f("date"),
    },
}

KINDS: tuple[str, ...] = tuple(EVENT_FIELDS)

#: The event field that dates each record (promoted to ``records.event_date``).
EVENT_DATE_FIELD: dict[str, str] = {
    "arrival": "arrival_date",
    "departure": "departure_date",
    "status": "filed_on",
    "student": "program_start",
    "court": "nta_served_on",
    "conviction": "conviction_date",
    "address": "effective_on",
    "self_departure": "intent_on",
    "naturalization": "naturalized_on",
    "custody": "book_in_on",
    "person": "listed_on",
    "passport": "issued_on",
    "numident": "recorded_on",
    "employment_end": "ended_on",
    "deferred_action": "granted_on",
    "parole_termination": "terminated_on",
}

#: Kinds whose records are identity only: no event that a status rule reads, and possibly
#: no date (``records.event_date`` null).
IDENTITY_ONLY_KINDS: frozenset[str] = frozenset({"person"})


#: A record must carry at least one of these.
NAME_FIELDS: tuple[str, ...] = ("family_name", "full_name")


def target_fields(kind: str) -> dict[str, FieldSpec]:
    """Every field a mapping for ``kind`` may fill: identity, then the kind's event fields."""
    if kind not in EVENT_FIELDS:
        raise KeyError(kind)
    return {**IDENTITY_FIELDS, **EVENT_FIELDS[kind]}
