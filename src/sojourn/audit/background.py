"""Checkpoints while the log grows: when an append's sequence number crosses a multiple of
``every``, a background thread makes the checkpoint if one is due (the database decides, so
several processes and the CLI's own appends agree); the request that wrote the event does not
wait for the Merkle root over the whole log. A timer also signs whatever is new every
``seconds``, so that a quiet server leaves no unsigned tail for long."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from sojourn.audit.checkpoint import AuditConfig, checkpoint_if_due, checkpoint_if_new

log = logging.getLogger(__name__)


class Checkpointer:
    """One per process. A checkpoint already under way absorbs the next one that falls due
    (it covers every event committed when it reads the log; the next crossing catches up)."""

    def __init__(self, engine: Engine, cfg: AuditConfig | None = None) -> None:
        self.engine = engine
        self.cfg = cfg or AuditConfig.from_settings()
        self._busy = threading.Lock()
        self._thread: threading.Thread | None = None
        self._block: int | None = None
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None

    def after(self, seq: int) -> bool:
        """Call after event ``seq`` committed; True when a check for a due checkpoint was
        started (on the first append, and each time ``seq`` enters a new block of ``every``)."""
        block = seq // self.cfg.every
        if block == self._block or not self._busy.acquire(blocking=False):
            return False
        self._block = block
        self._thread = threading.Thread(target=self._run, name="audit-checkpoint", daemon=True)
        self._thread.start()
        return True

    def _run(self) -> None:
        try:
            self._sign(checkpoint_if_due)
        finally:
            self._busy.release()

    def _sign(self, how: Callable[[Engine, AuditConfig], object]) -> None:
        try:
            how(self.engine, self.cfg)
        except IntegrityError:  # another process signed the same tree size first
            log.info("an audit checkpoint of this size exists already")
        except Exception:  # the next one that falls due covers these events too
            log.exception("audit checkpoint failed")

    def start_timer(self) -> None:
        """Sign any new events every ``cfg.seconds`` until ``stop`` (at start-up)."""
        if self._timer is None:
            self._stop.clear()
            self._timer = threading.Thread(target=self._tick, name="audit-timer", daemon=True)
            self._timer.start()

    def _tick(self) -> None:
        while not self._stop.wait(self.cfg.seconds):
            with self._busy:  # not while a block's checkpoint is under way
                self._sign(checkpoint_if_new)

    def stop(self, timeout: float | None = None) -> None:
        """Stop the timer and finish a checkpoint under way (at shutdown)."""
        self._stop.set()
        if self._timer is not None:
            self._timer.join(timeout)
            self._timer = None
        self.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        """Wait for a checkpoint under way (at shutdown, and in tests)."""
        if self._thread is not None:
            self._thread.join(timeout)
