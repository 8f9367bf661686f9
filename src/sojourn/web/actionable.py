"""Why a person is actionable, in plain words: each fact a rule read, said as a sentence with
the records behind it (kind, date, agency) and how sure their link to the person is; for a
person in the U.S., the record that last places them here and the departure sources in which
no departure was found. Built from the projected assessment and the records the caller may see
(a withheld fact reads as withheld, a record they may not see is not named)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from sojourn.api.models import RecordView
from sojourn.priority.schema import FACTS
from sojourn.records.codes import vocabularies
from sojourn.records.tables import batches

#: Agencies by the start of a source's name (the shipped mappings' sources).
AGENCIES = (("cbp-", "CBP"), ("dos-", "Department of State"), ("eoir-", "EOIR (immigration court)"),
            ("ice-", "ICE"), ("uscis-", "USCIS"), ("ssa-", "SSA"), ("sevis", "SEVP (SEVIS)"),
            ("state-convictions", "state and federal courts"),
            ("employer-", "employer notice to USCIS"), ("parole-", "DHS"),
            ("redress-finding", "redress finding"), ("person-list", "person list"))  # fmt: skip
#: The sentence start of the facts rules read most (others: the schema's description).
SAYS = {
    "in_us": "In the U.S.",
    "status": "Status",
    "overstay_days": "Days past the authorized stay",
    "overstay_unverified": "Overstay inferred only from a missing departure",
    "removal_order_final": "Final removal order",
    "removal_order_date": "Removal ordered on",
    "entry_method": "Entry",
    "entry_date": "Last admitted on",
    "present_since": "In the U.S. since",
    "years_in_us": "Years in the U.S.",
    "felonies": "Felony convictions",
    "aggravated_felonies": "Aggravated felony convictions",
    "misdemeanors": "Misdemeanor convictions",
    "significant_misdemeanors": "Significant misdemeanor convictions",
    "convictions": "Convictions",
    # never the schema's words here: they name the forms, and a rule's "yes" beside them
    # would name the claim to a caller without the asylum group
    "relief_pending": "A relief application pending",
    "pending_applications": "Applications pending",
}
#: Departure evidence by provenance code (codes.yaml), then the other kinds that end a stay.
EXITS = {"manifest": "carrier manifests (APIS)", "biometric": "biometric exit",
         "land_exchange": "land-border exchange (Canada)"}  # fmt: skip
OTHER_EXITS = {"self_departure": "self-departure reports", "custody": "removals (ICE custody)"}


@dataclass(frozen=True)
class Said:
    """One fact in words: the sentence, the records behind it, their link confidence."""

    name: str
    text: str
    evidence: list[str]
    confidence: float | None


def agency(source: str) -> str:
    """The agency a source's records come from (the source's own name if not known)."""
    return next((name for start, name in AGENCIES if source.startswith(start)), source)


def record_words(r: RecordView) -> str:
    """A record as "arrival, 2024-03-01, CBP"."""
    return ", ".join(x for x in (r.kind.replace("_", " "), r.event_date, agency(r.source)) if x)


def _value(value: Any) -> str:
    if value == "withheld":
        return "withheld for your role and purpose"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "not recorded"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list):
        return "; ".join(_item(v) for v in value) or "none"
    return str(value).replace("_", " ")


def _item(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in value.items() if v is not None)
    return str(value)


def _start(name: str) -> str:
    if name in SAYS:
        return SAYS[name]
    spec = FACTS.get(name)
    text = spec.description if spec else name.replace("_", " ")
    return text[:1].upper() + text[1:]


def say(name: str, fact: Mapping[str, Any], shown: Mapping[str, RecordView]) -> Said:
    """A fact of a rule (``{value, records, confidence}``) in words."""
    cited = sorted((shown[i] for i in fact["records"] if i in shown),
                   key=lambda r: (r.event_date or "", r.id))  # fmt: skip
    text = f"{_start(name)}: {_value(fact['value'])}"
    if name == "in_us" and fact["value"] is True:
        last = f"{record_words(cited[-1])}" if cited else "none that you may see"
        text += f" — last record placing them here: {last}"
        cited = cited[-1:]
    return Said(name, text, [record_words(r) for r in cited], fact.get("confidence"))


def why(assessment: Mapping[str, Any], records: Sequence[RecordView]) -> list[dict[str, Any]]:
    """Each rule and factor with its facts in words."""
    shown = {r.id: r for r in records}
    return [
        {"rule": r, "said": [say(n, f, shown) for n, f in r["facts"].items()]}
        for r in [*assessment["rules"], *assessment["factors"]]
    ]


def departure_sources(engine: Engine) -> list[str]:
    """The departure evidence loaded into the store, in words (the sources a departure would
    have been found in): each departure provenance of a departure source, self-departures,
    removals."""
    query = select(batches.c.kind).where(batches.c.state == "complete").distinct()
    with engine.connect() as conn:
        kinds = set(conn.execute(query).scalars())
    out = []
    if "departure" in kinds:
        out += [EXITS.get(c, c) for c in vocabularies().get("departure_provenance", ())]
    return out + [words for kind, words in OTHER_EXITS.items() if kind in kinds]


def presence(
    assessment: Mapping[str, Any], records: Sequence[RecordView], linked: Mapping[str, float]
) -> Said | None:
    """Whether the person is in the U.S., in words, with the record that last places them
    here and its link confidence (as a rule that read it saw it; else the lowest link
    probability of its records, ``linked``: a judged or first record counts as certain)."""
    value = assessment["facts"].get("in_us")
    if value is None:
        return None
    read = [r["facts"]["in_us"] for r in [*assessment["rules"], *assessment["factors"]]
            if "in_us" in r["facts"]]  # fmt: skip
    if read:
        fact = read[0]
    else:
        ids = [i for i in assessment["evidence"].get("in_us", []) if i in linked]
        sure = min((linked[i] for i in ids), default=None)
        fact = {"value": value, "records": ids, "confidence": sure}
    return say("in_us", fact, {r.id: r for r in records})
