"""The Fellegi–Sunter model: per comparison level, m = P(level | same person) and
u = P(level | different people); a pair's match weight is the prior log-odds plus the sum of
log2(m/u) over its levels (a missing value adds nothing).

Trained without labels (``training.py``): u from random record pairs, m by
expectation–maximisation in sessions (``em.py``), the prior checked against deterministic
rules (``prior.py``). The model is saved as a versioned JSON file; its version is the hash of
its parameters, and every link made with it will carry that version. Its ``diagnostics``
(how training went) are kept beside the parameters but are not part of the version.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sojourn.resolve.compare import COMPARISONS, EXACT_NAME, MISSING

FLOOR = 1e-6


class OutdatedModelError(ValueError):
    """A saved model made for other comparison levels (an older sojourn): it cannot score."""


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
    #: Placeholder and generic values (feature column → values) read as missing.
    generic: dict[str, list[str]] = field(default_factory=dict)
    #: u of what households share (``household.py``) among records of different people with
    #: one family name: used instead of u for a pair whose names are not close.
    household_u: dict[str, list[float]] = field(default_factory=dict)
    #: How training went: sessions, EM convergence, the prior's estimates. Not versioned.
    diagnostics: dict[str, Any] = field(default_factory=dict, compare=False)

    @cached_property
    def version(self) -> str:
        """A short hash of the parameters."""
        params: list[Any] = [self.m, self.u, self.prior, self.name_tf]
        if self.generic:
            params.append(self.generic)
        if self.household_u:
            params.append({"household_u": self.household_u})
        body = json.dumps(params, sort_keys=True).encode()
        return hashlib.sha256(body).hexdigest()[:12]

    def weight(self, comparison: str, level: int) -> float:
        """log2(m/u) of one level; 0 for a missing value."""
        if level == MISSING:
            return 0.0
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def field_weight(self, comparison: str, level: int, apart: bool) -> float:
        """``weight``, or for an agreement on what households share between records whose
        names are not close (``apart``), log2(m/u) with the households' u where that is the
        larger u (a disagreement weighs as ever)."""
        u = self.household_u.get(comparison) if apart else None
        if level < 1 or u is None or u[level] <= self.u[comparison][level]:
            return self.weight(comparison, level)
        return math.log2(self.m[comparison][level] / u[level])

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
            "generic": self.generic,
            "household_u": self.household_u,
            "diagnostics": self.diagnostics,
        }
        return json.dumps(data, indent=2)

    @classmethod
    def from_json(cls, text: str, source: str = "model") -> Model:
        """A model from its file's text; the recorded version must match the parameters."""
        data = json.loads(text)
        if data.get("levels") != {k: list(v) for k, v in COMPARISONS.items()}:
            raise OutdatedModelError(f"{source}: made for other comparison levels; retrain")
        model = cls(
            data["m"], data["u"], data["prior"], data["trained_at"], data["name_tf"],
            data.get("generic", {}), data.get("household_u", {}), data.get("diagnostics", {}),
        )  # fmt: skip
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


#: A pair with no evidence of identity (see ``identified``) weighs at most this many bits: a
#: shared address, postcode or family name is what a household shares, never alone enough to
#: link two records, nor to ask a person to.
#: Low enough (a probability of about one in a thousand) that such pairs weigh nothing in the
#: matches the model expects when it chooses thresholds (``thresholds.py``).
HOUSEHOLD_CAP = -10.0
#: The identifiers whose agreement is evidence of identity on its own.
IDENTIFIERS = ("a_number", "passport", "other_id")
#: A name at least this close (Jaro–Winkler ≥ 0.88), or a birth date at least this close (one
#: digit), is evidence of identity.
NAME_EVIDENCE, DATE_EVIDENCE = 2, 2


def identified(vector: Mapping[str, Any]) -> bool:
    """Whether a comparison vector carries evidence of identity (scalar path): a shared
    identifier, a close name or a close birth date."""
    return (
        any(int(vector[c]) >= 1 for c in IDENTIFIERS)
        or int(vector["name"]) >= NAME_EVIDENCE
        or int(vector["birth_date"]) >= DATE_EVIDENCE
    )


def identified_expr() -> pl.Expr:
    """``identified`` as an expression over a frame of comparison vectors (batch path)."""
    return pl.any_horizontal(
        *(pl.col(c) >= 1 for c in IDENTIFIERS),
        pl.col("name") >= NAME_EVIDENCE,
        pl.col("birth_date") >= DATE_EVIDENCE,
    )


def apart(vector: Mapping[str, Any]) -> bool:
    """Whether a pair's names are present and not close and no identifier agrees: what a
    household shares says little about such a pair (``Model.field_weight``)."""
    return 0 <= int(vector["name"]) < NAME_EVIDENCE and not any(
        int(vector[c]) >= 1 for c in IDENTIFIERS
    )


def apart_expr() -> pl.Expr:
    """``apart`` over a frame of comparison vectors."""
    names = pl.col("name").is_between(0, NAME_EVIDENCE - 1)
    return names & ~pl.any_horizontal(pl.col(c) >= 1 for c in IDENTIFIERS)


def capped(weight: float, vector: Mapping[str, Any]) -> float:
    """``weight`` held to ``HOUSEHOLD_CAP`` when the vector is not ``identified``."""
    return weight if weight <= HOUSEHOLD_CAP or identified(vector) else HOUSEHOLD_CAP


def score(vectors: pl.DataFrame, model: Model) -> pl.DataFrame:
    """``vectors`` with ``match_weight`` and ``match_probability`` columns."""
    weight = pl.lit(model.prior_weight())
    for comparison in COMPARISONS:
        levels = range(MISSING, len(COMPARISONS[comparison]))
        table = {level: model.weight(comparison, level) for level in levels}
        field = pl.col(comparison).replace_strict(table, return_dtype=pl.Float64)
        if comparison in model.household_u:
            apart = {level: model.field_weight(comparison, level, True) for level in levels}
            household = pl.col(comparison).replace_strict(apart, return_dtype=pl.Float64)
            field = pl.when(apart_expr()).then(household).otherwise(field)
        weight = weight + field
    if model.name_tf and "name_value" in vectors.columns:
        m_exact = model.m["name"][EXACT_NAME]
        tf = pl.col("name_value").replace_strict(
            model.name_tf, default=None, return_dtype=pl.Float64
        )
        adjust = (pl.lit(m_exact) / tf).log(2) - model.weight("name", EXACT_NAME)
        weight = weight + pl.when(tf.is_not_null()).then(adjust).otherwise(0.0)
    weight = pl.when(identified_expr()).then(weight).otherwise(weight.clip(None, HOUSEHOLD_CAP))
    return vectors.with_columns(weight.alias("match_weight")).with_columns(
        (1.0 / (1.0 + (2.0 ** (-pl.col("match_weight"))))).alias("match_probability")
    )
