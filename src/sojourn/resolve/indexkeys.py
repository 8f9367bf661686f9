"""What the real-time index keeps of a record and how it weighs a pair (``realtime.Index``):
the stored comparison and blocking values (``STORED``), each blocking rule's keys from them
(``RuleKeys``, as ``blocking._keys`` makes them) and the match weight of a comparison vector
(``Weights``, the same floats as ``model.score``)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from itertools import product
from operator import itemgetter
from typing import Any

import polars as pl

from sojourn.resolve.blocking import RULES, BlockingRule
from sojourn.resolve.compare import COMPARED, COMPARISONS, MISSING
from sojourn.resolve.explain import tf_adjustment
from sojourn.resolve.features import SOURCE_COLUMNS, features
from sojourn.resolve.model import Model, apart, capped

#: The feature columns that ``compare_one`` reads.
#: The columns kept per record: the compared ones and the blocking ones.
STORED = tuple(dict.fromkeys((*COMPARED, *(c for rule in RULES for c in rule.columns))))


def _list_columns() -> frozenset[str]:
    """The list columns of ``features`` (from its schema on no records)."""
    empty = pl.DataFrame(schema=dict.fromkeys(SOURCE_COLUMNS, pl.Utf8))
    return frozenset(n for n, t in features(empty).schema.items() if isinstance(t, pl.List))


LISTS = _list_columns()
LIST_SLOTS = tuple(i for i, column in enumerate(STORED) if column in LISTS)


class Weights:
    """Match weights of comparison vectors: the sums of ``explain.explain_vector`` (prior, then
    each comparison in ``COMPARISONS`` order, then the term-frequency adjustment) from tables
    looked up once, so the floats are the same as explain's and ``model.score``'s."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.prior = model.prior_weight()
        self.tables, self.apart_tables = (
            tuple(
                (name, tuple(model.field_weight(name, lvl, a) for lvl in range(MISSING, len(ls))))
                for name, ls in COMPARISONS.items()
            )
            for a in (False, True)
        )

    def weight(self, vector: Mapping[str, Any]) -> float:
        total = self.prior
        tables = self.apart_tables if apart(vector) else self.tables
        for name, table in tables:
            total = total + table[vector[name] - MISSING]
        return capped(total + tf_adjustment(self.model, vector), vector)


class RuleKeys:
    """The blocking keys of one rule from a record's stored values (``STORED`` order), as
    ``blocking._keys`` makes them: a missing value gives none, a list column (a tuple here)
    one key per element; a key is the value itself for a one-column rule, else the tuple of
    the rule's values."""

    def __init__(self, rule: BlockingRule) -> None:
        self.rule = rule
        self._get = itemgetter(*(STORED.index(c) for c in rule.columns))
        self._single = len(rule.columns) == 1
        self._lists = frozenset(i for i, c in enumerate(rule.columns) if c in LISTS)

    def keys(self, values: tuple[Any, ...]) -> list[Hashable]:
        key = self._get(values)
        if self._lists:
            return self._expanded((key,) if self._single else key)
        if self._single:
            return [] if key is None else [key]
        return [] if None in key else [key]

    def _expanded(self, parts: tuple[Any, ...]) -> list[Hashable]:
        if None in parts:
            return []
        elements = [
            [v for v in part if v is not None] if i in self._lists else [part]
            for i, part in enumerate(parts)
        ]
        if self._single:
            return list(dict.fromkeys(elements[0]))
        return list(dict.fromkeys(product(*elements)))


KEYS = tuple(RuleKeys(rule) for rule in RULES)


def stored(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """A feature row's ``STORED`` values, list columns as tuples."""
    return tuple(frozen(row[column]) for column in STORED)


def frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def shared(values: list[Any], pool: dict[Any, Any]) -> tuple[Any, ...]:
    """``STORED`` values (from a features row) as a tuple of pooled objects: most values
    (names, dates, places) recur across the records of one person and between persons."""
    for slot in LIST_SLOTS:
        if values[slot] is not None:
            values[slot] = tuple(values[slot])
    return tuple(map(pool.setdefault, values, values))
