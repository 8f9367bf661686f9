"""YAML is read one way: no aliases (the "billion laughs" fails at once, naming the file and
line), no file over the size limit, and every YAML file shipped loads that way."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sojourn.records.mapping import MappingError, builtin_mapping, load_mapping
from sojourn.yamlsafe import MAX_BYTES, YamlError, load_yaml, loads_yaml

SRC = Path(__file__).parents[1] / "src" / "sojourn"
LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def _mapping_with_bomb(tmp_path: Path) -> Path:
    base = builtin_mapping("cbp-i94").path.read_text(encoding="utf-8")
    bomb = LAUGHS.replace("\n", "\n  ").rstrip()
    text = base.replace("fields:\n", f"x_laughs:\n  {bomb}\nnull_values: *i\nfields:\n", 1)
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_alias_bomb_in_a_mappings_null_values_fails_at_once(tmp_path: Path) -> None:
    path = _mapping_with_bomb(tmp_path)
    started = time.monotonic()
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert time.monotonic() - started < 0.5
    message = str(caught.value)
    assert str(path) in message and "aliases (*a) are not allowed" in message
    assert "line " in message


def test_an_oversized_file_fails_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("x: " + "y" * MAX_BYTES + "\n", encoding="utf-8")
    with pytest.raises(YamlError, match=r"big\.yaml: the file is larger than 1,048,576 bytes"):
        load_yaml(path)
    with pytest.raises(MappingError, match="larger than"):
        load_mapping(path)
    with pytest.raises(YamlError, match="larger than 10 bytes"):
        loads_yaml("a: 1234567890", "inline", max_bytes=10)


def test_merge_keys_are_aliases_too_and_plain_yaml_loads() -> None:
    with pytest.raises(YamlError, match=r"inline: line 3: YAML aliases \(\*base\)"):
        loads_yaml("base: &base {a: 1}\nother:\n  <<: *base\n", "inline")
    assert loads_yaml("a: [1, two]\nb: {c: null}\n", "inline") == {
        "a": [1, "two"], "b": {"c": None},
    }  # fmt: skip
    with pytest.raises(YamlError, match="inline: not valid YAML"):
        loads_yaml("a: [unclosed", "inline")


def test_every_shipped_yaml_file_loads_without_aliases() -> None:
    shipped = sorted(SRC.rglob("*.yaml"))
    assert len(shipped) >= 20
    for path in shipped:
        assert load_yaml(path) is not None, path


def test_no_module_reads_yaml_another_way() -> None:
    others = [
        str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
        if p.name != "yamlsafe.py" and "import yaml" in p.read_text(encoding="utf-8")
    ]  # fmt: skip
    assert others == []
