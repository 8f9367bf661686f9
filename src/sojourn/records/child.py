"""The child side of :mod:`sojourn.records.pipeline`: run a generator, stream its items.

Run as ``python -m sojourn.records.child``; reads ``(func, args)`` pickled on stdin and writes
length-prefixed pickled ``(tag, payload)`` messages to stdout.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any

from sojourn.records.pipeline import DONE, ERROR, ITEM, LENGTH, PROGRESS, resolve


def main() -> None:
    """Child side: run the generator and stream its items to stdout."""
    out = sys.stdout.buffer

    def send(tag: str, payload: Any) -> None:
        data = pickle.dumps((tag, payload), protocol=pickle.HIGHEST_PROTOCOL)
        out.write(LENGTH.pack(len(data)) + data)
        out.flush()

    func, args = pickle.loads(sys.stdin.buffer.read())
    try:
        for item in resolve(func)(*args, lambda n: send(PROGRESS, n)):
            send(ITEM, item)
        send(DONE, None)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # handed to the parent, which re-raises it
        send(ERROR, exc)


if __name__ == "__main__":
    main()
