"""Reading form values: memorable dates and dates typed in one box."""

from __future__ import annotations

import datetime as dt

import pytest

from sojourn.web.forms import FormError, Typed, memorable, one_box


def test_a_memorable_date_is_read() -> None:
    assert memorable("dob", "Date of birth", Typed("31", "12", "1980")) == dt.date(1980, 12, 31)
    assert memorable("dob", "Date of birth", Typed(" ", "", "")) is None


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        (Typed("", "12", "1980"), "must include a day"),
        (Typed("", "", "1980"), "must include a day and a month"),
        (Typed("31", "2", "1980"), "must be a real date"),
        (Typed("1", "2", "80"), "4-digit year"),
        (Typed("1", "2", "3000"), "must be in the past"),
    ],
)
def test_a_date_that_cannot_be_read_names_the_field(typed: Typed, says: str) -> None:
    with pytest.raises(FormError) as err:
        memorable("dob", "Date of birth", typed)
    assert err.value.field == "dob"
    assert says in err.value.message
    assert err.value.message.startswith("Date of birth")


def test_one_box_reads_us_and_iso_dates() -> None:
    assert one_box("d", "Date", "12/31/1980") == dt.date(1980, 12, 31)
    assert one_box("d", "Date", "1980-12-31") == dt.date(1980, 12, 31)
    assert one_box("d", "Date", "") is None
    for bad in ("31/12/1980", "yesterday", "1980-13-01"):
        with pytest.raises(FormError):
            one_box("d", "Date", bad)
