"""The citizenship sweep: citizenship evidence that could be the person's (a name variant or
typo, a birth date a day off or with day and month swapped, no identifier) stops enforcement
whether or not resolution linked it, on the batch path, the few-persons (real-time) path and
a decision's re-read; an open identity review stops it until a judgement closes it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from sojourn.priority.assess import Assessment
from sojourn.priority.current import assess_in
from sojourn.priority.run import assess_store
from sojourn.priority.sweep import persons_concerned
from sojourn.resolve.judgements import judge, retract
from tests.priority.planted import AS_OF, PERSON, naturalization, open_review, planted_person

PLANTED: dict[str, dict[str, Any]] = {
    "exact": {**PERSON, "nationality": None},
    "one day later": {**PERSON, "birth_date": "1984-03-08", "a_number": None},
    "day/month swapped": {**PERSON, "birth_date": "1984-07-03", "a_number": None},
    "family-name typo": {**PERSON, "family_name": "Rodriguez Garsia", "a_number": None},
    "dropped letter, no A-number": {**PERSON, "family_name": "Rodrigez Garcia",
                                    "a_number": None},
    "given and family swapped": {**PERSON, "given_name": "Rodriguez", "family_name": "Maria",
                                 "a_number": None},
    "A-number alone": {"given_name": "M.", "family_name": "Rodrigues", "birth_date": "1948-01-01",
                       "a_number": PERSON["a_number"]},
    "no birth date, no A-number": {**PERSON, "birth_date": None, "a_number": None},
    "birth year only, typo": {**PERSON, "birth_date": "1984", "family_name": "Rodriguez Garsia",
                              "a_number": None},
}  # fmt: skip
NOT_HERS: dict[str, dict[str, Any]] = {
    "other name, other birth date": {"given_name": "Olena", "family_name": "Kovalenko",
                                     "birth_date": "1990-11-23"},
    "same name, birth date a week off": {**PERSON, "birth_date": "1984-03-14", "a_number": None},
    "other name, same birth date": {"given_name": "Tomasz", "family_name": "Nowak",
                                    "birth_date": PERSON["birth_date"]},
}  # fmt: skip


def _paths(engine: Engine, person: str) -> list[Assessment]:
    """The person's assessment through the batch, the few-persons path and assess_in."""
    batch = {a.person_id: a for a in assess_store(engine, AS_OF)}[person]
    (few,) = assess_store(engine, AS_OF, person_ids=[person])
    with engine.connect() as conn:
        (now,) = assess_in(conn, [person], AS_OF)
    return [batch, few, now]


def test_the_person_alone_is_enforcement_ready(engine: Engine) -> None:
    planted_person(engine)
    for a in _paths(engine, "P-maria"):
        assert a.enforcement_ready and not a.stops  # so the planted stops below can fail


@pytest.mark.parametrize("linked", [False, True], ids=["not linked", "linked"])
@pytest.mark.parametrize("case", sorted(PLANTED))
def test_citizenship_evidence_that_could_be_hers_stops(
    engine: Engine, case: str, linked: bool
) -> None:
    planted_person(engine)
    evidence = naturalization(engine, PLANTED[case], "P-maria" if linked else "P-citizen")
    for a in _paths(engine, "P-maria"):
        assert not a.enforcement_ready
        (stop,) = [s for s in a.stops if s.id == "citizenship"]
        assert stop.opens == "citizenship_investigation" and evidence in stop.records
        fact = "citizenship_evidence" if linked else "citizenship_candidate"
        assert a.evidence[fact] == (evidence,)


@pytest.mark.parametrize("case", sorted(NOT_HERS))
def test_someone_else_is_not_a_candidate(engine: Engine, case: str) -> None:
    planted_person(engine)
    naturalization(engine, NOT_HERS[case], "P-citizen")
    for a in _paths(engine, "P-maria"):
        assert not a.facts["citizenship_candidate"] and a.enforcement_ready


def test_a_judgement_that_they_differ_dismisses_a_candidate(engine: Engine) -> None:
    (court,) = planted_person(engine)
    evidence = naturalization(engine, PLANTED["one day later"], "P-citizen")
    assert not _paths(engine, "P-maria")[0].enforcement_ready
    judge(engine, court, evidence, "different", "alice", "other parents, other A-file")
    assert all(a.enforcement_ready for a in _paths(engine, "P-maria"))


def test_an_open_identity_review_stops_until_judged(engine: Engine) -> None:
    (court,) = planted_person(engine)
    other = planted_person(engine, "P-other")[0]
    open_review(engine, court, other)
    for a in _paths(engine, "P-maria"):
        stops = {s.id: s for s in a.stops}
        assert not a.enforcement_ready and "identity_review_open" in stops
        assert stops["identity_review_open"].opens == "identity_review"
        assert set(stops["identity_review_open"].records) == {court, other}
    decided = judge(engine, court, other, "different", "alice", "two people")
    assert all(a.enforcement_ready for a in _paths(engine, "P-maria"))
    retract(engine, decided, "bob", "judged the wrong pair")  # the review is open again
    assert not any(a.enforcement_ready for a in _paths(engine, "P-maria"))


def test_arriving_evidence_names_whom_to_reassess(engine: Engine) -> None:
    planted_person(engine)
    typo = naturalization(engine, PLANTED["dropped letter, no A-number"], "P-citizen")
    other = naturalization(engine, NOT_HERS["other name, other birth date"], "P-other")
    (court,) = planted_person(engine, "P-court")  # not citizenship evidence: nobody to sweep
    with engine.connect() as conn:
        assert persons_concerned(conn, [typo]) == ["P-court", "P-maria"]
        assert persons_concerned(conn, [other]) == []
        assert persons_concerned(conn, [court]) == []
