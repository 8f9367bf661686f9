"""Cases, alerts, audit entries, identity reviews and link explanations as the caller may see
them. Each names records by id; a record the caller may not see (its kind's or its form's
field group not allowed) is left out wherever it is named — a task's detail, a decision's
evidence, a redress request's subject, an alert — and its id is replaced in free text. A
correction's value of an investigative field needs the investigative group; the words of a
case (a redress request's requester, statement and outcome, a decision's finding and
evidence, the reasons given for each task's moves) need the immigration history, which they
are about. In the audit log only an
asylum record's id is left out (other record ids are what oversight reads)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, select

from sojourn.access.fields import field_map, record_group, visible
from sojourn.records.tables import records
from sojourn.resolve.queries import LinkExplanation

WITHHELD = "withheld"
#: In free text, what a record the caller may not see reads as.
A_RECORD = "(a record)"
#: Link explanation values, by the field group each needs (the rest: identity).
COMPARISON_GROUPS = {"a_number": "identifiers", "passport": "identifiers",
                     "other_id": "identifiers", "address": "address",
                     "postcode": "address"}  # fmt: skip
WORDS = ("requester", "statement", "subject", "outcome_detail")


@dataclass(frozen=True)
class Viewer:
    """The caller's field groups, the records named that they may not see, and the kind of
    every record named."""

    groups: frozenset[str]
    hidden: frozenset[str]
    kinds: dict[str, str]

    def sees(self, record_id: Any) -> bool:
        return not (isinstance(record_id, str) and record_id in self.hidden)

    def text(self, value: str) -> str:
        for record in self.hidden:
            value = value.replace(record, A_RECORD)
        return value

    def scrub(self, value: Any) -> Any:
        """``value`` with every hidden record left out (lists, dicts) or replaced (text)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            kept = [self.scrub(v) for v in value if self.sees(v)]
            return [v for v in kept if v is not None]
        if isinstance(value, dict):
            if not self.sees(value.get("record_id")):
                return None
            out = {k: self.scrub(v) for k, v in value.items() if self.sees(v)}
            return self._correction(out)
        return value

    def _correction(self, item: dict[str, Any]) -> dict[str, Any]:
        """A correction's value, if its field is investigative detail the caller lacks."""
        kind = self.kinds.get(str(item.get("record_id")))
        if kind is None or "field" not in item or "investigative" in self.groups:
            return item
        if item["field"] in field_map()["investigative_fields"].get(kind, ()):
            return {**item, "value": WITHHELD}
        return item


def viewer(engine: Engine, groups: frozenset[str], ids: Iterable[Any], asylum_only: bool = False
           ) -> Viewer:  # fmt: skip
    """The viewer of the records among ``ids`` (strings that are no record id are kept)."""
    wanted = sorted({i for i in ids if isinstance(i, str) and 8 <= len(i) <= 32})
    if not wanted:
        return Viewer(groups, frozenset(), {})
    query = select(records.c.id, records.c.kind, records.c.event).where(records.c.id.in_(wanted))
    with engine.connect() as conn:
        rows = [(r.id, r.kind, json.loads(r.event)) for r in conn.execute(query)]
    if asylum_only:
        hidden = {
            i for i, k, e in rows if record_group(k, e) == "asylum" and "asylum" not in groups
        }
    else:
        hidden = {i for i, k, e in rows if not visible(k, e, groups)}
    return Viewer(groups, frozenset(hidden), {i: k for i, k, _ in rows})


