"""Authorization: Cedar policies (``policies/*.cedar``) validated against their schema and
parsed once, deny by default, behind this thin interface.

Every question carries a purpose of use; one without a purpose is refused before Cedar is
asked. Each decision keeps the ids (``@id``) of the policies that made it, for the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import cedarpy

from sojourn.access.model import FIELD_GROUPS, PURPOSES, ROLES

POLICIES = Path(__file__).with_name("policies")


class PurposeError(PermissionError):
    """A request without a known purpose of use."""


class PolicyError(ValueError):
    """Policies that do not validate against their schema."""


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    active: bool = True


@dataclass(frozen=True)
class Decision:
    allowed: bool
    policy_ids: tuple[str, ...]


def _uid(kind: str, ident: str) -> dict[str, str]:
    return {"type": kind, "id": ident}


class Authorizer:
    """The policy set and schema, parsed once."""

    def __init__(self, policies: str, schema: str) -> None:
        result = cedarpy.validate_policies(policies, schema)
        if not result.validation_passed:
            raise PolicyError(f"policies do not validate: {result.errors}")
        self._policies = cedarpy.PolicySet.from_str(policies)
        self._schema = cedarpy.Schema.from_str(schema)

    def _entities(self, who: Principal, resource: dict[str, str]) -> list[dict[str, Any]]:
        return [
            {
                "uid": _uid("User", who.username),
                "parents": [_uid("Role", who.role)],
                "attrs": {"active": who.active},
            },
            {"uid": _uid("Role", who.role), "parents": [], "attrs": {}},
            {"uid": resource, "parents": [], "attrs": {}},
        ]

    def _request(self, who: Principal, action: str, resource: dict[str, str],
                 purpose: str | None) -> dict[str, Any]:  # fmt: skip
        if purpose not in PURPOSES:
            raise PurposeError(f"a purpose of use is required, one of: {', '.join(PURPOSES)}")
        return {"principal": _uid("User", who.username), "action": _uid("Action", action),
                "resource": resource, "context": {"purpose": purpose}}  # fmt: skip

    def decide(
        self, who: Principal, action: str, resource_type: str, resource_id: str,
        purpose: str | None,
    ) -> Decision:  # fmt: skip
        """Whether ``who`` may do ``action`` on the resource for ``purpose``."""
        resource = _uid(resource_type, resource_id)
        request = self._request(who, action, resource, purpose)
        result = cedarpy.is_authorized(request, self._policies, self._entities(who, resource),
                                       self._schema)  # fmt: skip
        return Decision(bool(result.allowed), _ids(result))

    def field_groups(self, who: Principal, purpose: str | None) -> tuple[frozenset[str], Decision]:
        """The field groups ``who`` may read for ``purpose`` (one batch of Cedar questions;
        the answer depends only on role, purpose and whether the user is active)."""
        return self._field_groups(who.role, who.active, purpose)

    @lru_cache(maxsize=256)  # noqa: B019 - one Authorizer per process, policies fixed
    def _field_groups(
        self, role: str, active: bool, purpose: str | None
    ) -> tuple[frozenset[str], Decision]:
        who = Principal("someone", role, active)
        groups = sorted(FIELD_GROUPS)
        requests = [
            self._request(who, "field.read", _uid("FieldGroup", g), purpose) for g in groups
        ]
        entities = self._entities(who, _uid("FieldGroup", groups[0]))
        entities += [{"uid": _uid("FieldGroup", g), "parents": [], "attrs": {}} for g in groups[1:]]
        results = cedarpy.is_authorized_batch(requests, self._policies, entities, self._schema)
        allowed = frozenset(g for g, r in zip(groups, results, strict=True) if r.allowed)
        ids = tuple(sorted({i for r in results for i in _ids(r)}))
        return allowed, Decision(bool(allowed), ids)


def _ids(result: Any) -> tuple[str, ...]:
    names = result.diagnostics.id_annotations_by_reason or {}
    return tuple(sorted(names.get(r, r) for r in result.diagnostics.reasons))


@lru_cache(maxsize=1)
def authorizer() -> Authorizer:
    """The built-in policies, loaded and validated once."""
    policies = "\n".join(p.read_text(encoding="utf-8") for p in sorted(POLICIES.glob("*.cedar")))
    return Authorizer(policies, (POLICIES / "sojourn.cedarschema").read_text(encoding="utf-8"))


__all__ = ["ROLES", "Authorizer", "Decision", "Principal", "PurposeError", "authorizer"]
