"""The Fellegi–Sunter model: per comparison level, m = P(level | same person) and
u = P(level | different people); a pair's match weight is the prior log-odds plus the sum of
log2(m/u) over its levels (a missing value adds nothing).

Trained without labels, as Splink does: u from random record pairs; m by
expectation–maximisation in sessions, one per blocking rule, each estimating only the
comparisons its rule does not block on; the prior (two random records match) by a fixed
point over the candidates. Vectors are grouped into distinct patterns first, so EM costs the
number of patterns, not pairs. The model is
saved as a versioned JSON file; its version is the hash of its parameters, and every link made
with it will carry that version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import polars as pl

from sojourn.resolve.compare import COMPARISONS, EXACT_NAME, MISSING

FLOOR = 1e-6


@dataclass(frozen=True)
class Model:
    """Trained parameters: ``m[c][level]``, ``u[c][level]`` and the prior match share."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float
    trained_at: str
    #: Term frequencies of names more common than the average exact name match: an exact
    #: match on such a name weighs log2(m / frequency) instead of log2(m / u).
    name_tf: dict[str, float] = field(default_factory=dict)

    @cached_property
    def version(self) -> str:
        """A short hash of the parameters."""
        body = json.dumps([self.m, self.u, self.prior, self.name_tf], sort_keys=True).encode()
        return hashlib.sha256(body).hexdigest()[:12]

    def weight(self, comparison: str, level: int) -> float:
        """log2(m/u) of one level; 0 for a missing value."""
        if level == MISSING:
            return 0.0
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def to_json(self) -> str:
        """The model file's text: parameters, level names and version."""
        data = {
            "version": self.version,
            "trained_at": self.trained_at,
            "prior": self.prior,
            "levels": COMPARISONS,
            "m": self.m,
            "u": self.u,
            "name_tf": self.name_tf,
        }
        return json.dumps(data, indent=2)

    @classmethod
    def from_json(cls, text: str, source: str = "model") -> Model:
        """A model from its file's text; the recorded version must match the parameters."""
        data = json.loads(text)
        if data.get("levels") != {k: list(v) for k, v in COMPARISONS.items()}:
            raise ValueError(f"{source}: made for other comparison levels; retrain")
        model = cls(data["m"], data["u"], data["prior"], data["trained_at"], data["name_tf"])
        if model.version != data["version"]:
            raise ValueError(f"{source}: parameters do not match the recorded version")
        return model

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Model:
        return cls.from_json(path.read_text(encoding="utf-8"), str(path))


def level_shares(vectors: pl.DataFrame, comparison: str) -> list[float]:
    """The share of each level among non-missing values (index = level)."""
    n_levels = len(COMPARISONS[comparison])
    values = vectors[comparison].to_numpy()
    present = values[values != MISSING]
    counts = np.bincount(present.astype(np.int64), minlength=n_levels)
    shares = (counts + FLOOR) / (counts.sum() + FLOOR * n_levels)
    return [float(x) for x in shares[:n_levels]]


@dataclass(frozen=True)
class Session:
    """An EM session: the candidate pairs one blocking rule found. The comparisons the rule
    blocks on agree by construction there, so only the others' m are estimated from it."""

    rule: str
    blocked: frozenset[str]


SESSIONS: tuple[Session, ...] = (
    Session("passport", frozenset({"passport"})),
    Session("a_number", frozenset({"a_number"})),
    Session("dob_name", frozenset({"birth_date", "name"})),
    Session("postcode_dob", frozenset({"postcode", "birth_date"})),
    Session("postcode_skeleton", frozenset({"postcode", "name"})),
    Session("address", frozenset({"address"})),
)


MIN_SESSION_PAIRS = 100


def u_from_pairs(randoms: pl.DataFrame) -> dict[str, list[float]]:
    """u of every comparison: its level shares among random pairs."""
    return {c: level_shares(randoms, c) for c in COMPARISONS}


def train(
    candidates: pl.DataFrame,
    randoms: pl.DataFrame | dict[str, list[float]],
    records: int,
    names: pl.Series | None = None,
    iterations: int = 25,
) -> Model:
    """u from ``randoms`` (random pairs: almost all different people; or u itself), kept
    fixed; m by EM in one session per blocking rule (``candidates`` has a ``rules`` list
    column), each comparison's m the average of the sessions' estimates weighted by the
    matches in which it was present (a comparison no session saw gets m = u: no weight);
    then the prior, the chance that two random records match, by a fixed point over all
    candidates (nearly every match is a candidate) and the ``records`` count."""
    u = randoms if isinstance(randoms, dict) else u_from_pairs(randoms)
    estimates: dict[str, list[tuple[list[float], float]]] = {c: [] for c in COMPARISONS}
    for session in SESSIONS:
        subset = candidates.filter(pl.col("rules").list.contains(session.rule))
        free = [c for c in COMPARISONS if c not in session.blocked]
        if subset.height >= MIN_SESSION_PAIRS:
            for comparison, found in _session_m(subset, free, u, iterations).items():
                estimates[comparison].append(found)
    m = {c: _weighted(estimates[c], u[c]) for c in COMPARISONS}
    prior = _prior(candidates, m, u, records)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return Model(m, u, prior, now, _name_tf(names, u["name"][EXACT_NAME]))


