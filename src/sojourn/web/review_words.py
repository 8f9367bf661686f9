"""Identity reviews in plain words: each comparison's name, each comparison level as a verdict
a reviewer reads at a glance ("Same", "Differs", "Close: similar spelling", "Missing in one
record": a value missing on one side is no conflict), and a review's reason as the fields
that agree, differ and are close."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sojourn.resolve.levels import COMPARISONS, MISSING

#: Comparisons shown in a review, by the field group they need (else ``identity``).
COMPARISON_GROUPS = {
    "a_number": "identifiers", "passport": "identifiers", "other_id": "identifiers",
    "address": "address", "postcode": "address",
}  # fmt: skip
LABELS = {
    "name": "Name", "middle_initial": "Middle initial", "birth_date": "Date of birth",
    "sex": "Sex", "nationality": "Nationality", "a_number": "A-number",
    "passport": "Passport number", "other_id": "Other identifiers (SEVIS, FBI, SSN)",
    "address": "Address", "postcode": "Postcode", "birth_place": "Place of birth",
}  # fmt: skip
#: Levels between "different" and "same", by (comparison, level name): kind and words.
BETWEEN: dict[tuple[str, str], tuple[str, str]] = {
    ("name", "shared variant"): ("close", "Close: a known variant of the name"),
    ("name", "jw>=0.88"): ("close", "Close: similar spelling"),
    ("name", "same skeleton and shape"): ("close", "Close: sounds alike"),
    ("name", "jw>=0.95"): ("close", "Close: a letter or two apart"),
    ("name", "one name's tokens within the other's"): ("close", "Close: one contains the other"),
    ("middle_initial", "on one side only"): ("missing", "Missing in one record"),
    ("birth_date", "same year"): ("differs", "Differs: only the year is the same"),
    ("birth_date", "one digit or one day"): ("close", "Close: one digit or one day apart"),
    ("birth_date", "partial"): ("close", "Close: one date gives only the year or month"),
    ("birth_date", "day/month swapped"): ("close", "Close: day and month swapped"),
    ("other_id", "one character off"): ("close", "Close: one character off"),
    ("postcode", "one character off"): ("close", "Close: one character off"),
    ("address", "jw>=0.88"): ("close", "Close: similar spelling"),
}  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    kind: str  # same, close, differs, missing
    words: str


#: Why two values both present are not counted for or against (the comparison's *missing*).
NOT_COUNTED = {
    "nationality": "Not counted: a U.S. nationality says nothing against another (dual "
    "nationality, or held before naturalizing)",
}
NOT_COUNTED_ELSE = "Not counted: the two values cannot be compared"


def verdict(
    comparison: str, level: int, both_missing: bool = False, both_present: bool = False
) -> Verdict:
    """A comparison level in plain words (``both_present``: neither value is missing, so a
    *missing* level means the comparison does not count them)."""
    if level == MISSING:
        if both_present:
            return Verdict("missing", NOT_COUNTED.get(comparison, NOT_COUNTED_ELSE))
        return Verdict("missing", "In neither record" if both_missing else "Missing in one record")
    name = COMPARISONS[comparison][level]
    if (comparison, name) in BETWEEN:
        return Verdict(*BETWEEN[(comparison, name)])
    if name == "different":
        return Verdict("differs", "Differs")
    return Verdict("same", "Same")


def shown(comparison: str, groups: frozenset[str]) -> bool:
    """Whether a caller with these field groups may see the comparison's values."""
    return COMPARISON_GROUPS.get(comparison, "identity") in groups


def reason(vector: Mapping[str, Any], groups: frozenset[str]) -> str:
    """Why a pair needs a person: what differs, what is close, what is the same (only the
    comparisons the caller may see)."""
    kinds: dict[str, list[str]] = {"differs": [], "close": [], "same": []}
    for comparison in COMPARISONS:
        if shown(comparison, groups) and comparison in vector:
            said = verdict(comparison, int(vector[comparison]))
            if said.kind in kinds:
                kinds[said.kind].append(LABELS[comparison].split(" (")[0].lower())
    heads = {"differs": "Differs", "close": "Close", "same": "Same"}
    parts = [f"{heads[k]}: {', '.join(v)}" for k, v in kinds.items() if v]
    return ". ".join(parts) + "." if parts else "Nothing to compare."


def weight_words(weight: float) -> str:
    """A field's match weight in words."""
    if weight >= 1:
        return "for the same person"
    if weight <= -1:
        return "against"
    return "little either way"
