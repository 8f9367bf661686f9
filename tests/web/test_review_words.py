"""Identity reviews in plain words: no raw level name reaches a reviewer, a value missing on
one side is no conflict, and two values the model does not weigh say why."""

from __future__ import annotations

import pytest

from sojourn.resolve.levels import COMPARISONS, MISSING
from sojourn.web.review_words import reason, verdict


@pytest.mark.parametrize("comparison", list(COMPARISONS))
def test_every_level_reads_as_words(comparison: str) -> None:
    for level, name in enumerate(COMPARISONS[comparison]):
        said = verdict(comparison, level)
        assert said.kind in {"same", "close", "differs", "missing"}
        assert ">=" not in said.words and "jw" not in said.words, (comparison, name, said)


def test_missing_is_not_a_conflict() -> None:
    assert verdict("passport", MISSING).words == "Missing in one record"
    assert verdict("passport", MISSING, both_missing=True).words == "In neither record"
    assert verdict("passport", MISSING).kind == "missing"


def test_two_values_not_weighed_say_why() -> None:
    said = verdict("nationality", MISSING, both_present=True)
    assert said.kind == "missing" and "dual nationality" in said.words
    assert verdict("postcode", MISSING, both_present=True).words.startswith("Not counted")


def test_a_reason_names_what_differs_and_what_agrees() -> None:
    vector = {"name": len(COMPARISONS["name"]) - 1, "birth_date": 0, "sex": MISSING}
    said = reason(vector, frozenset({"identity"}))
    assert said == "Differs: date of birth. Same: name."
