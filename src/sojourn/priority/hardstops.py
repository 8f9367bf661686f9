"""Hard stops (``hardstops.yaml``): facts that block enforcement whatever the policy says, and
the review task each one opens instead."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sojourn.priority.facts import Facts
from sojourn.priority.policy import Rule, compile_rule
from sojourn.yamlsafe import load_yaml

FILE = Path(__file__).with_name("hardstops.yaml")
IDENTITY = "uncertain_identity"


@dataclass(frozen=True)
class HardStop:
    id: str
    opens: str  # the review task it opens
    citation: str
    rule: Rule | None  # None: the identity stop, computed from the links


@dataclass(frozen=True)
class Stop:
    """A hard stop that applied: why, and the records behind it."""

    id: str
    opens: str
    citation: str
    facts: tuple[str, ...]
    records: tuple[str, ...]


@lru_cache(maxsize=1)
def hard_stops() -> tuple[HardStop, ...]:
    raw: list[dict[str, Any]] = load_yaml(FILE)
    out = []
    for item in raw:
        rule = None
        if item.get("when"):
            rule = compile_rule(FILE.name, {**item, "kind": "stop"}, ("stop",))
        out.append(HardStop(str(item["id"]), str(item["opens"]), str(item["citation"]), rule))
    return tuple(out)


def _records(facts: Facts, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({r for n in names for r in facts.evidence.get(n, ())}))


def applied(facts: Facts, cited: set[str], threshold: float) -> list[Stop]:
    """The hard stops that apply to these facts; ``cited`` are the facts the fired rules
    rest on (the identity stop looks at their links' confidence)."""
    out = []
    for stop in hard_stops():
        if stop.rule is not None:
            if stop.rule.fires(facts.values):
                names = stop.rule.facts
                out.append(Stop(stop.id, stop.opens, stop.citation, names, _records(facts, names)))
            continue
        weak = tuple(sorted(n for n in cited if facts.confidence.get(n, 1.0) < threshold))
        if weak:
            out.append(Stop(stop.id, stop.opens, stop.citation, weak, _records(facts, weak)))
    return out
