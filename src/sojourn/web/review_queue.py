"""The review queue's pieces for its pages: the queue's filters (read from a query string or
from the hidden inputs of a form, so "judge and next" stays in the same queue), what the
caller may see, each row's reason and agencies, and the pair view's rows in plain words."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import Form, Query
from sqlalchemy import Engine, select

from sojourn.access.fields import field_map
from sojourn.access.tables import users
from sojourn.resolve.explain import Explanation
from sojourn.resolve.levels import MISSING
from sojourn.resolve.queries import pair_vectors
from sojourn.resolve.queue import ANYONE, BANDS, SORTS, QueueFilter, Sort, Visible
from sojourn.web.actionable import agency
from sojourn.web.review_words import LABELS, reason, shown, verdict, weight_words

#: Users a review may be assigned to: the roles that judge reviews.
REVIEWERS = ("analyst", "supervisor", "redress_officer")
#: The age filter: days since the review was opened → its words.
AGES = {"1": "More than a day", "7": "More than a week", "30": "More than 30 days"}
Text = Annotated[str, Query(max_length=64)]
Field = Annotated[str, Form(max_length=64)]


@dataclass(frozen=True)
class QueueArgs:
    """The queue's filters and order as sent (unknown values are ignored)."""

    band: str = ""
    source: str = ""
    older: str = ""
    assignee: str = ANYONE
    sort: str = "probability"

    def filter(self, me: str) -> QueueFilter:
        return QueueFilter(
            self.band if self.band in BANDS else None, self.source or None,
            int(self.older) if self.older in AGES else None, self.assignee or ANYONE,
            cast(Sort, self.sort if self.sort in SORTS else "probability"), me,
        )  # fmt: skip

    def pairs(self) -> list[tuple[str, str]]:
        """The non-default values, as query parameters (and hidden inputs)."""
        default = asdict(QueueArgs())
        return [(k, v) for k, v in asdict(self).items() if v and v != default[k]]

    def query(self, prefix: str = "?") -> str:
        kept = self.pairs()
        return prefix + urlencode(kept) if kept else ""


def queue_args(band: Text = "", source: Text = "", older: Text = "", assignee: Text = ANYONE,
               sort: Text = "probability") -> QueueArgs:  # fmt: skip
    """The queue's filters from the query string (a FastAPI dependency)."""
    return QueueArgs(band, source, older, assignee, sort)


def queue_form(band: Field = "", source: Field = "", older: Field = "", assignee: Field = ANYONE,
               sort: Field = "probability") -> QueueArgs:  # fmt: skip
    """The queue's filters from a form's hidden inputs (a FastAPI dependency)."""
    return QueueArgs(band, source, older, assignee, sort)


def visible_of(groups: frozenset[str]) -> Visible:
    """The record kinds a caller with these field groups may see, and the forms withheld."""
    m = field_map()
    kinds = frozenset(k for k, g in m["record_kinds"].items() if g in groups)
    hidden = () if "asylum" in groups else tuple(m["asylum_forms"])
    return Visible(kinds, hidden)


def reviewers(engine: Engine) -> list[str]:
    """The active users who may be given a review."""
    query = select(users.c.username).where(users.c.role.in_(REVIEWERS), users.c.active)
    with engine.connect() as conn:
        return sorted(str(u) for u in conn.execute(query.order_by(users.c.username)).scalars())


def with_reasons(
    engine: Engine, rows: list[dict[str, Any]], groups: frozenset[str]
) -> list[dict[str, Any]]:
    """Each review row with ``why`` (the fields that differ, are close, are the same) and
    each record's agency."""
    vectors = pair_vectors(engine, [(r["record_l"], r["record_r"]) for r in rows])
    out = []
    for r in rows:
        vector = vectors.get((r["record_l"], r["record_r"]))
        why = reason(vector, groups) if vector else str(r["reason"])
        out.append(r | {"why": why, "agency_l": agency(str(r["source_l"])),
                        "agency_r": agency(str(r["source_r"]))})  # fmt: skip
    return out


def pair_rows(pair: dict[str, Any], groups: frozenset[str]) -> list[dict[str, Any]]:
    """The pair view's rows: each comparison the caller may see, both values, the verdict."""
    levels = {f.comparison: f.level for f in pair["explanation"].fields}
    out = []
    for name, (a, b) in pair["values"].items():
        if shown(name, groups):
            said = verdict(name, levels[name], a is None and b is None,
                           a is not None and b is not None)  # fmt: skip
            out.append({"name": name, "label": LABELS[name], "left": a, "right": b,
                        "kind": said.kind, "words": said.words})  # fmt: skip
    return out


def weight_rows(explanation: Explanation, groups: frozenset[str]) -> list[dict[str, Any]]:
    """The model's explanation in words: each comparison's verdict and its weight (not the
    comparisons missing on a side: they weigh nothing)."""
    return [
        {"label": LABELS[f.comparison], "words": verdict(f.comparison, f.level).words,
         "weight": f.weight, "reads": weight_words(f.weight)}
        for f in explanation.fields if shown(f.comparison, groups) and f.level != MISSING
    ]  # fmt: skip


def sides(pair: dict[str, Any]) -> list[dict[str, Any]]:
    """The two records' agency, kind and date, left then right."""
    review = pair["review"]
    found = [pair["records"].get(review[k], {"id": review[k]}) for k in ("record_l", "record_r")]
    return [r | {"agency": agency(str(r.get("source", "")))} for r in found]
