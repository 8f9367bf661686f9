"""The truth's day counting (synth/truth_days.py) on hand-made cases: days outside the union of
periods, the 18th birthday, and the bars at their thresholds."""

from __future__ import annotations

import datetime as dt

import numpy as np

from sojourn.synth.common import NEVER, day, ints
from sojourn.synth.life import REMOVED, TRAVEL, Life
from sojourn.synth.truth_days import bars, eighteenth_birthdays, uncovered


def test_uncovered_counts_days_outside_the_union_of_periods() -> None:
    lo, hi = ints([1, 1, 1, 10]), ints([10, 10, 10, 9])
    periods = [
        (ints([3, 3, 20, 1]), ints([5, 6, 30, 9])),  # person 1: 3..5; 2: 3..6
        (ints([4, 6, 0, 1]), ints([8, 6, -1, 9])),  # overlaps 3..5 into 3..8; inside; empty
    ]
    # 10 days less 3..8 (6 days); 10 less 3..6 (4); nothing covered in range; empty range
    assert uncovered(lo, hi, periods).tolist() == [4, 6, 10, 0]


def test_uncovered_clips_periods_to_the_range() -> None:
    periods = [(ints([-5]), ints([2])), (ints([9]), ints([NEVER - 1]))]
    assert uncovered(ints([1]), ints([10]), periods).tolist() == [6]  # 3..8


def test_eighteenth_birthday_of_a_leap_day_birth_is_march_first() -> None:
    born = [dt.date(2008, 2, 29), dt.date(2004, 2, 29), dt.date(2000, 12, 31)]
    days = eighteenth_birthdays(ints([day(d) for d in born]))
    got = [dt.date(1970, 1, 1) + dt.timedelta(int(d)) for d in days]
    assert got == [dt.date(2026, 3, 1), dt.date(2022, 3, 1), dt.date(2018, 12, 31)]


def test_bars_at_their_thresholds() -> None:
    life = Life.empty(6)
    life.exit[:] = 100
    life.exit_kind[:] = TRAVEL
    life.exit_kind[4] = REMOVED
    life.nta_filed[5] = 50  # proceedings began before the departure
    unlawful = ints([180, 181, 364, 365, 200, 200])
    assert bars(life, 100, unlawful).tolist() == [0, 3, 3, 10, 0, 0]
    assert bars(life, 99, unlawful).tolist() == [0] * 6  # not yet left
    life.exit_kind[:] = REMOVED
    assert bars(life, 100, np.full(6, 365, dtype=np.int64)).tolist() == [10] * 6
