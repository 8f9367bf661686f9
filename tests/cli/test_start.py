"""The command line starts light: importing ``sojourn.cli`` and showing the help of the app
and of each command group import none of the heavy libraries (each command imports what it
needs when it runs). Checked in a fresh interpreter, by what ``sys.modules`` holds."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlalchemy", "polars", "numpy", "pandas", "duckdb", "sklearn", "scipy", "fairlearn")

HELPS = [
    [], ["status"], ["resolve"], ["resolve", "train"], ["report"], ["report", "oversight"],
    ["assess"], ["cases"], ["audit"], ["users"], ["stream"], ["db"], ["demo"], ["ingest"],
]  # fmt: skip

SCRIPT = """
import json, sys
{setup}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))))
"""

HELP_SETUP = """
from typer.testing import CliRunner
from sojourn.cli import app
for args in {helps!r}:
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output, (args, result.output)
"""


def _heavy_after(setup: str) -> list[str]:
    code = SCRIPT.format(setup=setup, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found: list[str] = json.loads(done.stdout)
    return found


def test_importing_the_cli_imports_no_heavy_library() -> None:
    assert _heavy_after("import sojourn.cli") == []


def test_help_of_the_app_and_its_commands_imports_no_heavy_library() -> None:
    assert _heavy_after(HELP_SETUP.format(helps=HELPS)) == []


def test_the_check_sees_a_heavy_import() -> None:
    """The same check, after importing the records package, finds SQLAlchemy and polars."""
    found = _heavy_after("import sojourn.cli, sojourn.records")
    assert "sqlalchemy" in found and "polars" in found
