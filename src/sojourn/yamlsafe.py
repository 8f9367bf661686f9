"""The one way sojourn reads YAML: PyYAML's safe loader, with a size limit, and no aliases.

``yaml.safe_load`` builds no arbitrary objects, but it still expands what a file asks for:
nine lines of anchors and aliases (the "billion laughs") make a list that is harmless until
something walks it (``str()`` of it, as a mapping's ``null_values`` is read), which then
takes all memory. No data file of sojourn needs an alias, so an alias (``*name``, merge keys
``<<: *name`` included) is refused at the point it appears, before anything is built; and a
file larger than :data:`MAX_BYTES` is refused before it is read. Errors name the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: The largest YAML file read (the largest shipped is about 16 KB; a mapping a few KB).
MAX_BYTES = 1 << 20


class YamlError(ValueError):
    """A YAML file that is too large, not valid YAML, or uses an alias."""


class _NoAliases(yaml.SafeLoader):
    """The safe loader, refusing aliases where they appear."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            line = event.start_mark.line + 1
            raise YamlError(
                f"line {line}: YAML aliases (*{event.anchor}) are not allowed; write the value out"
            )
        return super().compose_node(parent, index)


def load_yaml(path: Path, max_bytes: int = MAX_BYTES) -> Any:
    """The YAML document in ``path``; :class:`YamlError` naming the file when it is larger than
    ``max_bytes``, not valid YAML, or uses an alias. ``OSError`` when it cannot be read."""
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise YamlError(f"{path}: the file is larger than {max_bytes:,} bytes")
    return loads_yaml(data, str(path))


def loads_yaml(text: str | bytes, name: str, max_bytes: int = MAX_BYTES) -> Any:
    """The YAML document in ``text`` (read from ``name``, which errors name)."""
    if len(text) > max_bytes:
        raise YamlError(f"{name}: the YAML is larger than {max_bytes:,} bytes")
    loader = _NoAliases(text)
    try:
        return loader.get_single_data()
    except YamlError as exc:
        raise YamlError(f"{name}: {exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{name}: not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
