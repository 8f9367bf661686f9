"""Run the reading and mapping of a file in a child process, handing chunks to the writer.

Parsing is Python-heavy and the writer spends its time in the database driver; in one
process they would take turns on the GIL. A child Python process (``python -m
sojourn.records.child``) reads and maps, and streams pickled chunks back through a pipe;
the parent writes them inside its transaction. Errors in the child are re-raised in the
parent. If the parent dies (kill -9), the child's next write fails and it exits.
"""

from __future__ import annotations

import importlib
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any

DONE, ITEM, PROGRESS, ERROR = "done", "item", "progress", "error"
LENGTH = struct.Struct("<Q")
Tell = Callable[[int], None]
Runner = Callable[[str, tuple[Any, ...], Tell], Iterator[Any]]


def in_child(func: str, args: tuple[Any, ...], progress: Tell) -> Iterator[Any]:
    """Yield what the generator ``func(*args, tell)`` yields (``func`` is ``module:name``),
    computed ahead in a child process."""
    child = subprocess.Popen(
        [sys.executable, "-m", "sojourn.records.child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(pickle.dumps((func, args)))
    child.stdin.close()
    messages: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=2)
    reader = threading.Thread(target=_read_all, args=(child.stdout, messages), daemon=True)
    reader.start()
    try:
        yield from _messages(messages, progress)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


def in_thread(func: str, args: tuple[Any, ...], progress: Tell) -> Iterator[Any]:
    """The same as :func:`in_child`, in a thread of this process: right when the consumer
    waits on a socket without the GIL (PostgreSQL COPY), not when it holds it per row."""
    messages: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def send(tag: str, payload: Any) -> None:
        while not stop.is_set():
            try:
                messages.put((tag, payload), timeout=0.1)
                return
            except queue.Full:
                continue

    def produce() -> None:
        try:
            for item in resolve(func)(*args, lambda n: send(PROGRESS, n)):
                send(ITEM, item)
            send(DONE, None)
        except Exception as exc:  # handed to the consumer, which re-raises it
            send(ERROR, exc)

    worker = threading.Thread(target=produce, name="sojourn-reader", daemon=True)
    worker.start()
    try:
        yield from _messages(messages, progress)
    finally:
        stop.set()
        worker.join(timeout=5)


def inline(func: str, args: tuple[Any, ...], progress: Tell) -> Iterator[Any]:
    """The same as :func:`in_child`, in this process (for small files)."""
    yield from resolve(func)(*args, progress)


def _messages(messages: queue.Queue[tuple[str, Any]], progress: Tell) -> Iterator[Any]:
    while True:
        tag, payload = messages.get()
        if tag == DONE:
            return
        if tag == PROGRESS:
            progress(payload)
        elif tag == ERROR:
            raise payload
        else:
            yield payload


def _read_all(stream: IO[bytes], messages: queue.Queue[tuple[str, Any]]) -> None:
    while True:
        head = stream.read(LENGTH.size)
        if len(head) < LENGTH.size:
            messages.put((ERROR, RuntimeError("the reader process stopped unexpectedly")))
            return
        message = pickle.loads(stream.read(LENGTH.unpack(head)[0]))
        messages.put(message)
        if message[0] in (DONE, ERROR):
            return


def resolve(func: str) -> Callable[..., Iterator[Any]]:
    module, name = func.split(":")
    found: Callable[..., Iterator[Any]] = getattr(importlib.import_module(module), name)
    return found
