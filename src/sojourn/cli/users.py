"""``sojourn users add|list|disable``: local accounts (thin over ``sojourn.access.users``).
Run from the command line by the operator: a break-glass administrator, named in the audit
log as ``cli:<OS user>``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from sojourn.access.model import ROLES
from sojourn.cli.trail import operator, store_engine

if TYPE_CHECKING:
    from sqlalchemy import Engine

console = Console()
users_app = typer.Typer(help="Users and their roles.")


PASSWORD = typer.Option(
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="SOJOURN_NEW_PASSWORD",
    help="At least 12 characters.",
)


@users_app.command("add")
def add(
    username: str,
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="SOJOURN_NEW_PASSWORD",
            help="At least 12 characters.",
        ),
    ],
) -> None:
    """Add a local user with an Argon2id password hash."""
    from sojourn.access.users import add_user

    engine = store_engine()
    user = add_user(engine, username, role, password, by=operator())
    console.print(f"added {user.username} ({user.role})")


@users_app.command("list")
def list_command(
    output: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Every user, active or disabled, with their role."""
    from sojourn.access.users import list_users

    engine = store_engine()
    with engine.connect() as conn:
        found = list_users(conn)
    rows = [{"username": u.username, "role": u.role, "active": u.active,
             "created_at": u.created_at.isoformat()} for u in found]  # fmt: skip
    if output == "json":
        console.print_json(json.dumps(rows))
        return
    table = Table(title="users")
    for name in ("username", "role", "active", "created (UTC)"):
        table.add_column(name)
    for r in rows:
        table.add_row(str(r["username"]), str(r["role"]), "yes" if r["active"] else "no",
                      str(r["created_at"])[:19])  # fmt: skip
    console.print(table)


@users_app.command("disable")
def disable(
    username: str,
    reason: Annotated[str, typer.Option(help="Why (kept with the user and in the audit log).")],
) -> None:
    """Disable a user (never deleted): their tokens and logins are refused from now on."""
    from sojourn.access.users import disable_user

    engine = store_engine()
    disable_user(engine, username, by=operator(), reason=reason)
    console.print(f"disabled {username}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


def demo_password(role: str) -> str:
    """The demo users' passwords (the demo's own data only; never a real deployment)."""
    return f"sojourn-demo-{role.replace('_', '-')}"


def show_demo_users(engine: Engine) -> None:
    """One user per role for the demo (created if missing), printed with their passwords."""
    from sojourn.access.users import add_user, list_users
    from sojourn.store import upgrade

    upgrade(engine)
    with engine.connect() as conn:
        have = {u.username for u in list_users(conn)}
    table = Table(title="demo users (one per role)")
    for name in ("user", "password", "role"):
        table.add_column(name, no_wrap=True)
    for role in ROLES:
        name = f"demo-{role.replace('_', '-')}"
        if name not in have:
            add_user(engine, name, role, demo_password(role), by=operator())
        table.add_row(name, demo_password(role), role)
    console.print(table)
