"""Rendering persons' names for a source: spelling variants, double surnames, given/family
order swaps, typos and names in the original script."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sojourn.synth.common import BoolArr, IntArr
from sojourn.synth.extracts.base import Ctx, NoiseBook, null_where, replace_where
from sojourn.synth.names import native_series, styled

KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"
NATIVE_ORDERS = ("given_family", "family_given", "family_given_nospace", "family_middle_given")


@dataclass
class Names:
    given: pl.Series
    middle: pl.Series
    family: pl.Series


def _gather(table: pl.Series, ids: IntArr) -> pl.Series:
    return null_where(table.gather(np.maximum(ids, 0)), ids < 0)


def _variants(ctx: Ctx, nb: NoiseBook, g: IntArr, f: IntArr, f2: IntArr) -> BoolArr:
    """transliteration: a real alternative spelling, or the second surname dropped/hyphenated."""
    start, count = ctx.bank.arrays
    sel = nb.pick("transliteration", (count[g] > 0) | (count[f] > 0) | (f2 >= 0))
    u = nb.rng.random(len(g))
    k = nb.rng.random(len(g))
    on_given = sel & (count[g] > 0) & ((u < 0.5) | ((count[f] == 0) & (f2 < 0)))
    on_family = sel & ~on_given & (count[f] > 0) & ((u < 0.75) | (f2 < 0))
    on_second = sel & ~on_given & ~on_family
    g[on_given] = start[g[on_given]] + (k[on_given] * count[g[on_given]]).astype(np.int64)
    f[on_family] = start[f[on_family]] + (k[on_family] * count[f[on_family]]).astype(np.int64)
    hyphen = on_second & (k < 0.5)
    f2[on_second & ~hyphen] = -1
    return np.asarray(hyphen, dtype=bool)


def _typo(word: str, r: float, pos: float, letter: int) -> str:
    if len(word) < 3:
        return word + KEYBOARD[letter % 26]
    i = 1 + int(pos * (len(word) - 2))
    ch = KEYBOARD[letter % 26]
    ch = ch.upper() if word[i].isupper() else ch
    if r < 0.3:
        return word[:i] + word[i + 1 :]
    if r < 0.55:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if r < 0.8:
        return word[:i] + ch + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _apply_typos(nb: NoiseBook, names: Names) -> None:
    sel = np.flatnonzero(nb.pick("typo_name"))
    if len(sel) == 0:
        return
    on_family = nb.rng.random(len(sel)) < 0.5
    r, pos = nb.rng.random(len(sel)), nb.rng.random(len(sel))
    letters = nb.rng.integers(0, 26, len(sel))
    for attr, rows in (("family", on_family), ("given", ~on_family)):
        series: pl.Series = getattr(names, attr)
        idx = sel[rows]
        old = series.gather(idx).to_list()
        new = [
            _typo(w or "", a, b, c)
            for w, a, b, c in zip(old, r[rows], pos[rows], letters[rows], strict=True)
        ]
        setattr(names, attr, series.scatter(idx, pl.Series(new, dtype=pl.String)))


def render(ctx: Ctx, nb: NoiseBook, rows: IntArr, style: str) -> Names:
    pop = ctx.pop
    g, m = pop.given[rows].copy(), pop.middle[rows].copy()
    f, f2 = pop.family[rows].copy(), pop.family2[rows].copy()
    hyphen = _variants(ctx, nb, g, f, f2)
    table = styled(style)
    fam = _gather(table, f)
    second = _gather(table, f2)
    sep = pl.Series(np.where(hyphen, "-", " "))
    family = pl.select(
        pl.when(second.is_null()).then(fam).otherwise(pl.concat_str(fam, sep, second))
    ).to_series()
    names = Names(_gather(table, g).alias("g"), _gather(table, m), family.alias("f"))
    weight = np.array([o.swap_weight for o in ctx.bank.origins])[pop.origin[rows]]
    swap = nb.pick("order_swap", weight=weight)
    given = replace_where(names.given, swap, names.family)
    names.family = replace_where(names.family, swap, names.given)
    names.given = given
    _apply_typos(nb, names)
    return names


def full_name(names: Names, order: str) -> pl.Series:
    """given_family: "Given Middle Family"; family_comma_given: "FAMILY, Given Middle"."""
    if order == "family_comma_given":
        rest = pl.concat_str([names.given, names.middle], separator=" ", ignore_nulls=True)
        expr = pl.concat_str([names.family, rest], separator=", ", ignore_nulls=True)
    else:
        expr = pl.concat_str(
            [names.given, names.middle, names.family], separator=" ", ignore_nulls=True
        )
    return pl.select(expr.alias("name")).to_series()


def native_full(ctx: Ctx, rows: IntArr) -> pl.Series:
    """The full name in the original script (null for origins written in Latin script)."""
    pop, nat = ctx.pop, native_series()
    g, m, f = (
        _gather(nat, pop.given[rows]),
        _gather(nat, pop.middle[rows]),
        _gather(nat, pop.family[rows]),
    )
    orders = [o.native_order for o in ctx.bank.origins]
    code = np.array([NATIVE_ORDERS.index(o) if o else -1 for o in orders])[pop.origin[rows]]
    c = pl.Series(code)
    forms = [
        pl.concat_str([g, f], separator=" "),
        pl.concat_str([f, g], separator=" "),
        pl.concat_str([f, g]),
        pl.concat_str([f, m, g], separator=" ", ignore_nulls=True),
    ]
    picked = [pl.when(c == k).then(form) for k, form in enumerate(forms)]
    return pl.select(pl.coalesce(picked).alias("native")).to_series()


def native_parts(ctx: Ctx, rows: IntArr) -> tuple[pl.Series, pl.Series]:
    """Given (with middle) and family names in the original script."""
    pop, nat = ctx.pop, native_series()
    g = pl.concat_str(
        [_gather(nat, pop.given[rows]), _gather(nat, pop.middle[rows])],
        separator=" ",
        ignore_nulls=True,
    )
    has = np.array([o.native_order is not None for o in ctx.bank.origins])[pop.origin[rows]]
    given = null_where(pl.select(g.alias("g")).to_series(), ~has)
    return given, null_where(_gather(nat, pop.family[rows]), ~has)
