"""Name pools per naming tradition, loaded from names.yaml into flat, indexable tables.

Every spelling (canonical or variant) is one entry of ``NameBank.strings``; a canonical entry
points at its variants through ``var_start``/``var_count`` and at its original-script form
through ``native``. Persons hold entry ids, so sources render names by gathering strings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import polars as pl

from sojourn.synth.common import FloatArr, IntArr
from sojourn.synth.params import load_names_yaml

ZIPF_EXPONENT = 0.7
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
    }
)


def fold_ascii(text: str) -> str:
    """Drop diacritics the way machine-readable passports and many legacy systems do."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_cp1252(text: str) -> str:
    """Keep what Windows-1252 can encode (é, ü, ñ…), fold the rest (ễ → e)."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            out.append(fold_ascii(ch))
    return "".join(out)


STYLES: dict[str, Callable[[str], str]] = {
    "title": lambda s: s,
    "upper": str.upper,
    "ascii": fold_ascii,
    "ascii_upper": lambda s: fold_ascii(s).upper(),
    "cp1252_upper": lambda s: fold_cp1252(s).upper(),
}


@dataclass
class Origin:
    name: str
    index: int
    native_order: str | None
    swap_weight: float
    middle_rate: float
    middle_from: str | None
    double_surname: float
    pools: dict[str, IntArr] = field(default_factory=dict)


@dataclass
class NameBank:
    strings: list[str] = field(default_factory=list)
    native: list[str | None] = field(default_factory=list)
    var_start: list[int] = field(default_factory=list)
    var_count: list[int] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)

    def add(self, entry: str, suffix: str = "", native_suffix: str = "") -> int:
        """Add "Canonical|Variant=Native" (optionally with a feminine suffix); return its id."""
        spelled, _, native = entry.partition("=")
        forms = spelled.split("|")
        if suffix:
            forms = [f + suffix for f in forms if f.endswith(("ov", "ev", "in", "off"))] or forms
            forms = [f for f in forms if not f.endswith("offa")] or forms
        nat = (native + native_suffix) if native else None
        first = self._append(forms[0], nat)
        self.var_start[first] = len(self.strings)
        self.var_count[first] = len(forms) - 1
        for form in forms[1:]:
            self._append(form, nat)
        return first

    def _append(self, text: str, native: str | None) -> int:
        self.strings.append(text)
        self.native.append(native)
        self.var_start.append(0)
        self.var_count.append(0)
        return len(self.strings) - 1

    def origin(self, name: str) -> Origin:
        return next(o for o in self.origins if o.name == name)

    @property
    def arrays(self) -> tuple[IntArr, IntArr]:
        return _arrays(self)


def _arrays(bank: NameBank) -> tuple[IntArr, IntArr]:
    return np.array(bank.var_start, dtype=np.int64), np.array(bank.var_count, dtype=np.int64)


def _feminine(bank: NameBank, entries: list[str], rule: dict[str, Any]) -> IntArr:
    ids = []
    for entry in entries:
        canon = entry.split("=")[0].split("|")[0]
        if canon.endswith(tuple(rule["from"])):
            ids.append(bank.add(entry, str(rule["add"]), str(rule["native_add"])))
        else:
            ids.append(bank.add(entry))
    return np.array(ids, dtype=np.int64)


def _load_origin(bank: NameBank, name: str, spec: dict[str, Any]) -> Origin:
    middle = spec.get("middle", {})
    origin = Origin(
        name=name,
        index=len(bank.origins),
        native_order=spec.get("native"),
        swap_weight=float(spec.get("swap_weight", 1.0)),
        middle_rate=float(middle.get("rate", 0.0)),
        middle_from=middle.get("from"),
        double_surname=float(spec.get("double_surname", 0.0)),
    )
    for pool in ("male", "female", "family"):
        origin.pools[pool] = np.array([bank.add(e) for e in spec[pool]], dtype=np.int64)
    rule = spec.get("feminine")
    fem = _feminine(bank, spec["family"], rule) if rule else origin.pools["family"]
    origin.pools["family_f"] = fem
    for sex in ("male", "female"):
        entries = middle.get(sex)
        if entries:
            origin.pools["middle_" + sex] = np.array([bank.add(e) for e in entries])
    return origin


@cache
def load_bank() -> NameBank:
    bank = NameBank()
    for name, spec in load_names_yaml().items():
        bank.origins.append(_load_origin(bank, name, spec))
    return bank


@cache
def styled(style: str) -> pl.Series:
    """All name strings rendered in a source's style (gather by entry id)."""
    fn = STYLES[style]
    return pl.Series([fn(s) for s in load_bank().strings], dtype=pl.String)


@cache
def native_series() -> pl.Series:
    return pl.Series(load_bank().native, dtype=pl.String)


def zipf_weights(n: int) -> FloatArr:
    w = 1.0 / np.arange(1, n + 1) ** ZIPF_EXPONENT
    return np.asarray(w / w.sum(), dtype=np.float64)


def origin_names() -> list[str]:
    return [o.name for o in load_bank().origins]
