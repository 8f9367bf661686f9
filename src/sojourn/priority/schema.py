"""The facts a prioritization policy may read, and the words it may never name.

The schema is the whole vocabulary of a policy: a rule's CEL expression may reference only
these names (and the variables of its own comprehensions). Race, ethnicity, religion, sex,
physical description and nationality are not in it; a policy that names one — as a variable,
a field or a quoted key — fails to load with an error naming it (DESIGN.md §1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FactSpec:
    type: str  # CEL type as documented: bool, int, double, string, list<…>, null when unknown
    source: str  # status, records, cases, or officer (a statement recorded on the case)
    description: str


def _f(type_: str, source: str, description: str) -> FactSpec:
    return FactSpec(type_, source, description)


#: The lawful facts, derived for one person as of a date (docs/policy.md documents them).
FACTS: dict[str, FactSpec] = {
    "status": _f("string", "status", "current lifecycle status (status engine)"),
    "in_us": _f("bool", "status", "present in the U.S. on the as-of date, as far as recorded"),
    "departure_confirmed": _f(
        "bool",
        "records",
        "left the U.S. on confirmed evidence (biometric exit, land exchange, "
        "verified self-departure, removal); a carrier manifest alone is not confirmation",
    ),
    "overstay_days": _f("int", "status", "days past the authorized stay (0 if none)"),
    "exit_recording": _f(
        "string|null",
        "records",
        "how exits of the last admission's mode are recorded (status/presence.yaml): "
        "systematic (air, sea), partial (land), unknown; null with no admission",
    ),
    "presence_verified": _f(
        "bool",
        "records",
        "a record places the person in the U.S. after the authorized stay ended "
        "(status/presence.yaml: address filing, custody, criminal case, court appearance, …)",
    ),
    "overstay_unverified": _f(
        "bool",
        "records",
        "an overstay inferred only from a missing departure record: no record places the "
        "person in the U.S. after the stay ended (a suspected overstay, never enforcement)",
    ),
    "unlawful_presence_days": _f("int", "status", "unlawful presence accrued, INA 212(a)(9)(B)"),
    "entry_method": _f(
        "string", "records", "admitted, paroled, without_inspection (charged) or unknown"
    ),
    "entry_date": _f("string|null", "records", "date of the last recorded admission"),
    "class_of_admission": _f("string|null", "records", "class of the last admission"),
    "removal_order": _f("bool", "records", "an immigration judge ordered removal"),
    "removal_order_final": _f("bool", "status", "that order is final (8 CFR 1241.1)"),
    "removal_order_date": _f("string|null", "records", "date of the removal order"),
    "removal_order_in_absentia": _f("bool", "records", "the order was entered in absentia"),
    "in_proceedings": _f("bool", "status", "in removal proceedings with no final order"),
    "pending_applications": _f("list<string>", "records", "forms pending (I-485, I-589, …)"),
    "relief_pending": _f("bool", "records", "asylum (I-589) or adjustment (I-485) pending"),
    "tps": _f("bool", "status", "temporary protected status granted and valid"),
    "convictions": _f(
        "list<map>",
        "records",
        "each conviction: class (aggravated_felony, felony, significant_misdemeanor, "
        "misdemeanor, infraction), category, date, sentence_days",
    ),
    "aggravated_felonies": _f("int", "records", "convictions for aggravated felonies"),
    "felonies": _f("int", "records", "felony convictions (aggravated included)"),
    "significant_misdemeanors": _f("int", "records", "significant misdemeanors (2014 memo)"),
    "misdemeanors": _f("int", "records", "misdemeanors, significant ones included"),
    "years_since_last_conviction": _f("double|null", "records", "null with no conviction"),
    "present_since": _f(
        "string|null", "records", "date of the first record of the current stay in the U.S."
    ),
    "years_in_us": _f("double", "records", "since the first record of the current stay"),
    "age": _f("int|null", "records", "age on the as-of date, from the recorded birth date"),
    "citizenship_evidence": _f("bool", "records", "any evidence of U.S. citizenship"),
    "citizenship_candidate": _f(
        "bool",
        "records",
        "citizenship evidence not linked to the person that could be theirs: a name variant "
        "or typo with a birth date equal, ±1 day or day/month swapped, or the same A-number",
    ),
    "identity_review_open": _f(
        "bool", "records", "an identity review is open on a pair touching the person's records"
    ),
    "open_redress": _f("bool|null", "cases", "a redress request is open for this person"),
    "national_security": _f("bool|null", "officer", "a documented national-security concern"),
    "apprehended_at_border": _f(
        "bool|null",
        "officer",
        "apprehended at the border or a port of entry while attempting to enter unlawfully",
    ),
    "deferred_action": _f(
        "bool|null",
        "officer",
        "deferred action in force (true from the records when the status says so)",
    ),
    "stay_of_removal": _f("bool|null", "officer", "a stay of removal in force"),
    "victim_or_witness": _f("bool|null", "officer", "a victim or witness in proceedings"),
    "caregiver": _f("bool|null", "officer", "primary caregiver or provider for family"),
    "military_service": _f("bool|null", "officer", "military or public service, self or family"),
}

#: Words a policy may never name (DESIGN.md §1): matched against every identifier and quoted
#: string of an expression, whole or as one of its underscore-separated words.
PROTECTED: frozenset[str] = frozenset(
    {
        "race", "racial", "ethnicity", "ethnic", "religion", "religious", "sex", "gender",
        "nationality", "national_origin", "origin", "citizenship_country", "country_of_birth",
        "birth_country", "birth_place", "height", "weight", "eye", "eyes", "eye_color",
        "hair", "hair_color", "complexion", "skin", "scar", "scars", "mark", "marks",
        "tattoo", "tattoos", "physical", "description", "language", "sexual_orientation",
        "political", "party", "name_origin",
    }
)  # fmt: skip

_TOKEN = re.compile(r"""(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<ident>[A-Za-z_]\w*)""")
_BOUND = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")


def protected_names(expression: str) -> list[str]:
    """The protected words an expression names (identifiers and quoted strings)."""
    found = []
    for m in _TOKEN.finditer(expression):
        token = (m.group("string")[1:-1] if m.group("string") else m.group("ident")).lower()
        words = re.split(r"[^a-z0-9]+", token)
        pairs = ["_".join(words[i : i + 2]) for i in range(len(words) - 1)]
        if token in PROTECTED or any(w in PROTECTED for w in (*words, *pairs)):
            found.append(token)
    return sorted(set(found))


def bound_variables(expression: str) -> set[str]:
    """The variables an expression's comprehensions bind (``convictions.exists(c, …)``)."""
    return set(_BOUND.findall(expression))
