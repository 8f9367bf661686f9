"""An assessment: the active policy's rules over a person's facts, and the hard stops.

The priority is the highest tier whose rule fired on facts whose links are above the identity
threshold (a rule resting on a grey-band link is shown, never counted); every fired rule
lists the facts it read with their values, the records behind them and the identity
confidence of their links.
Factors (aggravating, mitigating) are listed for the human who decides, never scored. A hard
stop makes the assessment not enforcement-ready and names the review it opens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sojourn.priority.facts import Facts
from sojourn.priority.hardstops import Stop, applied
from sojourn.priority.policy import Policy, Rule


@dataclass(frozen=True)
class Fired:
    rule_id: str
    tier: str  # the tier, or aggravating / mitigating for a factor
    citation: str
    facts: dict[str, Any]  # name → {value, records, confidence}
    #: False when a fact it reads rests on a link below the identity threshold: such a rule
    #: is shown but never supports a priority.
    supported: bool = True


@dataclass(frozen=True)
class Assessment:
    person_id: str
    as_of: dt.date
    policy: str  # id@version
    priority: str | None
    rules: tuple[Fired, ...]
    factors: tuple[Fired, ...]
    stops: tuple[Stop, ...]
    facts: dict[str, Any]
    #: The records behind each fact (every fact, cited by a rule or not).
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def enforcement_ready(self) -> bool:
        return self.priority is not None and not self.stops


def _fired(rule: Rule, facts: Facts, threshold: float) -> Fired:
    cited = {
        n: {
            "value": facts.values.get(n),
            "records": list(facts.evidence.get(n, ())),
            "confidence": facts.confidence.get(n, 1.0),
        }
        for n in rule.facts
    }
    weak = any(facts.confidence.get(n, 1.0) < threshold for n in rule.facts)
    return Fired(rule.id, rule.tier, rule.citation, cited, not weak)


def assess(
    policy: Policy, facts: Facts, person_id: str, as_of: dt.date, threshold: float
) -> Assessment:
    """The person's assessment under ``policy`` (facts as of ``as_of``)."""
    rules = [_fired(r, facts, threshold) for r in policy.rules if r.fires(facts.values)]
    factors = [_fired(r, facts, threshold) for r in policy.factors if r.fires(facts.values)]
    tiers = [t for t in policy.tiers if any(r.tier == t and r.supported for r in rules)]
    cited = {n for r in rules for n in r.facts}
    stops = applied(facts, cited, threshold)
    return Assessment(
        person_id, as_of, policy.key, tiers[0] if tiers else None, tuple(rules),
        tuple(factors), tuple(stops), dict(facts.values), dict(facts.evidence),
    )  # fmt: skip
