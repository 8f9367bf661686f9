"""Paging for every list (USWDS pagination): ``?page=N&per=M`` in, the slice out, and the
figures a page prints ("Showing 51–100 of 2,712") with links that keep the other filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request

PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Paging:
    page: int
    per: int
    total: int = 0
    query: tuple[tuple[str, str], ...] = ()

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per))

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.per, self.total)

    def of(self, total: int) -> Paging:
        """The same request, knowing the list's ``total``."""
        return Paging(self.page, self.per, total, self.query)

    def href(self, page: int) -> str:
        """The link to ``page`` of the same list, the other parameters kept."""
        kept = [(k, v) for k, v in self.query if k != "page"]
        return "?" + urlencode([*kept, ("page", str(page))])

    def numbers(self) -> list[int | None]:
        """Page numbers to link: first, last and two either side of this one (None: a gap)."""
        keep = {1, self.pages, *range(self.page - 2, self.page + 3)}
        shown = sorted(p for p in keep if 1 <= p <= self.pages)
        out: list[int | None] = []
        for p in shown:
            if out and p - (out[-1] or 0) > 1:
                out.append(None)
            out.append(p)
        return out


def paging(
    request: Request,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
) -> Paging:
    """A page's paging, as a FastAPI dependency."""
    return Paging(page, per, 0, tuple(request.query_params.multi_items()))