def _strings(value: Any) -> Iterable[str]:
    """Every string in a JSON-like value (the candidates for record ids)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def _ids_in(value: Any) -> set[str]:
    """Record-id-like tokens in a value, free text included."""
    found = set()
    for s in _strings(value):
        found |= {w.strip(".,;:()[]'\"") for w in s.split()}
    return found


def project_case(engine: Engine, case: dict[str, Any], groups: frozenset[str]) -> dict[str, Any]:
    """A case (``case_detail``) as the caller may see it."""
    case = {**case, "redress": [_parsed(r) for r in case.get("redress", [])]}
    v = viewer(engine, groups, _ids_in(case))
    out: dict[str, Any] = v.scrub(case)
    out["redress"] = [_dumped(r) for r in _words(out["redress"], groups)]  # as stored
    if "immigration_history" not in groups:
        for d in out.get("decisions", []):
            d.update(finding=WITHHELD, evidence=WITHHELD)
        for e in (e for t in out.get("tasks", []) for e in t.get("events", [])):
            e["reason"] = WITHHELD  # a decision's finding is its task's last reason
    return out


def project_redress(engine: Engine, rows: list[dict[str, Any]], groups: frozenset[str]
                    ) -> list[dict[str, Any]]:  # fmt: skip
    """Redress requests (rows of their table) as the caller may see them, their JSON
    columns (subject, outcome) read."""
    parsed = [_parsed(r) for r in rows]
    return _words(viewer(engine, groups, _ids_in(parsed)).scrub(parsed), groups)


JSON_COLUMNS = ("subject", "outcome_detail", "closure")


def _parsed(row: dict[str, Any]) -> dict[str, Any]:
    """A row with its JSON columns read (so that a record named in them can be left out)."""
    out = dict(row)
    for k in JSON_COLUMNS:
        if isinstance(out.get(k), str):
            with contextlib.suppress(ValueError):
                out[k] = json.loads(out[k])
    return out


def _dumped(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(v, default=str) if k in JSON_COLUMNS and v is not None else v
            for k, v in row.items()}  # fmt: skip


def _words(rows: list[dict[str, Any]], groups: frozenset[str]) -> list[dict[str, Any]]:
    """Redress requests' own words: withheld without the immigration history."""
    if "immigration_history" not in groups:
        for r in rows:
            r.update({k: WITHHELD for k in WORDS if r.get(k) is not None})
    return rows


def project_cases(engine: Engine, found: list[dict[str, Any]], groups: frozenset[str]
                  ) -> list[dict[str, Any]]:  # fmt: skip
    """The case list (each with its closure evidence) as the caller may see it."""
    parsed = [_parsed(c) for c in found]
    return [_dumped(c) for c in viewer(engine, groups, _ids_in(parsed)).scrub(parsed)]


def project_alerts(engine: Engine, found: list[dict[str, Any]], groups: frozenset[str]
                   ) -> list[dict[str, Any]]:  # fmt: skip
    """Alerts whose record the caller may not see name no record (the rest is the same)."""
    v = viewer(engine, groups, [a["summary"].get("record") for a in found])
    for a in found:
        if not v.sees(a["summary"].get("record")):
            a["summary"]["record"] = None
    return found


def project_audit(engine: Engine, found: list[dict[str, Any]], groups: frozenset[str]
                  ) -> list[dict[str, Any]]:  # fmt: skip
    """Audit entries without the ids of asylum records the caller may not see."""
    v = viewer(engine, groups, [i for e in found for i in e["resource_ids"]], asylum_only=True)
    for e in found:
        e["resource_ids"] = [i for i in e["resource_ids"] if v.sees(i)]
    return found


def sees_records(engine: Engine, groups: frozenset[str], ids: list[str]) -> bool:
    """Whether the caller may see every one of these records."""
    return not viewer(engine, groups, ids).hidden


def project_explanation(
    engine: Engine, found: LinkExplanation, groups: frozenset[str]
) -> LinkExplanation:
    """A link explanation as the caller may see it (its record already checked): the pair
    only if the caller may see the other record, values only of allowed groups."""
    named = [found.via_record_id, *(r["id"] for r in found.person_records)]
    v = viewer(engine, groups, named)
    values = {c: pair for c, pair in found.values.items()
              if COMPARISON_GROUPS.get(c, "identity") in groups}  # fmt: skip
    out = replace(
        found, values=values,
        person_records=[r for r in found.person_records if v.sees(r["id"])],
        history=[h for h in found.history if v.sees(h.get("via_record_id"))],
    )  # fmt: skip
    if not v.sees(found.via_record_id):
        out = replace(out, via_record_id=None, pair=None, values={})
    return out
