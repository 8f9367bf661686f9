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
