"""Loose identity criteria for the citizenship sweep: name variants and typos agree, other
names do not; birth dates a day apart or with day and month swapped agree."""

from __future__ import annotations

import pytest

from sojourn.resolve.loose import loose_name, names_agree, near_dates, tokens_agree

MARIA = {"given_name": "Maria Elena", "family_name": "Rodriguez Garcia"}


@pytest.mark.parametrize(
    ("other", "how"),
    [
        ({"given_name": "María", "family_name": "Rodríguez García"}, "name"),
        ({"given_name": "Maria", "family_name": "Rodriguez Garsia"}, "name"),  # one letter
        ({"given_name": "Maria", "family_name": "Rodrigez"}, "name"),  # a dropped letter
        ({"given_name": "Maira", "family_name": "Rodriguez"}, "name"),  # two letters swapped
        ({"given_name": "Rodriguez", "family_name": "Maria"}, "name swapped"),
        ({"full_name": "Garcia Maria"}, "name"),  # whole name, either order
        ({"given_name": "Мария", "family_name": "Родригес"}, "name"),  # Cyrillic
    ],
)
def test_variants_and_typos_agree(other: dict[str, str], how: str) -> None:
    assert names_agree(loose_name(MARIA), loose_name(other)) == how


@pytest.mark.parametrize(
    "other",
    [
        {"given_name": "Olena", "family_name": "Kovalenko"},
        {"given_name": "Tomasz", "family_name": "Rodriguez"},  # only the family name agrees
        {"given_name": "Maria", "family_name": "Nowak"},  # only the given name agrees
        {"full_name": "Maria"},  # one token cannot be both parts
    ],
)
def test_other_names_do_not(other: dict[str, str]) -> None:
    assert names_agree(loose_name(MARIA), loose_name(other)) is None


def test_tokens() -> None:
    assert tokens_agree("mohammed", "muhammad") and tokens_agree("gaddafi", "qadhafi")
    assert not tokens_agree("li", "lu") and not tokens_agree("maria", "olena")


def test_near_dates() -> None:
    assert near_dates("1984-03-07") == {
        "1984-03-06": "birth date ±1 day", "1984-03-08": "birth date ±1 day",
        "1984-07-03": "birth date day/month swapped", "1984-03-07": "birth date",
    }  # fmt: skip
    assert set(near_dates("2000-12-31")) == {"2000-12-30", "2001-01-01", "2000-12-31"}
    assert near_dates("1984-03") == {} and near_dates(None) == {}
