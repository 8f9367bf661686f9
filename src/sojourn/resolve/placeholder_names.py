"""Words written in a name field that are not a name: read as missing before names are keyed.

A census respondent who does not know, or will not give, a household member's name writes
what that person is to them (``Oldest``, ``Grandchild``, ``Daughter Of``), a title (``Mr``),
a sex (``Male``), a role (``Resident``, ``Respondent``, ``Lady Of The House``) or that there
is no name (``No Last Name``). Such a value is no evidence of who a record is: compared as a
name it makes one person's two records look like two people (``Lindsey Milam`` against
``Male Milam``), and two children entered as ``Baby Boy Smith`` look like one. The words
below are the non-names that the U.S. Census Bureau's person validation met in name fields
(as listed in the NORC report that ``pseudopeople`` copies), less every entry that is also a
plausible given or family name (``Son``, ``Man``, ``Goh``, ``Loh``, ``One``, ``House``,
``Lady``, ``Baby``, ``Boy``, ``Child``, ``Parent``, ``Husband``, ``Nino``, ``Friend``,
``Person``, single letters …): a value is read as missing only when the whole field is one
of these (``Mr Lee`` stays a name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Whole name fields (case, punctuation and spacing folded) that are not a name.
NOT_NAMES = frozenset(
    {
        "adult", "adult female", "adult male", "brother", "child f", "child m", "dad", "dau",
        "daughter", "daughter of", "eldest", "father", "female", "female child", "gentleman",
        "gentleman of", "gentleman of the house", "girl", "grandchild", "granddaughter",
        "grandson", "head of household", "hija", "hijo", "inmate", "kid", "lady in the",
        "lady of", "lady of house", "lady of the", "lady of the house", "male", "male child",
        "man of", "man of the house", "mom", "mother", "mr", "mrs", "ms", "nephew", "niece",
        "no first name", "no last name", "no name", "occupant", "of house", "of the house",
        "oldest", "resident", "respondant", "respondent", "senor", "senora", "sister", "son of",
        "wife", "youngest",
    }
)  # fmt: skip
#: The columns whose values are checked.
NAME_COLUMNS = ("given_name", "middle_name", "family_name", "full_name")
_SEPARATORS = re.compile(r"[^a-z]+")


def not_a_name(value: str | None) -> bool:
    """Whether ``value`` is, as a whole, one of ``NOT_NAMES``."""
    if value is None:
        return False
    return _SEPARATORS.sub(" ", value.lower()).strip() in NOT_NAMES


def name_or_none(value: str | None) -> str | None:
    """``value``, or None when it is not a name."""
    return None if not_a_name(value) else value


def blank_row(record: Mapping[str, str | None]) -> dict[str, str | None]:
    """A record's identity columns with the name fields that are not names made None."""
    row = dict(record)
    for column in NAME_COLUMNS:
        if column in row:
            row[column] = name_or_none(row[column])
    return row
