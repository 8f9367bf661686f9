"""The status rules, as data: ``status/rules/*.yaml``, loaded and validated at start-up.

Each rule has an id, a title, a legal citation, optional effective dates, optional classes of
admission or forms it applies to, and parameters. Several versions of one id may exist with
effective ranges that do not overlap: the version in force on a date is the one whose range
holds it. A rule with ``status: proposed`` (a rule not yet final, such as the 2025 proposal to
replace duration of status with fixed periods) is used only when a caller asks for proposed
rules, so that it can be added, dated and compared without touching the engine.

A file that breaks any of this fails to load with an error naming the file, the rule and the
key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from sojourn.records.codes import vocabularies
from sojourn.yamlsafe import YamlError, load_yaml

RULES_DIR = Path(__file__).with_name("rules")
_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_KEYS = {"id", "title", "citation", "effective", "status", "classes", "forms", "params"}
_STATUSES = ("final", "proposed")


class RuleError(ValueError):
    """A rule file that cannot be used."""


@dataclass(frozen=True)
class Rule:
    """One version of one rule."""

    id: str
    title: str
    citation: str
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    status: str = "final"
    classes: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    params: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def in_force(self, on: dt.date) -> bool:
        """Whether this version is in force on ``on`` (``to`` is the last day)."""
        after_start = self.effective_from is None or self.effective_from <= on
        return after_start and (self.effective_to is None or on <= self.effective_to)

    def param(self, name: str) -> Any:
        if name not in self.params:
            raise KeyError(f"rule {self.id} ({self.source}) has no parameter {name!r}")
        return self.params[name]


class RuleBook:
    """Every version of every rule, looked up by id and date."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.versions: dict[str, list[Rule]] = {}
        self._found: dict[tuple[str, dt.date, bool], Rule | None] = {}
        for rule in rules:
            self.versions.setdefault(rule.id, []).append(rule)
        for versions in self.versions.values():
            _check_overlaps(versions)

    def __len__(self) -> int:
        return sum(len(v) for v in self.versions.values())

    def rule(self, rule_id: str, on: dt.date, proposed: bool = False) -> Rule | None:
        """The version of ``rule_id`` in force on ``on`` (None if none is)."""
        key = (rule_id, on, proposed)
        try:
            return self._found[key]
        except KeyError:
            found = self._found[key] = self._lookup(rule_id, on, proposed)
            return found

    def _lookup(self, rule_id: str, on: dt.date, proposed: bool) -> Rule | None:
        if rule_id not in self.versions:
            raise KeyError(f"no rule {rule_id!r}")
        found = [
            r
            for r in self.versions[rule_id]
            if r.in_force(on) and (proposed or r.status == "final")
        ]
        return found[0] if found else None

    def require(self, rule_id: str, on: dt.date, proposed: bool = False) -> Rule:
        """Like ``rule``, but a rule must be in force."""
        found = self.rule(rule_id, on, proposed)
        if found is None:
            raise LookupError(f"rule {rule_id!r} is not in force on {on.isoformat()}")
        return found


def load_rules(directory: Path = RULES_DIR) -> RuleBook:
    """Load and validate every ``*.yaml`` rule file of ``directory``."""
    rules: list[Rule] = []
    for path in sorted(directory.glob("*.yaml")):
        rules.extend(_load_file(path))
    if not rules:
        raise RuleError(f"{directory}: no rule files")
    return RuleBook(rules)


@lru_cache(maxsize=1)
def default_rules() -> RuleBook:
    """The built-in rule book, loaded once."""
    return load_rules()


def _load_file(path: Path) -> list[Rule]:
    try:
        data = load_yaml(path)
    except YamlError as exc:
        raise RuleError(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{path.name}: expected a top-level 'rules' list")
    return [_rule(path.name, i, raw) for i, raw in enumerate(data["rules"])]


def _rule(source: str, index: int, raw: Any) -> Rule:
    where = f"{source}: rules[{index}]"
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: a rule is a mapping of keys")
    where = f"{source}: rule {raw.get('id', index)!s}"
    unknown = set(raw) - _KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("id", "title", "citation"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleError(f"{where}: '{key}' is required text")
    if not _ID.match(raw["id"]):
        raise RuleError(f"{where}: 'id' must be dotted lower-case words")
    start, end = _effective(where, raw.get("effective") or {})
    status = raw.get("status", "final")
    if status not in _STATUSES:
        raise RuleError(f"{where}: 'status' must be one of {_STATUSES}")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise RuleError(f"{where}: 'params' must be a mapping")
    return Rule(
        raw["id"], raw["title"], raw["citation"], start, end, status,
        _codes(where, raw, "classes", "class_of_admission"),
        _codes(where, raw, "forms", "benefit_form"), params, source,
    )  # fmt: skip


def _effective(where: str, raw: Any) -> tuple[dt.date | None, dt.date | None]:
    if not isinstance(raw, dict) or set(raw) - {"from", "to"}:
        raise RuleError(f"{where}: 'effective' takes 'from' and 'to' dates")
    for key in ("from", "to"):
        if raw.get(key) is not None and not isinstance(raw[key], dt.date):
            raise RuleError(f"{where}: effective.{key} must be a date (YYYY-MM-DD)")
    start, end = raw.get("from"), raw.get("to")
    if start and end and end < start:
        raise RuleError(f"{where}: effective.to is before effective.from")
    return start, end


def _codes(where: str, raw: dict[str, Any], key: str, vocabulary: str) -> frozenset[str]:
    values = raw.get(key, [])
    if not isinstance(values, list):
        raise RuleError(f"{where}: '{key}' must be a list")
    known = set(vocabularies()[vocabulary])
    unknown = [v for v in values if v not in known]
    if unknown:
        raise RuleError(f"{where}: {key} {unknown} not in the {vocabulary} code list")
    return frozenset(values)


def _check_overlaps(versions: list[Rule]) -> None:
    """Versions of one rule with the same status must not be in force on the same day."""
    low, high = dt.date.min, dt.date.max
    for status in _STATUSES:
        spans = sorted(
            ((r.effective_from or low, r.effective_to or high, r) for r in versions
             if r.status == status),
            key=lambda span: span[0],
        )  # fmt: skip
        for (_, end, first), (start, _, second) in pairwise(spans):
            if start <= end:
                raise RuleError(
                    f"rule {second.id}: versions in {first.source} and {second.source} "
                    "are in force on the same days"
                )