def _name_tf(names: pl.Series | None, base_u: float) -> dict[str, float]:
    """Frequency of each name (one per record in ``names``) above ``base_u``."""
    if names is None or names.is_empty():
        return {}
    counts = names.drop_nulls().value_counts(name="n")
    total = float(names.drop_nulls().len())
    common = counts.filter(pl.col("n") / total > base_u)
    return {str(k): float(v) / total for k, v in common.iter_rows()}


def _session_m(
    subset: pl.DataFrame, free: list[str], u: dict[str, list[float]], iterations: int
) -> dict[str, tuple[list[float], float]]:
    """Each free comparison's m in this session, and the expected matches it was present in."""
    # Sorted: the same patterns in the same order give the same floating-point sums.
    patterns = subset.group_by(free).agg(pl.len().alias("n")).sort(free)
    levels = patterns.select(free).to_numpy().astype(np.int64)
    counts = patterns["n"].to_numpy().astype(np.float64)
    m = {c: _initial_m(len(COMPARISONS[c])) for c in free}
    u_free = {c: u[c] for c in free}
    prior = 0.5
    for _ in range(iterations):
        posterior = _posterior(levels, m, u_free, prior, free)
        m = _m_step(levels, counts * posterior, free)
        prior = min(max(float((counts * posterior).sum() / counts.sum()), FLOOR), 1 - FLOOR)
    mass = counts * _posterior(levels, m, u_free, prior, free)
    present = {c: float(mass[levels[:, j] != MISSING].sum()) for j, c in enumerate(free)}
    return {c: (m[c], present[c]) for c in free}


def _weighted(found: list[tuple[list[float], float]], u: list[float]) -> list[float]:
    total = sum(weight for _, weight in found)
    if total < 1.0:
        return list(u)
    mixed = np.zeros(len(u))
    for shares, weight in found:
        mixed += np.array(shares) * weight
    return [float(x) for x in mixed / total]


def _prior(
    candidates: pl.DataFrame, m: dict[str, list[float]], u: dict[str, list[float]], records: int
) -> float:
    names = list(COMPARISONS)
    patterns = candidates.group_by(names).agg(pl.len().alias("n")).sort(names)
    levels = patterns.select(names).to_numpy().astype(np.int64)
    counts = patterns["n"].to_numpy().astype(np.float64)
    total_pairs = max(records * (records - 1) / 2, 1.0)
    prior = min(float(counts.sum()) / total_pairs, 0.5)
    for _ in range(50):
        expected = float((counts * _posterior(levels, m, u, prior, names)).sum())
        prior = min(max(expected / total_pairs, 1e-12), 0.5)
    return prior


def _initial_m(n_levels: int) -> list[float]:
    raw = np.array([2.0**i for i in range(n_levels)])
    return [float(x) for x in raw / raw.sum()]


def _log_ratio(levels: np.ndarray, probs: dict[str, list[float]], names: list[str]) -> np.ndarray:
    total = np.zeros(levels.shape[0])
    for j, comparison in enumerate(names):
        table = np.log(np.array(probs[comparison]))
        column = levels[:, j]
        total += np.where(column == MISSING, 0.0, table[np.clip(column, 0, None)])
    return total


def _posterior(
    levels: np.ndarray,
    m: dict[str, list[float]],
    u: dict[str, list[float]],
    prior: float,
    names: list[str],
) -> np.ndarray:
    log_odds = (
        math.log(prior / (1 - prior)) + _log_ratio(levels, m, names) - _log_ratio(levels, u, names)
    )
    result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -50, 50)))
    return result


def _m_step(levels: np.ndarray, weights: np.ndarray, names: list[str]) -> dict[str, list[float]]:
    m: dict[str, list[float]] = {}
    for j, comparison in enumerate(names):
        n_levels = len(COMPARISONS[comparison])
        column = levels[:, j]
        present = column != MISSING
        sums = np.bincount(column[present], weights=weights[present], minlength=n_levels)
        shares = (sums + FLOOR) / (sums.sum() + FLOOR * n_levels)
        m[comparison] = [float(x) for x in shares[:n_levels]]
    return m


def score(vectors: pl.DataFrame, model: Model) -> pl.DataFrame:
    """``vectors`` with ``match_weight`` and ``match_probability`` columns."""
    weight = pl.lit(model.prior_weight())
    for comparison in COMPARISONS:
        levels = range(MISSING, len(COMPARISONS[comparison]))
        table = {level: model.weight(comparison, level) for level in levels}
        weight = weight + pl.col(comparison).replace_strict(table, return_dtype=pl.Float64)
    if model.name_tf and "name_value" in vectors.columns:
        m_exact = model.m["name"][EXACT_NAME]
        tf = pl.col("name_value").replace_strict(
            model.name_tf, default=None, return_dtype=pl.Float64
        )
        adjust = (pl.lit(m_exact) / tf).log(2) - model.weight("name", EXACT_NAME)
        weight = weight + pl.when(tf.is_not_null()).then(adjust).otherwise(0.0)
    return vectors.with_columns(weight.alias("match_weight")).with_columns(
        (1.0 / (1.0 + (2.0 ** (-pl.col("match_weight"))))).alias("match_probability")
    )
