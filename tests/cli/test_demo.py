"""``sojourn demo`` on a small population: it ends with the address and the demo users, its
hints name the venv's own executable, its tables keep their width in a log, and the one as-of
date of its steps is the one its server's pages and API take as today."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sojourn.access.model import ROLES
from sojourn.api.app import create_app
from sojourn.cli.demo import AS_OF, FY, LOG_WIDTH, URL, demo_environment, program
from sojourn.cli.users import demo_password
from sojourn.resolve.queries import example_link, person_of_record
from sojourn.settings import get_settings, today
from sojourn.store import connect
from tests.weblogin import form_token, web_login

USERS = [f"demo-{role.replace('_', '-')}" for role in ROLES]


def test_the_demo_ends_with_the_address_and_users_and_its_pages_take_its_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run as ``make demo`` into a log: a process whose output is a pipe, no COLUMNS set."""
    monkeypatch.chdir(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "SOJOURN_AS_OF")}
    ran = subprocess.run(
        [sys.executable, "-m", "sojourn.cli", "demo", "--persons", "300", "--no-serve"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    lines = ran.stdout.rstrip("\n").splitlines()
    tail = "\n".join(lines[-(len(USERS) + 6) :])
    assert URL in lines[-1] and "serve" in lines[-1]
    for role, user in zip(ROLES, USERS, strict=True):
        assert re.search(rf"{user}\s+│\s+{demo_password(role)}\s+│\s+{role}", tail), tail
    hints = [line.strip() for line in lines if line.startswith(f"  {program()} ")]
    assert len(hints) >= 10 and all(h.startswith(program()) for h in hints)
    assert program() in lines[-1] and f"SOJOURN_AS_OF={AS_OF}" in lines[-1]
    assert max(len(line) for line in lines) <= LOG_WIDTH
    assert "quarantined" in ran.stdout and "quaranti…" not in ran.stdout  # no squeezed columns

    monkeypatch.setenv("SOJOURN_AS_OF", AS_OF.isoformat())  # as the demo sets for its server
    get_settings.cache_clear()
    engine = connect()
    example = example_link(engine)
    person = person_of_record(engine, example) if example else None
    assert person is not None
    client = TestClient(create_app(engine))
    login = {"username": "demo-officer", "password": demo_password("officer")}
    token = client.post("/auth/login", json=login).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "X-Purpose-Of-Use": "civil_enforcement"}
    status = client.get(f"/persons/{person}/status", headers=headers)
    assert status.status_code == 200, status.text
    assert status.json()["as_of"] == AS_OF.isoformat() != dt.date.today().isoformat()
    pages = TestClient(create_app(engine))
    chosen = web_login(pages, "demo-analyst", demo_password("analyst"))
    data = {"purpose": "statistics", "csrf": form_token(chosen.text)}
    assert pages.post("/ui/purpose", data=data).status_code == 200
    dashboard = pages.get("/ui/dashboard")
    assert dashboard.status_code == 200, dashboard.text
    shown = re.findall(r"FY(\d{4})", dashboard.text)  # the fiscal years offered, up to today's
    assert max(map(int, shown)) == FY == 2026  # the demo's report, as of its date
    assert f"snapshot date <strong>{AS_OF}</strong>" in dashboard.text


def test_the_demo_environment_sets_the_date_and_a_log_width_then_puts_them_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SOJOURN_AS_OF", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert today() == dt.date.today()
    with demo_environment():
        assert today() == AS_OF
        assert os.environ["COLUMNS"] == str(LOG_WIDTH)
    assert today() == dt.date.today() and "COLUMNS" not in os.environ
    monkeypatch.setenv("COLUMNS", "90")  # the user's own width is kept
    with demo_environment():
        assert os.environ["COLUMNS"] == "90"


def test_hints_name_the_venv_executable_relative_to_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "clone" / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").touch()
    (bin_dir / "sojourn").touch(mode=0o755)
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.chdir(tmp_path / "clone")
    assert program() == ".venv/bin/sojourn"
    monkeypatch.chdir(tmp_path)
    assert program() == "clone/.venv/bin/sojourn"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert program() == str(bin_dir / "sojourn")
    monkeypatch.setenv("PATH", str(bin_dir))  # on PATH: the bare name works
    assert program() == "sojourn"


def test_no_page_or_route_reads_the_clock_for_today() -> None:
    """Pages and routes take today from the settings, so SOJOURN_AS_OF reaches all of them."""
    src = Path(__file__).parents[2] / "src" / "sojourn"
    offenders = [
        str(path.relative_to(src))
        for folder in ("web", "api")
        for path in sorted((src / folder).glob("*.py"))
        if "date.today()" in path.read_text()
    ]
    assert offenders == []


def test_the_server_prints_the_address_and_users_after_its_start_up_log(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sojourn.cli.demo import demo_server

    logins = [(user, demo_password(role), role) for role, user in zip(ROLES, USERS, strict=True)]
    server = demo_server(logins, 0)
    thread = threading.Thread(target=server.run)
    thread.start()
    for _ in range(300):
        if server.started:
            break
        time.sleep(0.05)
    server.should_exit = True
    thread.join(timeout=30)
    lines = capsys.readouterr().out.rstrip("\n").splitlines()
    assert server.started and URL in lines[-len(USERS) - 1]
    for (user, password, role), line in zip(logins, lines[-len(USERS) :], strict=True):
        assert line.split() == [user, "password", password, role]
