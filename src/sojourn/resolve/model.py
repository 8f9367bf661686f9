"""The Fellegi–Sunter model: per comparison level, m = P(level | same person) and
u = P(level | different people); a pair's match weight is the prior log-odds plus the sum of
log2(m/u) over its levels (a missing value adds nothing).

Trained without labels by expectation–maximisation over the candidate pairs' comparison
vectors (u starts from random record pairs), grouped into distinct patterns first so EM
costs the number of patterns, not pairs. The model is
saved as a versioned JSON file; its version is the hash of its parameters, and every link made
with it will carry that version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from sojourn.resolve.compare import COMPARISONS, MISSING

FLOOR = 1e-6


@dataclass(frozen=True)
class Model:
    """Trained parameters: ``m[c][level]``, ``u[c][level]`` and the prior match share."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float
    trained_at: str

    @property
    def version(self) -> str:
        """A short hash of the parameters."""
        body = json.dumps([self.m, self.u, self.prior], sort_keys=True).encode()
        return hashlib.sha256(body).hexdigest()[:12]

    def weight(self, comparison: str, level: int) -> float:
        """log2(m/u) of one level; 0 for a missing value."""
        if level == MISSING:
            return 0.0
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def save(self, path: Path) -> None:
        data = {"version": self.version, "trained_at": self.trained_at, "prior": self.prior,
                "levels": COMPARISONS, "m": self.m, "u": self.u}  # fmt: skip
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Model:
        data = json.loads(path.read_text(encoding="utf-8"))
        model = cls(data["m"], data["u"], data["prior"], data["trained_at"])
        if model.version != data["version"]:
            raise ValueError(f"{path}: parameters do not match the recorded version")
        return model


def level_shares(vectors: pl.DataFrame, comparison: str) -> list[float]:
    """The share of each level among non-missing values (index = level)."""
    n_levels = len(COMPARISONS[comparison])
    values = vectors[comparison].to_numpy()
    present = values[values != MISSING]
    counts = np.bincount(present.astype(np.int64), minlength=n_levels)
    shares = (counts + FLOOR) / (counts.sum() + FLOOR * n_levels)
    return [float(x) for x in shares[:n_levels]]


def train(candidates: pl.DataFrame, randoms: pl.DataFrame, iterations: int = 30) -> Model:
    """EM over the ``candidates`` vectors, starting u from ``randoms`` (random pairs, almost
    all different people). Both m and u are re-estimated, because different people who land
    in the same block agree far more than random pairs do; the probabilities are then those
    of a candidate pair."""
    u = {c: level_shares(randoms, c) for c in COMPARISONS}
    patterns = candidates.group_by(list(COMPARISONS)).agg(pl.len().alias("n"))
    levels = patterns.select(list(COMPARISONS)).to_numpy().astype(np.int64)
    counts = patterns["n"].to_numpy().astype(np.float64)
    m = {c: _initial_m(len(COMPARISONS[c])) for c in COMPARISONS}
    prior = 0.3
    for _ in range(iterations):
        posterior = _posterior(levels, m, u, prior)
        m = _m_step(levels, counts * posterior)
        u = _m_step(levels, counts * (1.0 - posterior))
        prior = float((counts * posterior).sum() / counts.sum())
        prior = min(max(prior, FLOOR), 1 - FLOOR)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return Model(m, u, min(max(prior, FLOOR), 1 - FLOOR), now)


def _initial_m(n_levels: int) -> list[float]:
    raw = np.array([2.0**i for i in range(n_levels)])
    return [float(x) for x in raw / raw.sum()]


def _log_ratio(levels: np.ndarray, probs: dict[str, list[float]]) -> np.ndarray:
    total = np.zeros(levels.shape[0])
    for j, comparison in enumerate(COMPARISONS):
        table = np.log(np.array(probs[comparison]))
        column = levels[:, j]
        total += np.where(column == MISSING, 0.0, table[np.clip(column, 0, None)])
    return total


def _posterior(
    levels: np.ndarray, m: dict[str, list[float]], u: dict[str, list[float]], prior: float
) -> np.ndarray:
    log_odds = math.log(prior / (1 - prior)) + _log_ratio(levels, m) - _log_ratio(levels, u)
    result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -50, 50)))
    return result


def _m_step(levels: np.ndarray, weights: np.ndarray) -> dict[str, list[float]]:
    m: dict[str, list[float]] = {}
    for j, comparison in enumerate(COMPARISONS):
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
    return vectors.with_columns(weight.alias("match_weight")).with_columns(
        (1.0 / (1.0 + (2.0 ** (-pl.col("match_weight"))))).alias("match_probability")
    )
