"""The web pages in a real browser: a resolved population with one user per role and its cases,
served by uvicorn on a free port, and Debian's Chromium driven by Playwright (the browser is
the system's, installed by `make browser`; nothing is downloaded)."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import Engine

from sojourn.access.model import ROLES
from sojourn.access.users import add_user
from sojourn.api.app import create_app
from sojourn.cases.recompute import recompute
from sojourn.records import ingest_file, plan
from sojourn.resolve.run import resolve_all
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate

PASSWORD = "a long enough passphrase"
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
AS_OF = dt.date(2025, 9, 30)
#: The documentation's screenshots: docs/screenshots/ when SOJOURN_SCREENSHOTS=1 (to refresh
#: them), otherwise a temporary directory, so a test run leaves the clone clean.
DOC_SHOTS = (
    Path(__file__).parents[2] / "docs" / "screenshots"
    if os.environ.get("SOJOURN_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "sojourn-screenshots"
)


def document(page: Page, name: str) -> None:
    """A whole-page screenshot for the documentation (see ``DOC_SHOTS``)."""
    DOC_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOC_SHOTS / f"{name}.png"), full_page=True)


@dataclass
class Site:
    base: str
    engine: Engine
    truth: Path

    def login(self, page: Page, role: str, purpose: str) -> None:
        page.goto(f"{self.base}/ui/login")
        page.get_by_label("User name").fill(role)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label(re.compile(purpose_text(purpose), re.I)).check()
        page.get_by_role("button", name="Continue").click()

    def shot(self, page: Page, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def purpose_text(purpose: str) -> str:
    from sojourn.access.model import PURPOSES

    return re.escape(PURPOSES[purpose])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _population(out: Path) -> Engine:
    engine = make_engine(f"sqlite:///{out / 'web.db'}")
    upgrade(engine)
    generate(1500, 21, AS_OF, out / "synth")
    for item in plan([out / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    for role in ROLES:
        add_user(engine, role, role, PASSWORD, by="test")
    recompute(engine, dt.date.today(), "test")
    return engine


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    out = tmp_path_factory.mktemp("web")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOJOURN_DATA_DIR", str(out / "data"))
    engine = _population(out)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(engine), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}", engine, out / "synth" / "truth")
    server.should_exit = True
    thread.join(10)
    mp.undo()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    monkeypatch.setenv("SOJOURN_DATA_DIR", str(site.truth.parents[1] / "data"))
    from sojourn.settings import get_settings

    get_settings.cache_clear()
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()
