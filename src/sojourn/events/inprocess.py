"""The in-process bus (the embedded default): subscribers by subject prefix, called in publish
order on the publishing thread. An event a handler cannot use (PoisonError) goes to the
dead-letter list with its reason; any other failure propagates to the publisher."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sojourn.events.event import Event, PoisonError, dead_subject

Subscriber = Callable[[Event], object]


@dataclass
class InProcessBus:
    subscribers: list[tuple[str, Subscriber]] = field(default_factory=list)
    dead: list[tuple[Event, str]] = field(default_factory=list)

    def subscribe(self, prefix: str, subscriber: Subscriber) -> None:
        """Call ``subscriber`` for every event whose subject starts with ``prefix``."""
        self.subscribers.append((prefix, subscriber))

    def publish(self, events: Iterable[Event]) -> None:
        for event in events:
            for prefix, subscriber in list(self.subscribers):
                if event.subject.startswith(prefix):
                    try:
                        subscriber(event)
                    except PoisonError as exc:
                        dead = Event(dead_subject(event.subject), event.payload, event.key,
                                     event.id, event.at)  # fmt: skip
                        self.dead.append((dead, str(exc)))
