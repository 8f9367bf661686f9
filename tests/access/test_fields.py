"""fields.yaml: every record kind belongs to a field group, so no page fails on a new kind."""

from __future__ import annotations

import pytest

from sojourn.access import fields
from sojourn.records.kinds import KINDS


def test_every_record_kind_has_a_group() -> None:
    fields.field_map.cache_clear()
    for kind in KINDS:
        assert fields.record_group(kind, {}) in fields.field_map()["record_kinds"].values()


def test_a_kind_without_a_group_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fields.field_map.cache_clear()
    monkeypatch.setattr(fields, "KINDS", (*KINDS, "new_kind"))
    with pytest.raises(ValueError, match="record_kinds has no group for \\['new_kind'\\]"):
        fields.field_map()
    fields.field_map.cache_clear()
