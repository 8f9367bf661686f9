"""Name normalization for matching across scripts and transliterations.

A name becomes Latin text (anyascii; Chinese and Korean syllable by syllable), folded (case,
diacritics, punctuation), split into tokens with particles (al-, bin, de, van …) set aside,
and then keyed several ways, since no single key survives every convention:

* ``sorted_full`` — the core tokens sorted: given/family order swaps agree;
* ``skeletons`` — consonant skeletons with look-alike sounds merged: Arabic written without
  vowels (محمد → mhmd) agrees with Mohammed/Muhammad/Mohamed; Gaddafi/Qadhafi/Kaddafi agree;
  Zhang/Chang agree (Wade–Giles ch ~ pinyin zh);
* ``metaphones`` — double metaphone codes per token;
* ``variants`` — the name-variant array: every core token, multi-part names joined
  (García López → garcialopez, Al-Masri → almasri) so that a dropped or fused second surname
  still shares a value.

These are comparison and blocking keys, not verdicts: Mohammed and Mahmoud share a skeleton
(their Arabic spellings differ only by a long vowel), and it is the scoring model, weighing
string similarity as well, that keeps them apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from anyascii import anyascii
from metaphone import doublemetaphone

#: Set aside from the core name when another name follows (al Masri, van Dijk, bin Omar).
PARTICLES = frozenset(
    {"al", "el", "ul", "bin", "ben", "ibn", "bint", "binti", "abu", "de", "del", "della",
     "dela", "dos", "das", "van", "von", "der", "den", "ter", "mac", "st"}
)  # fmt: skip
#: Also fused with the next token in the variants, but kept in the core: they are common
#: family names too (Vietnamese Le and Do, Italian Di, Chinese Du).
FUSABLE = PARTICLES | {"le", "la", "do", "da", "di", "du"}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("zh", "j"), ("ch", "j"), ("sh", "s"), ("kh", "k"), ("gh", "k"), ("ph", "f"),
    ("th", "t"), ("dh", "d"), ("q", "k"), ("c", "k"), ("g", "k"), ("x", "ks"),
    ("z", "s"), ("v", "f"),
)  # fmt: skip
_VOWELS = re.compile(r"[aeiouyw]")
#: Token-initial spellings of one sound: pinyin x = Wade–Giles hs; pinyin qi = WG ch'i.
_INITIALS = {"hs": "s", "x": "s", "qi": "ji"}
_INITIAL = re.compile(r"^(hs|x|qi)")
#: ال at the start of an Arabic word of three or more further letters (not الله).
_ARABIC_ARTICLE = re.compile(r"(?<![\u0621-\u064A])\u0627\u0644(?=[\u0621-\u064A]{3,})")
_REPEATS = re.compile(r"(.)\1+")
_VOWEL_RUNS = re.compile(r"[aeiouyw]+")
#: Scripts written without short vowels.
_ABJAD = re.compile(r"[\u0590-\u05FF\u0600-\u06FF\u0700-\u074F\u0750-\u077F]")


@dataclass(frozen=True)
class NameKeys:
    """The comparison keys of one name."""

    latin: str
    tokens: tuple[str, ...]
    core: tuple[str, ...]
    sorted_full: str
    skeletons: tuple[str, ...]
    metaphones: tuple[str, ...]
    variants: tuple[str, ...]
    #: Where the vowels fall between the skeleton's consonants, per token, sorted
    #: (Mohammed m.h.m.d, Mahmoud m.hm.d); ``*`` for a name written in a script that leaves
    #: short vowels out (Arabic, Hebrew), which fits any.
    shape: str


def _syllabic(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED", "HANGUL SYLLABLE"))


def to_latin(text: str) -> str:
    """Latin letters for any script; Chinese and Korean one syllable per token; the Arabic
    article written joined to its word (المصري) set apart as the particle ``al``."""
    spaced = "".join(f" {c} " if _syllabic(c) else c for c in text)
    return anyascii(_ARABIC_ARTICLE.sub("al ", spaced))


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits, single spaces; apostrophes join (O'Brien →
    obrien)."""
    return _NON_ALNUM.sub(" ", to_latin(text).lower().replace("'", "")).strip()


def _sounds(token: str) -> str:
    """Look-alike sounds merged. At the start of a token, Wade–Giles and pinyin spellings of
    the same Chinese syllable agree (Hsu/Xu, Hsiao/Xiao, Chiang/Qiang); elsewhere the general
    rules apply (Qadhafi/Gaddafi, Zhang/Chang, Olexandr/Oleksandr)."""
    out = _INITIAL.sub(lambda m: _INITIALS[m.group(0)], token)
    for old, new in _SKELETON_RULES:
        out = out.replace(old, new)
    return out


def shape(token: str) -> str:
    """The skeleton with a dot wherever vowels stood: ``m.h.m.d`` for Mohammed and
    Muhammad, ``m.hm.d`` for Mahmoud, ``k.d.f.`` for Gaddafi and Qadhafi."""
    return _REPEATS.sub(r"\1", _VOWEL_RUNS.sub(".", _sounds(token)))


def shapes_fit(a: str, b: str) -> bool:
    """Whether two name shapes agree (``*`` fits any)."""
    return a == b or a == "*" or b == "*"


def skeleton(token: str) -> str:
    """Consonant skeleton: look-alike sounds merged, vowels dropped, repeats collapsed. A
    token of vowels only (Wei, Ai) keeps its first letter."""
    return _REPEATS.sub(r"\1", _VOWELS.sub("", _sounds(token))) or token[:1]


@lru_cache(maxsize=200_000)
def name_keys(name: str) -> NameKeys:
    """All comparison keys of a (full or partial) name."""
    latin = fold(name)
    tokens = tuple(latin.split())
    last = len(tokens) - 1
    core = tuple(t for i, t in enumerate(tokens) if t not in PARTICLES or i == last) or tokens
    return NameKeys(
        latin=latin,
        tokens=tokens,
        core=core,
        sorted_full=" ".join(sorted(core)),
        skeletons=tuple(s for s in (skeleton(t) for t in core) if s),
        metaphones=_metaphones(core),
        variants=_variants(tokens, core),
        shape="*" if _ABJAD.search(name) else " ".join(sorted(shape(t) for t in core)),
    )


def _metaphones(core: tuple[str, ...]) -> tuple[str, ...]:
    codes: list[str] = []
    for token in core:
        codes.extend(code for code in doublemetaphone(token) if code and code not in codes)
    return tuple(codes)


def _variants(tokens: tuple[str, ...], core: tuple[str, ...]) -> tuple[str, ...]:
    found = dict.fromkeys(core)
    for particle, following in pairwise(tokens):
        if (particle in FUSABLE or len(particle) == 1) and following not in FUSABLE:
            found[particle + following] = None  # al masri → almasri, o brien → obrien
    if len(core) > 1:
        found["".join(core)] = None
    if len(tokens) > len(core):
        found["".join(tokens)] = None
    return tuple(found)


def same_skeleton(a: str, b: str) -> bool:
    """Whether two names share their sorted consonant skeletons."""
    return sorted(name_keys(a).skeletons) == sorted(name_keys(b).skeletons)


def share_variant(a: str, b: str) -> bool:
    """Whether two names share a name variant (a token or a joined multi-part name)."""
    return bool(set(name_keys(a).variants) & set(name_keys(b).variants))
