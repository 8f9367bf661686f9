"""Small groups on the dashboard: "fewer than N" and "suppressed" instead of counts and rates;
a lone small group takes the next smallest with it; the suppressed groups pooled so the table
adds up; words instead of None."""

from __future__ import annotations

from sojourn.reports.overstay import Row
from sojourn.reports.suppress import (
    COLUMNS,
    SUPPRESSED,
    lines,
    rate_or_words,
    shown,
    value_or_words,
)


def _row(key: str, expected: int, in_country: int = 0, late: int = 0) -> Row:
    row = Row(key)
    row.add("in_country", in_country)
    row.add("out_of_country", late)
    row.add("on_time", expected - in_country - late)
    return row


def test_groups_under_the_minimum_show_no_count_or_rate() -> None:
    rows = [_row("GBR", 400, 9, 3), _row("DEU", 120, 2), _row("JOR", 2, 1), _row("SEN", 3, 1)]
    out = lines(rows, 10, "countries")
    assert out[0].cells == ("400", "12", "3.00%", "9", "2.25%", "3", "0") and not out[0].suppressed
    assert out[2].key == "JOR" and out[2].cells == ("fewer than 10",) + (SUPPRESSED,) * 6
    assert out[3].suppressed and not out[1].suppressed
    pool = out[4]  # 2 + 3 = 5 expected: still under 10, so the pool is suppressed too
    assert pool.key == "the 2 countries suppressed above, together" and pool.suppressed
    assert [r.key for r in shown(rows, 10)] == ["GBR", "DEU"]
    assert len(out[0].cells) == len(COLUMNS)


def test_a_pool_that_reaches_the_minimum_is_shown_and_the_table_adds_up() -> None:
    rows = [_row("GBR", 400, 9), _row("JOR", 6, 1), _row("SEN", 7, 2), _row("MAR", 5)]
    pool = lines(rows, 10, "countries")[-1]
    assert pool.key == "the 3 countries suppressed above, together"
    assert pool.cells[:3] == ("18", "3", "16.67%") and not pool.suppressed
    out = lines(rows, 10, "countries")
    shown_counts = [int(line.cells[0].replace(",", "")) for line in out if not line.suppressed]
    assert sum(shown_counts) == sum(r.expected for r in rows)  # GBR and the pool: all of it


def test_a_lone_small_group_takes_the_next_smallest_with_it() -> None:
    rows = [_row("B1/B2", 1006, 29, 5), _row("F", 91, 8, 3), _row("M", 8, 1), _row("J", 47)]
    out = {line.key: line for line in lines(rows, 10, "classes")}
    assert out["M"].cells[0] == "fewer than 10" and out["J"].cells == (SUPPRESSED,) * 7
    assert not out["F"].suppressed and not out["B1/B2"].suppressed
    pool = out["the 2 classes suppressed above, together"]  # M + J: 55, shown
    assert pool.cells[:2] == ("55", "1") and not pool.suppressed
    assert [r.key for r in shown(rows, 10)] == ["B1/B2", "F"]
    apart = lines(rows[2:], 10, "countries", complementary=False)  # no total to subtract from
    assert [line.suppressed for line in apart] == [True, False]


def test_no_group_is_suppressed_at_a_minimum_of_one() -> None:
    rows = [_row("GBR", 1, 1), _row("DEU", 2)]
    assert not any(line.suppressed for line in lines(rows, 1, "countries"))


def test_words_instead_of_none() -> None:
    assert rate_or_words(None, 0, 10, "supervisor decisions") == "no supervisor decisions yet"
    assert rate_or_words(1, 4, 10, "supervisor decisions") == (
        "not shown: fewer than 10 supervisor decisions"
    )
    assert rate_or_words(3, 40, 10, "supervisor decisions") == "7.5%"
    assert value_or_words(None, 0, 10, "confirmed self-departures") == (
        "no confirmed self-departures yet"
    )
    assert value_or_words(39.5, 2, 10, "confirmed self-departures").startswith("not shown")
    assert value_or_words(39.5, 12, 10, "confirmed self-departures") == "39.5"
