"""Absence is not presence (``presence.yaml``): whether exits of the last admission's kind are
recorded, which records place a person in the U.S. on a date, and whether an overstay is
verified by such a record after the authorized stay ended or only inferred from a missing exit
(a *suspected, unverified* overstay: a departure verification, never enforcement).

The file is checked when it loads: an unknown record kind, a field the kind does not have, a
date list naming a field that is not a date, an unknown mode or recording level, a missing
citation, or a mode with unrecorded exits that does not require presence evidence is an error
naming the file and the entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from sojourn.records.codes import vocabularies
from sojourn.records.kinds import EVENT_FIELDS, FieldType
from sojourn.status.events import Event
from sojourn.yamlsafe import YamlError, load_yaml

FILE = Path(__file__).with_name("presence.yaml")
UNKNOWN = "unknown"
RECORDING = ("systematic", "partial", UNKNOWN)


class PresenceError(ValueError):
    """A presence file that cannot be used (the message names the file and the entry)."""


@dataclass(frozen=True)
class ExitRecording:
    mode: str
    recording: str  # systematic, partial or unknown
    presence_required: bool
    citation: str


@dataclass(frozen=True)
class PresenceKind:
    """Records of ``kind`` (matching ``require``) place the person in the U.S. on ``dates``."""

    id: str
    kind: str
    dates: tuple[str, ...]
    require: Mapping[str, tuple[Any, ...]]
    citation: str

    def days(self, e: Event, known_on: dt.date) -> list[dt.date]:
        if e.kind != self.kind:
            return []
        if any(e.get(k) not in allowed for k, allowed in self.require.items()):
            return []
        return [d for name in self.dates if (d := e.day(name, known_on)) is not None]


@dataclass(frozen=True)
class Verification:
    """How an overstay of ``admission`` stands: the exit recording of its mode, the records
    placing the person in the U.S. after the stay ended, and whether it is unverified."""

    admission: str
    recording: ExitRecording
    presence: tuple[str, ...]
    unverified: bool

    def flag(self, stay_end: dt.date) -> str:
        exits = {"systematic": "recorded", "partial": "partly recorded"}
        how = exits.get(self.recording.recording, "recording unknown")
        return (
            f"overstay unverified: no record places the person in the U.S. after "
            f"{stay_end.isoformat()} ({self.recording.mode} arrival, exits {how}); "
            "a departure verification, not enforcement"
        )


@dataclass(frozen=True)
class PresenceRules:
    exits: Mapping[str, ExitRecording]
    kinds: tuple[PresenceKind, ...]

    @cached_property
    def _by_kind(self) -> dict[str, tuple[PresenceKind, ...]]:
        """The presence entries by record kind (only those can place a record's person)."""
        return {kind: tuple(k for k in self.kinds if k.kind == kind) for kind in
                {k.kind for k in self.kinds}}  # fmt: skip

    def exit_recording(self, mode: str | None) -> ExitRecording:
        return self.exits.get(mode or UNKNOWN) or self.exits[UNKNOWN]

    def present_after(
        self, events: Iterable[Event], after: dt.date, known_on: dt.date
    ) -> tuple[str, ...]:
        """The records that place the person in the U.S. on a day after ``after`` (and on or
        before ``known_on``)."""
        by_kind = self._by_kind
        found = {
            e.record_id
            for e in events
            for k in by_kind.get(e.kind, ())
            if any(after < d <= known_on for d in k.days(e, known_on))
        }
        return tuple(sorted(found))

    def verify(
        self, events: Iterable[Event], admission: Event, stay_end: dt.date, as_of: dt.date
    ) -> Verification:
        """An overstay of ``admission`` whose stay ended on ``stay_end``, as of ``as_of``."""
        recording = self.exit_recording(admission.get("mode"))
        presence = self.present_after(events, stay_end, as_of)
        unverified = recording.presence_required and not presence
        return Verification(admission.record_id, recording, presence, unverified)


def _exit(where: str, raw: Any) -> ExitRecording:
    at = f"{where}: exits entry {raw.get('mode') if isinstance(raw, dict) else raw!r}"
    if not isinstance(raw, dict):
        raise PresenceError(f"{at}: an entry is a mapping")
    _keys(at, raw, {"mode", "recording", "presence_required", "citation"})
    mode, recording = str(raw["mode"]), str(raw["recording"])
    if mode not in (*vocabularies()["mode"], UNKNOWN):
        raise PresenceError(f"{at}: unknown mode {mode!r}")
    if recording not in RECORDING:
        raise PresenceError(f"{at}: recording {recording!r} is not one of {', '.join(RECORDING)}")
    required = raw["presence_required"]
    if not isinstance(required, bool):
        raise PresenceError(f"{at}: presence_required must be true or false")
    if recording != "systematic" and not required:
        raise PresenceError(f"{at}: exits not systematically recorded must require presence")
    return ExitRecording(mode, recording, required, str(raw["citation"]).strip())


def _kind(where: str, raw: Any) -> PresenceKind:
    at = f"{where}: presence entry {raw.get('id') if isinstance(raw, dict) else raw!r}"
    if not isinstance(raw, dict):
        raise PresenceError(f"{at}: an entry is a mapping")
    _keys(at, raw, {"id", "kind", "dates", "citation"}, frozenset({"require"}))
    kind = str(raw["kind"])
    fields = EVENT_FIELDS.get(kind)
    if fields is None:
        raise PresenceError(f"{at}: unknown record kind {kind!r}")
    dates = raw["dates"] if isinstance(raw["dates"], list) else [raw["dates"]]
    for name in dates:
        if name not in fields or fields[name].type is not FieldType.DATE:
            raise PresenceError(f"{at}: {name!r} is not a date field of {kind}")
    require: dict[str, tuple[Any, ...]] = {}
    for name, allowed in (raw.get("require") or {}).items():
        if name not in fields:
            raise PresenceError(f"{at}: {name!r} is not a field of {kind}")
        require[str(name)] = tuple(allowed) if isinstance(allowed, list) else (allowed,)
    return PresenceKind(
        str(raw["id"]), kind, tuple(map(str, dates)), require, str(raw["citation"]).strip()
    )


def _keys(
    at: str, raw: dict[str, Any], required: set[str], optional: frozenset[str] = frozenset()
) -> None:
    missing = sorted(k for k in required if raw.get(k) in (None, "", []))
    if missing:
        raise PresenceError(f"{at}: missing {', '.join(missing)}")
    unknown = sorted(set(raw) - required - optional)
    if unknown:
        raise PresenceError(f"{at}: unknown keys {', '.join(unknown)}")


def parse_presence(where: str, raw: Any) -> PresenceRules:
    """The presence rules from the file's mapping; ``where`` names the file in errors."""
    if not isinstance(raw, dict) or set(raw) != {"exits", "presence"}:
        raise PresenceError(f"{where}: a mapping with exits and presence, nothing else")
    exits = [_exit(where, r) for r in raw["exits"] or ()]
    kinds = tuple(_kind(where, r) for r in raw["presence"] or ())
    by_mode = {e.mode: e for e in exits}
    if len(by_mode) != len(exits) or UNKNOWN not in by_mode:
        raise PresenceError(f"{where}: each mode once, and an entry for mode {UNKNOWN!r}")
    ids = [k.id for k in kinds]
    if len(set(ids)) != len(ids):
        raise PresenceError(f"{where}: presence ids used twice")
    return PresenceRules(by_mode, kinds)


def load_presence(path: Path = FILE) -> PresenceRules:
    try:
        raw = load_yaml(path)
    except YamlError as exc:
        raise PresenceError(str(exc)) from exc
    return parse_presence(path.name, raw)


@lru_cache(maxsize=1)
def default_presence() -> PresenceRules:
    """The shipped presence rules, checked once."""
    return load_presence()
