"""Paging figures and links."""

from __future__ import annotations

from sojourn.web.paging import Paging


def test_paging_figures() -> None:
    p = Paging(2, 50, 0, (("state", "open"), ("page", "2"))).of(2712)
    assert (p.offset, p.first, p.last, p.pages) == (50, 51, 100, 55)
    assert p.href(3) == "?state=open&page=3"
    assert p.numbers() == [1, 2, 3, 4, None, 55]


def test_an_empty_list_has_one_page_and_shows_nothing() -> None:
    p = Paging(1, 50).of(0)
    assert (p.first, p.last, p.pages, p.numbers()) == (0, 0, 1, [1])


def test_the_last_page_is_short() -> None:
    p = Paging(55, 50).of(2712)
    assert (p.first, p.last) == (2701, 2712)
    assert p.numbers() == [1, None, 53, 54, 55]
