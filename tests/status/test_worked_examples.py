"""Worked examples written from the law's text (issue 17), run as table tests.

Each example in ``tests/status/worked/*.yaml`` was derived by hand from the cited statute or
regulation and the counting conventions of issue 17 (calendar days, "until" dates are last
authorized days, grace periods start the day after the event, as-of and departure days
inclusive), not from the engine's code. When the engine disagrees, the example's ``reading``
says what the law gives and why; the engine is what gets fixed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import sojourn.records
import sojourn.status
from sojourn.records.kinds import EVENT_FIELDS, IDENTITY_FIELDS
from sojourn.status.engine import Timeline, timeline
from sojourn.status.events import Event, make_event

WORKED = Path(__file__).parent / "worked"
RULES = Path(sojourn.status.__file__).parent / "rules"
CODES = Path(sojourn.records.__file__).parent / "codes.yaml"

#: The status vocabulary of issue 17 (convention 9).
STATUSES = frozenset({
    "us_citizen", "removed", "self_departed", "departed", "lawful_permanent_resident",
    "removal_order_final", "voluntary_departure", "in_proceedings", "in_status",
    "deferred_action", "pending_application", "overstay", "present_without_admission",
})  # fmt: skip
EXPECT_KEYS = frozenset(
    {"status", "overstay_days", "unlawful_presence_days", "bar", "authorized_until"}
)
EXAMPLE_KEYS = frozenset(
    {"id", "rule", "citation", "text", "reading", "as_of", "events", "expect", "second_reading"}
)


def _load() -> list[dict[str, Any]]:
    examples: list[dict[str, Any]] = []
    for path in sorted(WORKED.glob("*.yaml")):
        for example in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            examples.append({**example, "_file": path.name})
    return examples


def _rule_ids() -> set[str]:
    ids: set[str] = set()
    for path in sorted(RULES.glob("*.yaml")):
        ids.update(r["id"] for r in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"])
    return ids


EXAMPLES = _load()
BY_ID = {e["id"]: e for e in EXAMPLES}


def _field_vocab(kind: str, name: str) -> tuple[bool, str | None]:
    """Whether ``name`` is an event or identity field of ``kind``, and its code list."""
    spec = EVENT_FIELDS.get(kind, {}).get(name) or IDENTITY_FIELDS.get(name)
    return (spec is not None, spec.vocabulary if spec is not None else None)


def _events(example: dict[str, Any]) -> list[Event]:
    events = []
    for raw in example["events"]:
        fields = {k: v for k, v in raw.items() if k not in ("kind", "id")}
        events.append(make_event(raw["kind"], raw["id"], **fields))
    return events


def _bar_years(bar: str | None) -> int | None:
    if bar is None:
        return None
    found = re.match(r"\s*(\d+)-year", bar)
    assert found, f"unreadable bar {bar!r}"
    return int(found.group(1))


def _observed(result: Timeline) -> dict[str, Any]:
    return {
        "status": result.current.status if result.current is not None else None,
        "overstay_days": result.overstay_days,
        "unlawful_presence_days": result.unlawful_presence_days,
        "authorized_until": result.authorized_until,
        "bar": _bar_years(result.bar),
    }


@pytest.mark.parametrize("example_id", list(BY_ID))
def test_worked_example(example_id: str) -> None:
    example = BY_ID[example_id]
    result = timeline(_events(example), example["as_of"], example.get("birth_date"))
    got = _observed(result)
    want = example["expect"]
    wrong = {k: (got[k], v) for k, v in want.items() if got[k] != v}
    assert not wrong, (
        f"{example_id} ({example['rule']}; {example['citation']}): "
        + "; ".join(f"{k}: engine {g!r}, law {w!r}" for k, (g, w) in wrong.items())
        + f"\nreading: {example['reading']}"
    )


def test_every_rule_in_the_rule_book_has_a_worked_example() -> None:
    covered = {e["rule"] for e in EXAMPLES}
    assert sorted(_rule_ids() - covered) == []


def test_every_example_names_a_rule_that_exists() -> None:
    rules = _rule_ids()
    unknown = sorted({f"{e['id']} -> {e['rule']}" for e in EXAMPLES if e["rule"] not in rules})
    assert unknown == []


def test_examples_are_complete_and_unique() -> None:
    assert len(BY_ID) == len(EXAMPLES) >= 50
    for example in EXAMPLES:
        keys = set(example) - {"_file", "birth_date"}
        assert keys == EXAMPLE_KEYS, (example["id"], sorted(keys ^ EXAMPLE_KEYS))
        assert set(example["expect"]) <= EXPECT_KEYS and "status" in example["expect"]
        assert example["expect"]["status"] in STATUSES, example["id"]
        assert example["expect"].get("bar") in (None, 3, 10), example["id"]
        assert isinstance(example["as_of"], dt.date), example["id"]
        assert example["citation"].strip() and example["text"].strip()


def test_every_event_field_is_a_field_of_its_kind() -> None:
    unknown = [
        f"{e['id']}: {raw['kind']}.{name}"
        for e in EXAMPLES
        for raw in e["events"]
        for name in raw
        if name not in ("kind", "id") and not _field_vocab(raw["kind"], name)[0]
    ]
    assert unknown == []


def test_every_coded_value_is_in_the_code_lists() -> None:
    lists = yaml.safe_load(CODES.read_text(encoding="utf-8"))
    missing = sorted(
        {
            f"{vocab}: {value}"
            for e in EXAMPLES
            for raw in e["events"]
            for name, value in raw.items()
            for vocab in [_field_vocab(raw["kind"], name)[1]]
            if vocab is not None
            and value is not None
            and value not in lists.get(vocab, {}).get("codes", [])
        }
    )
    assert missing == []


SPAN = re.compile(r"(\d{4}-\d\d-\d\d)\.\.(\d{4}-\d\d-\d\d) = (\d+)")
SHIFT = re.compile(r"(\d{4}-\d\d-\d\d) ([+-]) (\d+) = (\d{4}-\d\d-\d\d)")


@pytest.mark.parametrize("example_id", list(BY_ID))
def test_the_arithmetic_in_the_reading_is_right(example_id: str) -> None:
    """Every "A..B = N" (inclusive day count) and "A + N = B" written in a reading holds."""
    reading = BY_ID[example_id]["reading"]
    day = dt.date.fromisoformat
    for a, b, n in SPAN.findall(reading):
        assert (day(b) - day(a)).days + 1 == int(n), f"{a}..{b} = {n}"
    for a, sign, n, b in SHIFT.findall(reading):
        step = dt.timedelta(days=int(n) if sign == "+" else -int(n))
        assert day(a) + step == day(b), f"{a} {sign} {n} = {b}"


SECOND_READING_KEYS = frozenset({"agrees", "by", "note"})


def test_every_example_has_a_completed_second_reading() -> None:
    """Issue 17: each example is checked by a second, independent reading of the cited text."""
    incomplete = [
        example["id"]
        for example in EXAMPLES
        for second in [example["second_reading"]]
        if not isinstance(second, dict)
        or set(second) != SECOND_READING_KEYS
        or not isinstance(second["agrees"], bool)
        or not (isinstance(second["by"], str) and second["by"].strip())
        or not (isinstance(second["note"], str) and second["note"].strip())
    ]
    assert incomplete == []


@pytest.mark.parametrize("example_id", list(BY_ID))
def test_the_second_reading_agrees(example_id: str) -> None:
    """A second reader's disagreement fails here, with the note, until the lead settles it."""
    second = BY_ID[example_id]["second_reading"]
    if second.get("agrees") is False:
        pytest.fail(f"{example_id}: second reading disagrees: {second['note']}")
    assert second.get("agrees") is True, f"{example_id}: second reading not done"
