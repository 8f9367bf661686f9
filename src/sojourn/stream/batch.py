"""A batch of incoming records (a fetch, or one event) applied in one transaction: the inbox
rows first (an event applied before writes nothing; a concurrent consumer applying the same
event fails this transaction, which is redelivered), each mapping's rows mapped at once and
stored with a handful of statements, the new records matched in order and written as one
resolution run, the persons whose records changed assessed (the others keep their stored
assessment), their cases synced set-based (``cases.bulk``), and every outgoing event and
alert written. Any failure rolls the whole batch back and the index forgets its records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from sojourn.cases.bulk import sync_many
from sojourn.cases.model import SYSTEM
from sojourn.cases.sync import Known
from sojourn.cases.withdraw import withdraw_orphans
from sojourn.events.alerts import alert_followers
from sojourn.events.bus import enqueue, first_times
from sojourn.events.event import Event
from sojourn.priority.store import latest_ids, save
from sojourn.priority.sweep import persons_concerned
from sojourn.records.mapping import Mapping
from sojourn.records.streamed import Streamed, Tally, map_rows, store_rows
from sojourn.resolve.realtime import Index
from sojourn.resolve.serving import load_index, resolve_in
from sojourn.settings import today
from sojourn.stream.assess import Outcome, assess_in, stored_outcomes

if TYPE_CHECKING:
    from sojourn.stream.pipeline import Pipeline

Parsed = tuple[Mapping, dict[str, Any], int]


@dataclass(frozen=True)
class Done:
    """An event applied now: its outcome and what it announces."""

    outcome: str  # applied or quarantined
    events: list[Event]


def handle_batch(p: Pipeline, events: list[Event]) -> list[bool]:
    """Apply a batch of incoming record events in order, in one transaction; for each, False
    if it was applied before (or earlier in the batch, or belongs to another partition).
    PoisonError before anything is written if one cannot be used (the consumer then takes
    them one by one)."""
    mine = [e for e in events if p.partition is None or p.partition.owns(e)]
    parsed = {e.id: p.parse(e) for e in mine}
    if p.index is None:
        p.index = load_index(p.engine)
    mark, links_seen = len(p.index), p.index.links_seen
    try:
        with p.engine.begin() as conn:
            done = _apply(conn, p.consumer, p.index, p.as_of, mine, parsed) if mine else {}
    except BaseException:  # the index forgets what it learnt in the batch
        p.index.truncate(mark)
        p.index.links_seen = links_seen
        raise
    for d in done.values():
        p.counts[d.outcome] = p.counts.get(d.outcome, 0) + 1
    p.relay()
    seen: set[str] = set()
    out = []
    for e in events:
        out.append(e.id in done and e.id not in seen)
        seen.add(e.id)
    return out


def _apply(
    conn: Connection, consumer: str, index: Index, as_of: Any, events: list[Event],
    parsed: dict[str, Parsed],
) -> dict[str, Done]:  # fmt: skip
    firsts = first_times(conn, consumer, events)
    fresh = [e for e, first in zip(events, firsts, strict=True) if first]
    if not fresh:
        return {}
    tally = Tally()  # the day's batch row is counted last: see Tally
    stored = _store(conn, fresh, parsed, tally)
    records = {e.id: r for e in fresh if (r := stored[e.id].record_id) is not None}
    matched = resolve_in(conn, index, list(records.values()))
    persons = {e: str(matched[r][1]) for e, r in records.items()}
    new = [r for r in records.values() if matched[r][0] is not None]
    changed = {str(matched[r][1]) for r in new} | set(persons_concerned(conn, new))
    kept = stored_outcomes(conn, sorted(set(persons.values()) - changed))
    who = sorted(changed | (set(persons.values()) - set(kept)))  # never assessed: now
    day = as_of or today()
    assessed = assess_in(conn, day, who)
    save(conn, assessed, f"batch of {len(fresh)} events")
    known = Known.load(conn, sorted({*who, *persons.values()}))
    _, announced = sync_many(conn, assessed, latest_ids(conn, who), SYSTEM, known)
    orphans = sorted(set(who) - {a.person_id for a in assessed})  # no current records now
    if orphans:
        withdraw_orphans(conn, set(), orphans)
    outcomes = kept | {a.person_id: Outcome.of(a) for a in assessed}
    done = {}
    for e in fresh:
        s = stored[e.id]
        if s.record_id is None:
            note = {"reason": s.reason, "source_event": e.id}
            done[e.id] = Done("quarantined", [Event("sojourn.record.quarantined", note, e.key)])
            continue
        person = persons[e.id]
        told = _person_event(e, person, outcomes.get(person), s.record_id, known)
        done[e.id] = Done("applied", [told])
    out = [*announced, *(x for d in done.values() for x in d.events)]
    enqueue(conn, *out)
    alert_followers(conn, *out)
    tally.write(conn)
    return done


def _store(
    conn: Connection, events: list[Event], parsed: dict[str, Parsed], tally: Tally
) -> dict[str, Streamed]:
    """Map each mapping's rows at once and store them (a handful of statements)."""
    groups: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in events:
        groups[(parsed[e.id][0].name, e.subject)].append(e)
    out = {}
    for (_, subject), group in groups.items():
        mapping = parsed[group[0].id][0]
        rows = [(parsed[e.id][2], parsed[e.id][1]) for e in group]
        mapped = map_rows(mapping, rows)
        numbered = [(n, m) for (n, _), m in zip(rows, mapped, strict=True)]
        stored = store_rows(conn, mapping, numbered, f"stream:{subject}", tally)
        out.update({e.id: s for e, s in zip(group, stored, strict=True)})
    return out


def _person_event(event: Event, person: str, a: Outcome | None, record: str, known: Known) -> Event:
    """``sojourn.person.<id>.updated`` after ``event`` reached the person."""
    payload = {
        "person": person, "record": record, "source_event": event.id, "source_at": event.at,
        "status": a.status if a else None, "priority": a.priority if a else None,
        "enforcement_ready": a.enforcement_ready if a else False,
        "stops": a.stops if a else [], "case": known.cases.get(person),
    }  # fmt: skip
    return Event(f"sojourn.person.{person}.updated", payload, person)
