"""The layers of the event machinery, read from the source (every ``import`` of every module
under ``src/sojourn``, with ``ast``): the bus (``sojourn.events``) is below the domain, the
real-time pipeline (``sojourn.stream``) above it. No domain package imports the pipeline, and
the bus imports no domain package but the audit log and the users table its alerts need."""

from __future__ import annotations

import ast
from pathlib import Path

import sojourn

SRC = Path(sojourn.__file__).parent
#: The layers allowed to import the consuming pipeline.
ABOVE = {"stream", "cli", "api", "web"}
#: What the bus may import of sojourn (besides itself).
BUS_USES = {"audit", "access", "store", "settings"}


def _imports(path: Path) -> set[str]:
    """The ``sojourn.*`` modules a file imports (anywhere in it, also inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {name for name in found if name.startswith("sojourn.")}


def _package(path: Path) -> str:
    parts = path.relative_to(SRC).parts
    return parts[0] if len(parts) > 1 else path.stem


def _uses() -> dict[str, set[tuple[str, str]]]:
    """By package: (file, the sojourn package it imports)."""
    out: dict[str, set[tuple[str, str]]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:  # alembic's env imports every table, by design
            continue
        for name in _imports(path):
            out.setdefault(_package(path), set()).add(
                (str(path.relative_to(SRC)), name.split(".")[1])
            )
    return out


def test_no_package_below_the_pipeline_imports_it() -> None:
    wrong = sorted(
        (file, "stream") for package, uses in _uses().items() if package not in ABOVE
        for file, used in uses if used == "stream"
    )  # fmt: skip
    assert wrong == []


def test_the_bus_imports_no_domain_package() -> None:
    used = {(file, name) for file, name in _uses()["events"] if name not in {"events"}}
    assert {name for _, name in used} <= BUS_USES, sorted(used)


def test_the_domain_publishes_through_the_bus() -> None:
    """The rule above holds for a reason: the cases announce their changes through the bus
    (this fails, rather than passing vacuously, if the check stops reading imports)."""
    assert ("cases/events.py", "events") in _uses()["cases"]
    assert ("cases/events.py", "stream") not in _uses()["cases"]
