"""A command group that imports a command's module only when that command is used.
``sojourn --help`` lists every command from a table (name, module, the first paragraph of its
help) without importing any command module; ``sojourn status …`` imports ``cli.status``
alone. ``tests/cli/test_lazy.py`` holds the table to the commands themselves."""

from __future__ import annotations

import importlib
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer import _click  # Typer's own Click, whose types its groups use


class Entry(NamedTuple):
    """Where a command lives, and what ``--help`` says of it."""

    module: str  # under ``sojourn.cli``: its ``register(app)`` adds the command
    summary: str  # the first paragraph of the command's help, exactly


class LazyGroup(TyperGroup):
    """A Typer group whose commands, listed in ``entries``, are loaded on first use."""

    entries: ClassVar[dict[str, Entry]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._listing = False

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*self.entries, *(name for name in self.commands if name not in self.entries)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        entry = self.entries.get(cmd_name)
        if entry is None or cmd_name in self.commands:
            return self.commands.get(cmd_name)
        if self._listing:  # listed by --help: its name and summary are enough
            return TyperCommand(cmd_name, help=entry.summary)
        self.commands[cmd_name] = load(cmd_name, entry.module)
        return self.commands[cmd_name]

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        if args and args[0] not in self.entries:  # a typo: load the names Typer may suggest
            for name in get_close_matches(args[0], list(self.entries)):
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


def load(name: str, module: str) -> _click.Command:
    """The command ``name`` as ``sojourn.cli.<module>`` registers it."""
    app = typer.Typer()
    importlib.import_module(f"sojourn.cli.{module}").register(app)
    group = typer.main.get_group(app)
    return group.commands[name]
