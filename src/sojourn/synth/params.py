"""Loads the generator parameters (params.yaml) and name pools (names.yaml)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from sojourn.synth.common import FloatArr
from sojourn.yamlsafe import loads_yaml

Params = dict[str, Any]


@cache
def load_params() -> Params:
    text = resources.files("sojourn.synth").joinpath("params.yaml").read_text("utf-8")
    data: Params = loads_yaml(text, "params.yaml")
    return data


@cache
def load_names_yaml() -> dict[str, Any]:
    text = resources.files("sojourn.synth").joinpath("names.yaml").read_text("utf-8")
    data: dict[str, Any] = loads_yaml(text, "names.yaml")
    return data


def noise_rate(params: Params, tag: str, source: str) -> float:
    """Share of a source's data rows that carry a noise tag."""
    spec: dict[str, float] = params["noise"][tag]
    return float(spec.get(source, spec["default"]))


def class_codes(params: Params) -> list[str]:
    return list(params["classes"])


def class_column(params: Params, key: str) -> FloatArr:
    """One numeric field of every class spec, in class order."""
    return np.array([float(c[key]) for c in params["classes"].values()], dtype=np.float64)


def class_range(params: Params, key: str) -> tuple[FloatArr, FloatArr]:
    specs = params["classes"].values()
    lo = np.array([float(c[key][0]) for c in specs])
    hi = np.array([float(c[key][1]) for c in specs])
    return lo, hi


def as_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
