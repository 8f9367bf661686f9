"""The lazy command table holds to the commands: every command the modules register is listed,
each with its module and the first paragraph of its own help, commands before groups (as
Typer lists them); a typo still gets its suggestion; a command's module loads when used."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

import sojourn.cli
from sojourn.cli import COMMANDS, app
from sojourn.cli.lazy import load


def _registered() -> dict[str, str]:
    """Every command any ``sojourn.cli`` module registers, with its module."""
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(sojourn.cli.__path__):
        if info.name == "__main__":  # importing it runs the command line
            continue
        module = importlib.import_module(f"sojourn.cli.{info.name}")
        if hasattr(module, "register"):
            one = typer.Typer()
            module.register(one)
            found |= dict.fromkeys(typer.main.get_group(one).commands, info.name)
    return found


def test_the_table_lists_every_command_with_its_module() -> None:
    assert {name: entry.module for name, entry in COMMANDS.items()} == _registered()


def test_each_summary_is_the_first_paragraph_of_the_commands_help() -> None:
    for name, entry in COMMANDS.items():
        command = load(name, entry.module)
        assert (command.help or "").split("\n\n")[0] == entry.summary, name


def test_commands_are_listed_before_groups() -> None:
    kinds = [isinstance(load(name, e.module), TyperGroup) for name, e in COMMANDS.items()]
    assert kinds == sorted(kinds)


def test_a_typo_gets_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["stauts"])
    assert result.exit_code == 2 and "Did you mean 'status'?" in result.output


def test_help_loads_no_command_module_and_a_command_loads_its_own() -> None:
    code = """
import json, sys
from typer.testing import CliRunner
from sojourn.cli import app
loaded = []
for args in (["--help"], ["status", "--help"]):
    assert CliRunner().invoke(app, args).exit_code == 0
    loaded.append(sorted(m for m in sys.modules if m.startswith("sojourn.cli.")))
print(json.dumps(loaded))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    after_help, after_status = json.loads(done.stdout)
    assert after_help == ["sojourn.cli.lazy", "sojourn.cli.trail"]
    assert "sojourn.cli.status" in after_status and "sojourn.cli.resolve" not in after_status
