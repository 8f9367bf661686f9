"""Small groups suppressed on the dashboard (the threshold rule of statistical disclosure
control: a cell of a frequency table is sensitive when fewer than N units are in it; FCSM
Statistical Policy Working Paper 22, and the OECD glossary's "threshold rule").

A group with fewer than ``min_group`` expected departures shows "fewer than N" and
"suppressed" instead of its counts and rates; when it is the only one of a table that adds up
to a total, the next smallest group is suppressed too (complementary suppression), or it could
be worked out by subtraction. It is still counted in the totals; the groups suppressed are
pooled in a row of their own, shown when the pool reaches ``min_group`` (so
the table adds up), else suppressed too. Empty values read as words, never ``None``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sojourn.reports.overstay import Row

SUPPRESSED = "suppressed"
COLUMNS = ("expected departures", "overstays", "overstay rate", "suspected in-country",
           "in-country rate", "left late", "covered")  # fmt: skip


@dataclass(frozen=True)
class Line:
    """One table row as shown: its group and its cells (in ``COLUMNS`` order)."""

    key: str
    cells: tuple[str, ...]
    suppressed: bool


def fewer_than(min_group: int) -> str:
    return f"fewer than {min_group:,}"


def line(row: Row, min_group: int, secondary: bool = False) -> Line:
    """A row's cells, or "fewer than N" and "suppressed" when the group is too small (all
    "suppressed" when it is hidden only to protect another group)."""
    if secondary:
        return Line(row.key, (SUPPRESSED,) * len(COLUMNS), True)
    if row.expected < min_group:
        cells = (fewer_than(min_group),) + (SUPPRESSED,) * (len(COLUMNS) - 1)
        return Line(row.key, cells, True)
    in_country, late = row.counts["in_country"], row.counts["out_of_country"]
    cells = (f"{row.expected:,}", f"{row.overstays:,}", f"{row.rate(row.overstays):.2%}",
             f"{in_country:,}", f"{row.rate(in_country):.2%}", f"{late:,}",
             f"{row.counts['covered']:,}")  # fmt: skip
    return Line(row.key, cells, False)


def hidden(
    rows: Sequence[Row], min_group: int, complementary: bool = True
) -> tuple[set[int], set[int]]:
    """The rows suppressed for being small, and those suppressed to protect them: when a
    table that adds up to a total has only one small group, the next smallest is hidden too,
    or the small one could be worked out as the total minus the others."""
    small = {i for i, r in enumerate(rows) if r.expected < min_group}
    others = [i for i in range(len(rows)) if i not in small]
    if complementary and len(small) == 1 and others:
        return small, {min(others, key=lambda i: (rows[i].expected, rows[i].key))}
    return small, set()


def lines(rows: Sequence[Row], min_group: int, what: str, complementary: bool = True) -> list[Line]:
    """Each group's line, then (when two or more were suppressed) the suppressed groups
    pooled, so the table adds up to its total."""
    small, protecting = hidden(rows, min_group, complementary)
    out = [line(r, min_group, i in protecting) for i, r in enumerate(rows)]
    pooled = [rows[i] for i in sorted(small | protecting)]
    if len(pooled) > 1:  # a pool of one would be that group again
        pool = Row(f"the {len(pooled)} {what} suppressed above, together")
        for r in pooled:
            pool.expected += r.expected
            for k, n in r.counts.items():
                pool.counts[k] += n
        out.append(line(pool, min_group))
    return out


def shown(rows: Sequence[Row], min_group: int, complementary: bool = True) -> list[Row]:
    """The groups a chart may draw (none of those suppressed)."""
    small, protecting = hidden(rows, min_group, complementary)
    return [r for i, r in enumerate(rows) if i not in small | protecting]


def rate_or_words(part: int | None, whole: int, min_group: int, unit: str) -> str:
    """``part / whole`` as a percentage, or why there is none."""
    if whole == 0 or part is None:
        return f"no {unit} yet"
    if whole < min_group:
        return f"not shown: {fewer_than(min_group)} {unit}"
    return f"{part / whole:.1%}"


def value_or_words(value: float | None, count: int, min_group: int, unit: str) -> str:
    """A statistic over ``count`` items (a median, say), or why there is none."""
    if value is None or count == 0:
        return f"no {unit} yet"
    if count < min_group:
        return f"not shown: {fewer_than(min_group)} {unit}"
    return f"{value:,.1f}"
