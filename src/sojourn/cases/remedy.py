"""What an upheld redress request changes, and the checks that it does.

A request is upheld only with its remedy: a correction of a record's field, a judgement on a
contested link, or a status finding with its evidence. A status finding becomes a record of
its own (source ``redress-finding-<kind>``, its built-in mapping in ``records/mappings``), linked to
the person by the decider's judgement, so the status engine and the assessments read it like
any other record. An uphold that would change nothing is refused with the reason: a status
request whose remedy leaves the person's status, priority and hard stops as they were, a
correction to the value the record already holds, a judgement the links already agree with.
The decider must have opened the request's review (the person's records and the contested
item) before deciding.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, text

from sojourn.audit.tables import audit_events, audit_resources
from sojourn.cases.model import SYSTEM, Actor, WorkflowError
from sojourn.priority.assess import Assessment
from sojourn.priority.current import assess_in
from sojourn.records.corrections import corrected_fields
from sojourn.records.mapping import builtin_mapping
from sojourn.records.streamed import ingest_row
from sojourn.resolve.judgements import judge_on
from sojourn.resolve.tables import judgements, links
from sojourn.settings import today

REMEDIES = ("corrected", "link_judged", "status_found")
#: The kinds of status finding, with the mapping each is stored through.
FINDINGS = {
    "status": "redress-finding-status",
    "self_departure": "redress-finding-self-departure",
    "naturalization": "redress-finding-naturalization",
    "court": "redress-finding-court",
}
#: The fields a finding may give (its event; the identity comes from the person's record).
FINDING_FIELDS = {
    "status": ("receipt_number", "form", "filed_on", "decided_on", "outcome", "new_class",
               "valid_until"),
    "self_departure": ("departed_on", "verification_method", "destination_country"),
    "naturalization": ("naturalized_on", "certificate_number", "office"),
    "court": ("nta_served_on", "order", "order_date", "finality", "appeal_filed_on"),
}  # fmt: skip
#: What a status remedy must change (besides the priority and the hard stops).
DECIDING_FACTS = ("status", "in_us", "overstay_days", "unlawful_presence_days",
                  "departure_confirmed", "removal_order", "removal_order_final",
                  "relief_pending", "citizenship_evidence", "tps")  # fmt: skip
REVIEW = "redress.review"
IDENTITY_SQL = (
    "SELECT r.id, r.family_name, r.given_name, r.birth_date, r.a_number FROM records r "
    "JOIN links l ON l.record_id = r.id WHERE l.person_id = :p AND l.id = (SELECT max(x.id) "
    "FROM links x WHERE x.record_id = r.id) AND r.family_name IS NOT NULL "
    "ORDER BY r.a_number IS NULL, r.birth_date IS NULL, r.id LIMIT 1"
)


@dataclass(frozen=True)
class Finding:
    """A status finding: the kind of record it amounts to, its event fields, and the
    documents the decider examined."""

    kind: str
    fields: dict[str, Any]
    evidence: str


def reviewed(conn: Connection, actor: Actor, request_id: int) -> bool:
    """Whether ``actor`` opened the request's review (the person's records shown to them)."""
    query = (
        select(audit_events.c.seq)
        .join(audit_resources, audit_resources.c.seq == audit_events.c.seq)
        .where(audit_resources.c.resource_id == f"redress:{request_id}")
        .where(audit_events.c.actor == actor.username, audit_events.c.action == REVIEW)
        .where(audit_events.c.decision == "allow")
    )
    return actor is SYSTEM or conn.execute(query.limit(1)).first() is not None


def summary(conn: Connection, person_id: str) -> dict[str, Any]:
    """What a status remedy must change: the deciding facts, priority and hard stops of an
    assessment made now (the open redress request itself left out)."""
    found: list[Assessment] = assess_in(conn, [person_id], today())
    if not found:
        return {}
    a = found[0]
    out = {name: a.facts.get(name) for name in DECIDING_FACTS}
    stops = sorted(s.id for s in a.stops)
    return {**out, "priority": a.priority, "stops": stops, "ready": a.enforcement_ready}


def check_favourable(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Refuse an uphold that works against the requester: one that would make them
    enforcement-ready, give them a priority, or take away citizenship evidence."""
    harms = []
    if after.get("ready") and not before.get("ready"):
        harms.append("make the person enforcement-ready")
    if after.get("priority") and not before.get("priority"):
        harms.append(f"give the person the priority {after['priority']}")
    if "citizenship" in before.get("stops", ()) and "citizenship" not in after.get("stops", ()):
        harms.append("take away the person's citizenship evidence")
    if harms:
        raise WorkflowError(
            f"an upheld request works for the requester; this remedy would {' and '.join(harms)}: "
            "deny the request, and correct the record outside redress if it must be"
        )


