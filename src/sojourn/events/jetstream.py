"""The NATS JetStream adapter (production). One stream holds every ``sojourn.>`` subject on
disk; each publish carries ``Nats-Msg-Id`` = the event id, so the server drops a duplicate
publish within its window. Consumers are durable pull consumers with explicit acks: an event is
acknowledged only after its transaction (with its inbox row) committed, so a consumer killed
mid-stream gets its unacknowledged events again on restart and its inbox skips the ones it
had applied. A poison event goes to ``sojourn.dead.<subject>`` with the reason in a header;
an event that keeps failing goes there after ``max_deliver`` attempts. Handlers are called in
stream order; after a failure the rest of the batch is handed back, so that a retried event is
not overtaken by the next ones of the same fetch.

The adapter runs its own event loop on a thread, so the rest of sojourn calls it
synchronously; handlers run on a worker thread (and may publish)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import nats
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DiscardPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from sojourn.events.event import DEAD, Event, PoisonError, decode

T = TypeVar("T")
STREAM, SUBJECTS = "SOJOURN", ["sojourn.>"]
REASON = "Sojourn-Dead-Reason"


@dataclass
class Consumed:
    applied: int = 0
    skipped: int = 0  # delivered again, already applied (the handler said so)
    dead: int = 0
    retried: int = 0
    fetches: int = 0  # batches taken from the stream


def rounds(events: list[Event]) -> list[list[Event]]:
    """The events in rounds holding at most one event per key, in order (the k-th event of a
    key goes to round k): a round may be sent at once without reordering any key."""
    seen: dict[str, int] = {}
    out: list[list[Event]] = []
    for e in events:
        k = seen[e.key] = seen.get(e.key, -1) + 1
        if k == len(out):
            out.append([])
        out[k].append(e)
    return out


class JetStreamBus:
    """Publish and consume through NATS JetStream at ``url``."""

    def __init__(
        self,
        url: str = "nats://127.0.0.1:4222",
        stream: str = STREAM,
        subjects: list[str] | None = None,
        duplicate_window: float = 120.0,
        dead_prefix: str = DEAD,
        max_bytes: int = 8 * 2**30,
        max_age: float = 30 * 86_400.0,
    ) -> None:
        self.url, self.stream, self.dead_prefix = url, stream, dead_prefix
        self.subjects = subjects or SUBJECTS
        self.window, self.max_bytes, self.max_age = duplicate_window, max_bytes, max_age
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="nats", daemon=True)
        self.thread.start()
        self.nc: Any = None
        self.js: Any = None
        #: When set, each fetch is handed over whole (one by one only if that fails).
        self.handle_batch: Callable[[list[Event]], list[bool]] | None = None
        self.stopping = False  # set: ``consume`` returns after the batch in hand
        self._run(self._connect())

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the client's loop thread and wait for it (from any other thread:
        handlers run on worker threads, so they may publish too)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    async def _connect(self) -> None:
        self.nc = await nats.connect(self.url)
        self.js = self.nc.jetstream()
        # When full, refuse new events; drop none that are stored.
        limits: dict[str, Any] = {"max_bytes": self.max_bytes, "max_age": self.max_age,
                                  "discard": DiscardPolicy.NEW}  # fmt: skip
        try:
            config = (await self.js.stream_info(self.stream)).config
        except NotFoundError:
            await self.js.add_stream(StreamConfig(
                name=self.stream, subjects=self.subjects, storage=StorageType.FILE,
                duplicate_window=self.window, **limits))  # fmt: skip
            return
        if any(getattr(config, k) != v for k, v in limits.items()):  # the settings changed
            await self.js.update_stream(replace(config, **limits))

    def close(self) -> None:
        self._run(self.nc.drain())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def publish(self, events: Iterable[Event]) -> None:
        self._run(self._publish(list(events)))

    async def _publish(self, events: list[Event]) -> None:
        for group in rounds(events):
            await self._round(group)

    async def _round(self, events: list[Event]) -> None:
        """Send events of distinct keys at once and wait for every answer (one round trip
        for the lot). If one is missing or refused, send them again one by one, each waiting
        for its answer (the server drops the ones it stored, by ``Nats-Msg-Id``), so that the
        refusal reaches the caller before any later event of its key is sent."""
        acks: list[asyncio.Future[Any]] = []
        try:
            for e in events:
                headers = {"Nats-Msg-Id": e.id}
                acks.append(await self.js.publish_async(e.subject, e.encode(), 5.0,
                                                        headers=headers))  # fmt: skip
            await asyncio.wait_for(asyncio.gather(*acks), timeout=2 + len(events) / 1000)
            return
        except Exception:  # answered below, event by event
            pass
        finally:
            for ack in acks:
                ack.cancel()  # frees the client's slot of an answer that did not come
        for e in events:
            await self.js.publish(e.subject, e.encode(), headers={"Nats-Msg-Id": e.id})

    def publish_raw(self, subject: str, data: bytes, msg_id: str) -> None:
        """Publish bytes as they are (tests and replays of foreign messages)."""
        self._run(self.js.publish(subject, data, headers={"Nats-Msg-Id": msg_id}))

    def consume(
        self,
        subject: str,
        durable: str,
        handle: Callable[[Event], bool],
        stop_after: int | None = None,
        idle: float = 2.0,
        batch: int = 100,
        max_deliver: int = 5,
        ack_wait: float = 30.0,
    ) -> Consumed:
        """Hand each event on ``subject`` to ``handle`` (True: applied now; False: applied
        before) until ``stop_after`` events were handled or nothing came for ``idle``
        seconds. An event handed out and not acknowledged (its consumer died) comes again
        after ``ack_wait`` seconds. Interrupted (Ctrl-C), it stops after the batch in hand."""
        future = asyncio.run_coroutine_threadsafe(
            self._consume(subject, durable, handle, stop_after, idle, batch, max_deliver, ack_wait),
            self.loop,
        )
        try:
            return future.result()
        except KeyboardInterrupt:
            self.stopping = True
            return future.result()

    async def _consume(
        self,
        subject: str,
        durable: str,
        handle: Callable[[Event], bool],
        stop_after: int | None,
        idle: float,
        batch: int,
        max_deliver: int,
        ack_wait: float,
    ) -> Consumed:
        config = ConsumerConfig(
            durable_name=durable,
            ack_policy=AckPolicy.EXPLICIT,
            max_deliver=max_deliver,
            ack_wait=ack_wait,
            filter_subject=subject,
            max_ack_pending=batch,  # at most one batch handed out and not yet acknowledged
        )
        sub = await self.js.pull_subscribe(subject, durable=durable, config=config)
        done, waited = Consumed(), 0.0
        while stop_after is None or done.applied + done.skipped + done.dead < stop_after:
            if self.stopping or waited >= idle:
                break
            try:
                messages = await sub.fetch(batch, timeout=min(idle, 1.0))
            except (NatsTimeout, TimeoutError):  # nothing came for a second
                waited += min(idle, 1.0)
                continue
            waited, done.fetches = 0.0, done.fetches + 1
            rest = await self._whole(messages, done) if self.handle_batch else messages
            if rest:
                await self._batch(rest, handle, done, max_deliver)
        await sub.unsubscribe()
        return done

    async def _whole(self, messages: list[Any], done: Consumed) -> list[Any]:
        """Hand a whole fetch to ``handle_batch``; the messages to take one by one instead
        if it failed (poison is dead-lettered first)."""
        valid = []
        for msg in messages:
            try:
                valid.append((msg, decode(msg.data, msg.subject)))
            except PoisonError as exc:
                await self._dead(msg, str(exc))
                done.dead += 1
        if not valid or self.handle_batch is None:
            return []
        run = asyncio.get_running_loop().run_in_executor
        try:
            results = await run(None, self.handle_batch, [e for _, e in valid])
        except Exception:  # one by one: retries and dead letters per event
            return [m for m, _ in valid]
        for (msg, _), applied in zip(valid, results, strict=True):
            done.applied += int(applied)
            done.skipped += int(not applied)
            await msg.ack()
        return []

    async def _batch(
        self, messages: list[Any], handle: Callable[[Event], bool], done: Consumed, max_deliver: int
    ) -> None:
        for i, msg in enumerate(messages):
            try:
                event = decode(msg.data, msg.subject)
                if await asyncio.get_running_loop().run_in_executor(None, handle, event):
                    done.applied += 1
                else:
                    done.skipped += 1
            except PoisonError as exc:
                await self._dead(msg, str(exc))
                done.dead += 1
                continue
            except Exception as exc:  # a failure to retry: hand back the rest in order
                if msg.metadata.num_delivered >= max_deliver:
                    await self._dead(msg, f"failed {max_deliver} times: {exc}")
                    done.dead += 1
                    continue
                done.retried += 1
                for rest in messages[i:]:
                    await rest.nak(delay=0.2)
                return
            await msg.ack()

    async def _dead(self, msg: Any, reason: str) -> None:
        headers = {REASON: reason[:500], "Nats-Msg-Id": f"dead-{msg.metadata.sequence.stream}"}
        await self.js.publish(f"{self.dead_prefix}.{msg.subject}", msg.data, headers=headers)
        await msg.ack()

    def lag(self, durable: str) -> dict[str, int]:
        """How far a durable consumer is behind: events in the stream not yet delivered to
        it (``pending``), delivered and not yet acknowledged (``in_flight``), redelivered."""
        return self._run(self._lag(durable))

    async def _lag(self, durable: str) -> dict[str, int]:
        try:
            info = await self.js.consumer_info(self.stream, durable)
        except NotFoundError as exc:
            why = f"no consumer {durable!r} on the stream {self.stream} yet"
            raise LookupError(f"{why} (`sojourn stream consume` creates it)") from exc
        stream = await self.js.stream_info(self.stream)
        return {
            "pending": int(info.num_pending or 0),
            "in_flight": int(info.num_ack_pending or 0),
            "redelivered": int(info.num_redelivered or 0),
            "stream_events": int(stream.state.messages),
            "stream_bytes": int(stream.state.bytes),
            "stream_max_bytes": int(stream.config.max_bytes or -1),
        }

    def dead_letters(
        self, subject: str = "sojourn.dead.>", limit: int = 100
    ) -> list[tuple[str, str]]:
        """(subject, reason) of the dead letters, read by an ephemeral consumer."""
        return self._run(self._dead_letters(subject, limit))

    async def _dead_letters(self, subject: str, limit: int) -> list[tuple[str, str]]:
        sub = await self.js.pull_subscribe(subject, durable=None)
        out: list[tuple[str, str]] = []
        try:
            for msg in await sub.fetch(limit, timeout=1):
                out.append((msg.subject, (msg.headers or {}).get(REASON, "")))
                await msg.ack()
        except (NatsTimeout, TimeoutError):
            pass
        await sub.unsubscribe()
        return out

    def delete_stream(self) -> None:
        """Remove the stream and everything in it (tests)."""
        self._run(self.js.delete_stream(self.stream))
