"""Writes with an ``Idempotency-Key``: the first answer is kept with the write, in the same
transaction, and a retry with the same key returns it without writing again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header
from sqlalchemy import Connection

from sojourn.api.errors import ApiError
from sojourn.api.security import Guard
from sojourn.cases.model import NotFoundError, StoppedError, WorkflowError
from sojourn.records.corrections import CorrectionError
from sojourn.store.idempotency import remember, seen

Key = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=128)]


def once(g: Guard, key: str, route: str, write: Callable[[Connection], Any]) -> Any:
    """Run ``write`` once per key (its result must be JSON-ready); refusals of the workflow
    become 409, bad corrections 422."""
    with g.engine.begin() as conn:
        try:
            first = seen(conn, key, g.principal.username, route)
        except ValueError as exc:
            raise ApiError(422, "idempotency_key_reused", str(exc)) from exc
        if first is not None:
            return first
        try:
            result = write(conn)
        except NotFoundError as exc:
            raise ApiError(404, "not_found", str(exc)) from exc
        except StoppedError as exc:
            raise ApiError(409, "hard_stop", str(exc)) from exc
        except WorkflowError as exc:
            raise ApiError(409, "conflict", str(exc)) from exc
        except CorrectionError as exc:
            raise ApiError(422, "invalid_request", str(exc)) from exc
        remember(conn, key, g.principal.username, route, result)
    g.audited = True  # the write wrote its own audit event, in its transaction
    return result