def check_changed(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Refuse a status remedy that changes nothing the assessment reads."""
    if before == after:
        shown = ", ".join(f"{k} {v}" for k, v in before.items() if v not in (None, False, [], 0))
        raise WorkflowError(
            "this remedy changes nothing in the person's status or assessment "
            f"({shown or 'no status'}): correct the field or record that makes the status, "
            "record the finding that changes it, or deny the request"
        )


def check_correction_changes(conn: Connection, record_id: str, field: str, value: Any) -> None:
    """Refuse a correction to the value the record already holds."""
    event = conn.execute(text("SELECT event FROM records WHERE id = :r"), {"r": record_id}).scalar()
    now = {**json.loads(event or "{}"), **corrected_fields(conn, [record_id]).get(record_id, {})}
    if now.get(field) == value:
        raise WorkflowError(f"record {record_id} already holds {field} = {value!r}: no change")


def check_judgement_changes(conn: Connection, judgement_id: int, pair: tuple[str, ...]) -> None:
    """Refuse a same/different judgement the current links already agree with."""
    verdict = conn.execute(
        select(judgements.c.verdict).where(judgements.c.id == judgement_id)
    ).scalar()
    holders = {_holder(conn, r) for r in pair}
    if verdict == "different" and any(_citizenship(conn, r) for r in pair):
        raise WorkflowError("a redress uphold does not separate a person from citizenship "
                            "evidence: a citizenship investigation decides that")  # fmt: skip
    if verdict == "same" and len(holders) == 1:
        raise WorkflowError(
            "the two records are already one person's: the judgement changes nothing"
        )
    if verdict == "different" and len(holders) == 2:
        raise WorkflowError(
            "the two records are already two persons': the judgement changes nothing"
        )


def _citizenship(conn: Connection, record_id: str) -> bool:
    sql = "SELECT kind, nationality, passport_country FROM records WHERE id = :r"
    row = conn.execute(text(sql), {"r": record_id}).first()
    return row is not None and (row.kind == "naturalization" or "USA" in row[1:])


def _holder(conn: Connection, record_id: str) -> str | None:
    query = select(links.c.person_id).where(links.c.record_id == record_id)
    return conn.execute(query.order_by(links.c.id.desc()).limit(1)).scalar()


def record_finding(
    conn: Connection, request_id: int, person_id: str, finding: Finding, actor: Actor,
    reason: str,
) -> tuple[str, str]:  # fmt: skip
    """Store the finding as a record linked to the person by the decider's judgement, in
    the caller's transaction; (its record id, the person's record it was judged with)."""
    if finding.kind not in FINDINGS:
        raise WorkflowError(f"a status finding is one of: {', '.join(FINDINGS)}")
    if len(finding.evidence.strip()) < 10:
        raise WorkflowError("a status finding names the documents examined (its evidence)")
    stray = sorted(set(finding.fields) - set(FINDING_FIELDS[finding.kind]))
    if stray:
        allowed = ", ".join(FINDING_FIELDS[finding.kind])
        raise WorkflowError(
            f"a {finding.kind} finding gives only {allowed} (not {', '.join(stray)})"
        )
    anchor = conn.execute(text(IDENTITY_SQL), {"p": person_id}).first()
    if anchor is None:
        raise WorkflowError(f"person {person_id} has no record with a name to attach it to")
    who = {k: getattr(anchor, k) or "" for k in ("family_name", "given_name", "birth_date",
                                                 "a_number")}  # fmt: skip
    row = {**who, **{k: "" if v is None else str(v) for k, v in finding.fields.items()},
           "finding_id": f"redress-{request_id}", "evidence": finding.evidence}  # fmt: skip
    stored = ingest_row(conn, builtin_mapping(FINDINGS[finding.kind]), row,
                        f"redress:{request_id}", request_id)  # fmt: skip
    if stored.record_id is None:
        raise WorkflowError(f"the finding is not a valid {finding.kind} record: {stored.reason}")
    made = judge_on(conn, stored.record_id, anchor.id, "same", actor.username, reason)
    conn.execute(links.insert().values(
        record_id=stored.record_id, person_id=person_id, run_id=0, method="judgement",
        linked_at=dt.datetime.now(dt.UTC), model_version="redress", via_record_id=anchor.id,
        match_probability=1.0, judgement_id=made,
    ))  # fmt: skip
    return stored.record_id, str(anchor.id)
