"""A person's derived views as the caller may see them: the status timeline and the
assessment, projected from what the domain computed (nothing is computed again here).

- A record the caller may not see is left out of every list of records, not marked: a
  ``withheld`` marker would tell that something exists (for an officer, only an asylum
  record is ever withheld, so the marker alone would name the claim).
- To a caller without the asylum group, a pending relief application (asylum or adjustment:
  ``fields.yaml`` withholds both forms alike) reads ``application.pending`` with no form and
  no record id, and the interval it shapes reads ``pending_application`` (an asylum applicant
  past the stay is an overstay, an adjustment applicant is not: the status would name the
  claim); the status and day counts of a person with one on record are withheld, and
  ``pending_applications`` lists no relief form (``relief_pending`` says one is pending), so
  an asylum claim cannot be told from an adjustment (8 CFR 208.6).
- Facts from the criminal history need that group; the conviction details derived from
  investigative fields (category, sentence) need the investigative group."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sojourn.access.fields import field_map

#: What a caller who may not see asylum applications reads for a pending relief application.
PENDING = {
    "rule_id": "application.pending",
    "citation": "an application pending (its kind is shown to those who may see it)",
}
CRIMINAL = frozenset({"convictions", "aggravated_felonies", "felonies",
                      "significant_misdemeanors", "misdemeanors",
                      "years_since_last_conviction"})  # fmt: skip


def keep(ids: Iterable[str], shown: set[str]) -> list[str]:
    """The record ids the caller may see, in order (the others left out, unmarked)."""
    return [r for r in ids if r in shown]


def sensitive(groups: frozenset[str], relief: bool) -> frozenset[str]:
    """The facts withheld from this caller about a person with (``relief``) or without a
    relief application on record."""
    if "asylum" in groups or not relief:
        return frozenset()
    return frozenset(field_map()["relief_sensitive_facts"])


def project_status(
    data: dict[str, Any], groups: frozenset[str], shown: set[str], relief: bool
) -> dict[str, Any]:
    """A status timeline (``timeline_dict`` as JSON) as the caller may see it (``relief``:
    the person has a relief application on record)."""
    for name in sensitive(groups, relief) & data.keys():
        data[name] = "withheld"
    masked = set(field_map()["pending_rules"])
    for interval in [*data["intervals"], *([data["current"]] if data["current"] else [])]:
        interval["records"] = keep(interval["records"], shown)
        if "asylum" not in groups and interval.get("rule_id") in masked:
            # asylum pending leaves an overstay an overstay, an adjustment pending does not:
            # both read as a pending application, or the status would name the claim
            interval.update(PENDING, status="pending_application", reason="application pending",
                            records=[])  # fmt: skip
    return data


def _relief_forms() -> frozenset[str]:
    return frozenset(field_map()["asylum_forms"])


def _value(name: str, value: Any, groups: frozenset[str], hidden: frozenset[str]) -> Any:
    if name in hidden or (name in CRIMINAL and "criminal_history" not in groups):
        return "withheld"  # the same whatever the person's history: tells nothing
    if name == "pending_applications" and "asylum" not in groups:
        return [f for f in value if f not in _relief_forms()]
    hidden = field_map()["investigative_facts"].get(name)
    if hidden and "investigative" not in groups and isinstance(value, list):
        return [{k: v for k, v in row.items() if k not in hidden} for row in value]
    return value


def project_assessment(
    data: dict[str, Any], groups: frozenset[str], shown: set[str], relief: bool
) -> dict[str, Any]:
    """An assessment (``asdict`` of it) as the caller may see it (``relief``: the person has
    a relief application on record). For a person with one on record, a caller without the
    asylum group is not shown the tier nor the rules that placed them there: an asylum
    applicant past the stay is an overstay, an adjustment applicant is not, so the tier would
    name the claim (a pending relief application is a hard stop either way)."""
    hidden = sensitive(groups, relief)
    if hidden:
        data["priority"], data["rules"] = "withheld", data["rules"][:0]
    for key in ("rules", "factors"):
        for rule in data[key]:
            rule["facts"] = {
                n: {**f, "value": _value(n, f["value"], groups, hidden),
                    "records": keep(f["records"], shown)}
                for n, f in rule["facts"].items()
            }  # fmt: skip
    for stop in data["stops"]:
        stop["records"] = keep(stop["records"], shown)
    data["facts"] = {n: _value(n, v, groups, hidden) for n, v in data["facts"].items()}
    data["evidence"] = {n: keep(ids, shown) for n, ids in data["evidence"].items()}
    return data
