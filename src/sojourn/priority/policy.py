"""Prioritization policies: YAML files (``policies/*.yaml``) of CEL rules over the fact schema,
each rule with its citation; a policy has an id, a version and effective dates.

Loading validates everything: a rule that does not compile, names a fact the schema does not
have, or names a protected attribute fails with an error naming the file, the rule and the
word. Rules put a person in a tier (the first tier listed is the highest); factors
(aggravating or mitigating) never decide anything: they are surfaced for the human who does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sojourn.priority.schema import FACTS, bound_variables, protected_names
from sojourn.yamlsafe import YamlError, load_yaml

POLICIES = Path(__file__).with_name("policies")
FACTOR_KINDS = ("aggravating", "mitigating")


class NoPolicyError(LookupError):
    """No shipped policy is in force on the date asked."""


class PolicyError(ValueError):
    """A policy file that cannot be used (the message names file, rule and problem)."""


@dataclass(frozen=True)
class Rule:
    id: str
    tier: str  # a tier for a rule; aggravating or mitigating for a factor
    when: str
    citation: str
    facts: tuple[str, ...]  # the schema facts the expression reads (its evidence)
    program: Any  # the compiled CEL program

    def fires(self, facts: dict[str, Any]) -> bool:
        """Whether the rule holds (only the facts it reads are handed to CEL)."""
        return self.program.execute({n: facts[n] for n in self.facts}) is True


@dataclass(frozen=True)
class Policy:
    id: str
    version: str
    title: str
    citation: str
    source: str
    effective_from: dt.date
    effective_until: dt.date | None
    tiers: tuple[str, ...]
    rules: tuple[Rule, ...]
    factors: tuple[Rule, ...]
    notes: str

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day < self.effective_until
        )


def compile_rule(where: str, raw: dict[str, Any], kinds: tuple[str, ...]) -> Rule:
    """One rule or factor, validated: ``where`` names the file for error messages."""
    rule_id, when = str(raw.get("id", "?")), raw.get("when")
    at = f"{where}: rule {rule_id!r}"
    for key in ("id", "when", "citation"):
        if not raw.get(key):
            raise PolicyError(f"{at}: missing {key!r}")
    kind = raw.get("tier") or raw.get("kind")
    if kind not in kinds:
        raise PolicyError(f"{at}: {kind!r} is not one of {', '.join(kinds)}")
    named = protected_names(str(when))
    if named:
        raise PolicyError(f"{at}: names a protected attribute: {', '.join(named)}")
    import cel  # the CEL compiler: only where a policy is read, not at every command's start

    try:
        program = cel.compile(str(when))
    except ValueError as exc:
        raise PolicyError(f"{at}: does not compile: {exc}") from exc
    used = set(program.variables()) - bound_variables(str(when))
    unknown = sorted(used - set(FACTS))
    if unknown:
        raise PolicyError(f"{at}: not in the fact schema: {', '.join(unknown)}")
    return Rule(rule_id, str(kind), str(when), str(raw["citation"]), tuple(sorted(used)), program)


def _date(where: str, raw: dict[str, Any], key: str) -> dt.date | None:
    value = raw.get(key)
    if value is None or isinstance(value, dt.date):
        return value
    raise PolicyError(f"{where}: {key!r} must be a date (YYYY-MM-DD), not {value!r}")


def parse_policy(where: str, raw: dict[str, Any]) -> Policy:
    """A policy from its YAML mapping; ``where`` names it in errors."""
    for key in ("id", "version", "title", "citation", "effective_from", "tiers", "rules"):
        if not raw.get(key):
            raise PolicyError(f"{where}: missing {key!r}")
    tiers = tuple(str(t) for t in raw["tiers"])
    rules = tuple(compile_rule(where, r, tiers) for r in raw["rules"])
    factors = tuple(compile_rule(where, r, FACTOR_KINDS) for r in raw.get("factors") or ())
    ids = [r.id for r in (*rules, *factors)]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise PolicyError(f"{where}: rule ids used twice: {', '.join(twice)}")
    start = _date(where, raw, "effective_from")
    assert start is not None
    return Policy(
        str(raw["id"]), str(raw["version"]), str(raw["title"]), str(raw["citation"]),
        str(raw.get("source", "")), start, _date(where, raw, "effective_until"), tiers, rules,
        factors, str(raw.get("notes", "")).strip(),
    )  # fmt: skip


def load_policy(path: Path) -> Policy:
    try:
        raw = load_yaml(path)
    except YamlError as exc:
        raise PolicyError(str(exc)) from exc
    if not isinstance(raw, dict):
        raise PolicyError(f"{path.name}: a policy is a mapping")
    return parse_policy(path.name, raw)


@lru_cache(maxsize=1)
def shipped() -> dict[str, Policy]:
    """The policies in the repository, by key (``id@version``), validated once."""
    found = [load_policy(p) for p in sorted(POLICIES.glob("*.yaml"))]
    return {p.key: p for p in found}


def policy_in_force(day: dt.date) -> Policy:
    """The shipped policy in force on ``day`` (the latest to take effect)."""
    found = sorted(
        (p for p in shipped().values() if p.in_force(day)), key=lambda p: p.effective_from
    )
    if not found:
        raise NoPolicyError(f"no policy is in force on {day}")
    return found[-1]
