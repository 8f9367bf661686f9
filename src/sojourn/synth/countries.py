"""Country table: shares, naming traditions and class profiles from params.yaml, plus codes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl
import pycountry

from sojourn.synth.common import FloatArr, IntArr
from sojourn.synth.names import origin_names
from sojourn.synth.params import Params, class_codes, load_params

PROFILES = ("vwp", "visa", "canada", "mexico")
USA = "USA"


@dataclass(frozen=True)
class Countries:
    alpha3: list[str]
    share: FloatArr
    origin: IntArr
    profile: IntArr
    overstay_mult: FloatArr
    student_mult: FloatArr

    def index(self, code: str) -> int:
        return self.alpha3.index(code)

    def codes(self, style: str) -> pl.Series:
        """Country codes in a source's style: alpha3, alpha2, name (English), NAME (upper)."""
        return _styled(tuple(self.alpha3), style)


@cache
def _styled(alpha3: tuple[str, ...], style: str) -> pl.Series:
    out = []
    for code in alpha3:
        c = pycountry.countries.get(alpha_3=code)
        assert c is not None, code
        value = {"alpha3": c.alpha_3, "alpha2": c.alpha_2, "name": c.name, "NAME": c.name.upper()}
        out.append(value[style])
    return pl.Series(out, dtype=pl.String)


def _normalized(vals: list[list[object]]) -> FloatArr:
    """Overstay multipliers rescaled to a share-weighted mean of 1 within each profile, so
    the class rates in params.yaml stay the overall rates."""
    mult = np.array([float(str(v[3])) for v in vals])
    share = np.array([float(str(v[0])) for v in vals])
    profile = np.array([str(v[2]) for v in vals])
    for name in set(profile.tolist()):
        sel = profile == name
        if share[sel].sum() > 0:
            mult[sel] /= np.average(mult[sel], weights=share[sel])
    return mult


@cache
def load_countries() -> Countries:
    params = load_params()
    rows = params["countries"]
    origins = origin_names()
    alpha3 = [*rows.keys(), USA]
    vals = [*rows.values(), [0.0, "anglo", "visa", 1.0, 1.0]]
    return Countries(
        alpha3=alpha3,
        share=np.array([float(v[0]) for v in vals]),
        origin=np.array([origins.index(v[1]) for v in vals], dtype=np.int64),
        profile=np.array([PROFILES.index(v[2]) for v in vals], dtype=np.int64),
        overstay_mult=_normalized(vals),
        student_mult=np.array([float(v[4]) for v in vals]),
    )


def class_cum(params: Params, countries: Countries) -> FloatArr:
    """Row-wise cumulative class-of-admission probabilities for each country."""
    codes = class_codes(params)
    groups = [params["classes"][c]["group"] for c in codes]
    mat = np.zeros((len(countries.alpha3), len(codes)))
    for ci in range(len(countries.alpha3)):
        profile = params["profiles"][PROFILES[countries.profile[ci]]]
        for k, code in enumerate(codes):
            boost = countries.student_mult[ci] if groups[k] == "student" else 1.0
            mat[ci, k] = float(profile.get(code, 0.0)) * boost
    mat /= mat.sum(axis=1, keepdims=True)
    return np.asarray(np.cumsum(mat, axis=1), dtype=np.float64)
