"""The access vocabulary: roles, purposes of use and field groups (the names the Cedar
policies in ``policies/sojourn.cedar`` speak of)."""

from __future__ import annotations

ROLES: dict[str, str] = {
    "analyst": "criminal investigations (HSI-like): the widest view of case data",
    "officer": "civil enforcement (ERO-like): a narrower view than an analyst's",
    "supervisor": "approves civil-enforcement decisions",
    "redress_officer": "handles requests to correct a record, a link or a status",
    "privacy_officer": "oversight: the audit log, and who a person is",
    "administrator": "manages users; sees no case data",
}

PURPOSES: dict[str, str] = {
    "criminal_investigation": "a criminal investigation",
    "civil_enforcement": "a civil enforcement case",
    "redress": "a redress request",
    "oversight_audit": "an oversight audit",
    "statistics": "statistics: aggregates only",
    "administration": "user administration (no case data)",
}

FIELD_GROUPS: dict[str, str] = {
    "identity": "names, date and place of birth, nationality",
    "identifiers": "passport, A-number, SSN, FIN and other numbers",
    "travel_history": "arrivals and departures",
    "immigration_history": "admissions, applications, student records, status timeline",
    "criminal_history": "convictions and their classes",
    "investigative": "investigative detail: offense descriptions, statutes, custody facilities",
    "address": "address filings",
    "asylum": "asylum applications and decisions (confidential under 8 CFR 208.6)",
    "audit": "the audit events about a person",
}
