"""Canonical code lists (``codes.yaml``) and the country table (ISO 3166-1 via pycountry)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pycountry

from sojourn.yamlsafe import load_yaml

_CODES_FILE = Path(__file__).with_name("codes.yaml")


@lru_cache(maxsize=1)
def vocabularies() -> dict[str, tuple[str, ...]]:
    """Each code list by name, as loaded from ``codes.yaml``."""
    data = load_yaml(_CODES_FILE)
    return {
        name: tuple(str(c) for c in entry["codes"])
        for name, entry in data.items()
        if "codes" in entry
    }


@lru_cache(maxsize=1)
def country_lookup() -> dict[str, str]:
    """Upper-cased alpha-2, alpha-3, numeric and English names (and the aliases in
    ``codes.yaml``, e.g. RUSSIA, BURMA, KOSOVO → XKX, the code in common use) → alpha-3."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        alpha3 = str(country.alpha_3)
        for attr in ("alpha_2", "alpha_3", "numeric", "name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table[str(value).upper()] = alpha3
    data = load_yaml(_CODES_FILE)
    for alias, alpha3 in data["country_aliases"]["aliases"].items():
        table[str(alias).upper()] = str(alpha3)
    return table
