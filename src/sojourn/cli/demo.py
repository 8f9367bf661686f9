"""``sojourn demo``: generate, ingest, resolve, show, report and serve, one step after another
(each step is the command of the same name). The whole demo, its server included, takes one
as-of date (``SOJOURN_AS_OF``), and its output ends with the web app's address and users."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.rule import Rule

from sojourn.cli.records import console, generate, ingest, quarantine_list

if TYPE_CHECKING:
    import socket

    import uvicorn

#: The demo's one as-of date: the population's truth, the command-line steps and the pages.
AS_OF = dt.date(2026, 10, 1)
#: The last fiscal year complete on that date (the U.S. fiscal year ends on 30 September).
FY = AS_OF.year if AS_OF.month >= 10 else AS_OF.year - 1
HOST, PORT = "127.0.0.1", 8000
URL = f"http://{HOST}:{PORT}"
#: The width of the demo's output when it goes to a log or a pipe (not a terminal), so that
#: its tables keep their own width instead of wrapping at 80 columns.
LOG_WIDTH = 200
RULE_WIDTH = 100


def demo(
    persons: Annotated[int, typer.Option(help="How many people to simulate.")] = 20_000,
    serve_app: Annotated[
        bool, typer.Option("--serve/--no-serve", help="End by serving the web app.")
    ] = True,
) -> None:
    """Generate a synthetic population, ingest and resolve it, and show a person's status,
    the overstay report, and the cases the published policy and its hard stops open."""
    with demo_environment():
        out = _steps(persons)
        hints(console, program(), out)
        step("8. the web app")
        logins = demo_logins()
        if serve_app:
            serve_demo(logins)
        else:
            ending(console, logins, served=False)


def _steps(persons: int) -> Path:
    """Steps 1 to 7; returns the directory of the generated population."""
    from sojourn.cli.cases import sync as cases_sync
    from sojourn.cli.reports import overstay as overstay_report_command
    from sojourn.cli.resolve import show_resolution
    from sojourn.cli.status import show_status_example
    from sojourn.settings import get_settings

    day = AS_OF.isoformat()
    out = get_settings().data_dir / "demo" / f"synth-{persons}"
    step("1. generate")
    generate(persons=persons, seed=1, as_of=day, out=out)
    step("2. ingest")
    ingest(paths=[out], mapping=None)
    step("3. quarantined rows (first 10)")
    quarantine_list(source=None, limit=10)
    step("4. entity resolution")
    show_resolution(out / "truth")
    step(f"5. lifecycle status of one person, as of {day}")
    show_status_example(AS_OF)
    step(f"6. overstay report, FY{FY}")
    overstay_report_command(fy=FY, as_of=day, output="table")
    step(f"7. prioritization and cases, as of {day}")
    cases_sync(as_of=day)
    from sojourn.reports.dashboard import warm  # the dashboard's figures, kept for its first view
    from sojourn.store import connect

    warm(connect(), AS_OF)
    return out


@contextmanager
def demo_environment() -> Iterator[None]:
    """While the demo runs: ``SOJOURN_AS_OF`` is the demo's date (for every step and the
    server it starts), and output that is not a terminal is ``LOG_WIDTH`` wide."""
    from sojourn.settings import get_settings

    saved = {name: os.environ.get(name) for name in ("SOJOURN_AS_OF", "COLUMNS")}
    os.environ["SOJOURN_AS_OF"] = AS_OF.isoformat()
    if not sys.stdout.isatty() and not saved["COLUMNS"]:
        os.environ["COLUMNS"] = str(LOG_WIDTH)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def step(title: str) -> None:
    """A step's heading: a rule no wider than ``RULE_WIDTH``."""
    console.print(Rule(title), width=min(console.width, RULE_WIDTH))


def program() -> str:
    """How to run sojourn from here: ``sojourn`` when that is what PATH finds, else the venv's
    own executable, relative to the current directory when it is inside it."""
    exe = Path(sys.executable).parent / "sojourn"
    if not exe.exists():
        exe = Path(sys.argv[0])
    found = shutil.which("sojourn")
    if found and Path(found).resolve() == exe.resolve():
        return "sojourn"
    try:
        return str(exe.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(exe.absolute())


def hints(out: Console, sojourn: str, population: Path) -> None:
    """Commands to try next, one a line (never wrapped inside a command)."""
    out.print(
        "Try these (reads of person data name their purpose, and are audited as cli:<you>; "
        f"`export SOJOURN_AS_OF={AS_OF}` gives them the demo's date):",
        markup=False, highlight=False,
    )  # fmt: skip
    for command in (
        "sources",
        "quarantine list",
        "reviews list --purpose redress",
        "export links --out links.csv --purpose civil_enforcement",
        "explain RECORD_ID --purpose redress",
        "status PERSON_ID --purpose civil_enforcement",
        "assess PERSON_ID --purpose civil_enforcement",
        "cases list --purpose civil_enforcement",
        f"report departures --from {AS_OF.year}-01-01",
        "audit log --actor cli:$USER",
        f"report oversight --groups {population / 'truth' / 'records.csv'}",
    ):
        out.print(f"  {sojourn} {command}", markup=False, highlight=False, soft_wrap=True)


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo users (user, password, role), one per role: created if missing and shown."""
    from sojourn.access.model import ROLES
    from sojourn.cli.users import demo_password, show_demo_users
    from sojourn.store import connect

    show_demo_users(connect())
    return [(f"demo-{role.replace('_', '-')}", demo_password(role), role) for role in ROLES]


def ending(out: Console, logins: list[tuple[str, str, str]], served: bool) -> None:
    """The last line under the users' table: where the web app is and how to start it."""
    if served:
        line = f"Open {URL} and sign in as one of these users (Ctrl-C stops the server)."
    else:
        line = (f"Serve it with `SOJOURN_AS_OF={AS_OF} {program()} serve`, open {URL} and sign "
                "in as one of these users.")  # fmt: skip
    out.print(line, markup=False, highlight=False, soft_wrap=True)


def compact_logins(out: Console, logins: list[tuple[str, str, str]]) -> None:
    """The address and the users again, one a line: for the end of the server's start-up log."""
    out.print(f"sojourn is serving {URL} (Ctrl-C stops). Open it and sign in as:",
              markup=False, highlight=False, soft_wrap=True)  # fmt: skip
    user_width = max(len(user) for user, _, _ in logins)
    password_width = max(len(password) for _, password, _ in logins)
    for user, password, role in logins:
        out.print(f"  {user:<{user_width}}  password {password:<{password_width}}  {role}",
                  markup=False, highlight=False, soft_wrap=True)  # fmt: skip


def serve_demo(logins: list[tuple[str, str, str]]) -> None:
    """Serve the web app; the address and the users are printed before the server starts and
    again after its start-up log, so they are the last lines until someone uses it."""
    ending(console, logins, served=True)
    demo_server(logins, PORT).run()


def demo_server(logins: list[tuple[str, str, str]], port: int) -> uvicorn.Server:
    """A uvicorn server for the web app that prints the address and the users once started."""
    import uvicorn

    class DemoServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                compact_logins(Console(), logins)

    config = uvicorn.Config(
        "sojourn.api.app:create_app", factory=True, host=HOST, port=port, log_level="info"
    )
    return DemoServer(config)


def register(app: typer.Typer) -> None:
    app.command()(demo)
