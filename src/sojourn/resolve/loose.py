"""Loose identity criteria, for looking *for* protective evidence (the citizenship sweep)
rather than for linking: a name that is a variant or a typo of another, and a birth date
within a day of another or with day and month swapped.

Far looser than the scoring model on purpose (a missed citizen is the costly error): two
names agree when their family names agree and their given names agree, or the same crosswise
(given and family swapped), token by token. Two tokens agree when they are equal, share a
consonant skeleton or a double-metaphone code (transliterations: Mohammed/Muhammad,
Qadhafi/Gaddafi, Zhang/Chang), are one edit apart (a typo, a dropped or doubled letter, two
letters swapped) or are close by Jaro–Winkler (≥ 0.9). A name given only whole (``full_name``)
may have its tokens in either order: any two different tokens may serve as the two parts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from rapidfuzz.distance import OSA, JaroWinkler

from sojourn.resolve.names import name_keys, skeleton

#: Jaro–Winkler similarity at which two name tokens agree.
JW_CLOSE = 0.9
#: Shortest tokens compared by edit distance (one edit turns any two-letter name into many).
EDIT_MIN = 3


@dataclass(frozen=True)
class LooseName:
    """A name as tokens, each marked as given (``g``), family (``f``) or either (``?``)."""

    tokens: tuple[str, ...]
    roles: tuple[str, ...]

    def part(self, role: str) -> tuple[int, ...]:
        return _part(self.roles, role)


@lru_cache(maxsize=4_096)
def _part(roles: tuple[str, ...], role: str) -> tuple[int, ...]:
    return tuple(i for i, r in enumerate(roles) if r in (role, "?"))


def _tokens(name: str | None) -> tuple[str, ...]:
    if not name:
        return ()
    keys = name_keys(name)
    extra = tuple(v for v in keys.variants if v not in keys.core)  # garcialopez, almasri
    return keys.core + extra


@lru_cache(maxsize=100_000)
def _loose(given: str | None, family: str | None, full: str | None) -> LooseName:
    if family:
        g = _tokens(" ".join(n for n in (given,) if n))
        f = _tokens(family)
        return LooseName(g + f, ("g",) * len(g) + ("f",) * len(f))
    whole = _tokens(full or given)
    return LooseName(whole, ("?",) * len(whole))


def loose_name(row: Mapping[str, str | None]) -> LooseName:
    """The loose name of a record (``given_name``, ``middle_name``, ``family_name``,
    ``full_name``)."""
    given = " ".join(n for n in (row.get("given_name"), row.get("middle_name")) if n) or None
    return _loose(given, row.get("family_name"), row.get("full_name"))


@lru_cache(maxsize=200_000)
def tokens_agree(a: str, b: str) -> bool:
    """Whether two folded name tokens could be spellings of one name."""
    if a == b:
        return True
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb and len(sa) >= 2:
        return True
    ma = {c for c in name_keys(a).metaphones if len(c) >= 2}
    if ma & set(name_keys(b).metaphones):
        return True
    if min(len(a), len(b)) >= EDIT_MIN and OSA.distance(a, b, score_cutoff=1) <= 1:
        return True
    return bool(JaroWinkler.similarity(a, b) >= JW_CLOSE)


def _pairs(a: LooseName, ra: str, b: LooseName, rb: str) -> list[tuple[int, int]]:
    return [
        (i, j) for i, j in product(a.part(ra), b.part(rb)) if tokens_agree(a.tokens[i], b.tokens[j])
    ]


@lru_cache(maxsize=200_000)
def names_agree(a: LooseName, b: LooseName) -> str | None:
    """How two names agree loosely (``name`` or ``name swapped``), or None. Kept for the
    pairs seen: the sweep compares each of a person's records, often with one name, with the
    same citizenship records."""
    if not a.tokens or not b.tokens:
        return None
    for label, (gb, fb) in (("name", ("g", "f")), ("name swapped", ("f", "g"))):
        families = _pairs(a, "f", b, fb)
        if not families:
            continue
        if not a.part("g") or not b.part(gb):  # a family name alone: it has to do
            return label
        for (i, j), (k, m) in product(families, _pairs(a, "g", b, gb)):
            if i != k and j != m:
                return label
    return None


def near_dates(birth: str | None) -> dict[str, str]:
    """The birth dates loosely equal to ``birth`` (a full ISO date), each with how:
    ``birth date``, ``birth date ±1 day``, ``birth date day/month swapped``."""
    if not birth or len(birth) != 10:
        return {}
    try:
        day = dt.date.fromisoformat(birth)
    except ValueError:
        return {}
    out = {(day + dt.timedelta(days=d)).isoformat(): "birth date ±1 day" for d in (-1, 1)}
    swapped = f"{birth[:4]}-{birth[8:10]}-{birth[5:7]}"
    if swapped != birth and _valid(swapped):
        out[swapped] = "birth date day/month swapped"
    out[birth] = "birth date"
    return out


def _valid(iso: str) -> bool:
    try:
        dt.date.fromisoformat(iso)
    except ValueError:
        return False
    return True
