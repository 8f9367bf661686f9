"""Page timing (issue 18 goal: every page p95 ≤ 500 ms on the demo population).

Uses a demo population (``sojourn demo --no-serve`` in ``--data-dir``; built there first when
missing, 20,000 persons by default), serves the web app on it with ``SOJOURN_AS_OF`` the demo's
date, signs in as each role with its purpose as a browser does (the sign-in and form tokens,
the session cookies), and reads each page the role works with ``--runs`` times after one warm-up
read. Prints p50, p95 and the slowest read per page, and the pages over the goal; asserts
nothing. The time is the server's whole answer (status and body) seen by the client.

    .venv/bin/python bench/pages.py [--data-dir DIR] [--persons N] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx
import numpy as np
from sqlalchemy import Engine, text

from population import machine

AS_OF = "2026-10-01"
GOAL_MS = 500.0
#: Per role: its purpose and the pages it reads ({person}, {case}, … filled from the data).
PAGES: dict[str, tuple[str, list[str]]] = {
    "analyst": ("criminal_investigation", [
        "/ui/", "/ui/search?name={name}&birth_date={born}", "/ui/persons/{person}",
        "/ui/cases", "/ui/cases/{case}", "/ui/reviews", "/ui/reviews/{review}",
        "/ui/records/{record}/explain", "/ui/alerts", "/ui/dashboard",
    ]),
    "officer": ("civil_enforcement", [
        "/ui/cases", "/ui/cases/{case}", "/ui/persons/{person}", "/ui/redress",
    ]),
    "supervisor": ("civil_enforcement", [
        "/ui/cases", "/ui/cases/{case}", "/ui/reviews", "/ui/dashboard",
    ]),
    "redress_officer": ("redress", [
        "/ui/redress", "/ui/redress/{redress}", "/ui/persons/{person}", "/ui/reviews",
    ]),
    "privacy_officer": ("oversight_audit", [
        "/ui/audit", "/ui/audit?actor=demo-analyst", "/ui/dashboard", "/ui/persons/{person}",
    ]),
    "administrator": ("administration", ["/ui/users"]),
}  # fmt: skip
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def ensure_demo(data_dir: Path, persons: int) -> None:
    """Build the demo population in ``data_dir`` unless it is there already."""
    if (data_dir / "sojourn.db").exists():
        return
    print(f"building the demo population ({persons:,} persons) in {data_dir} …", flush=True)
    env = {**os.environ, "SOJOURN_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "sojourn", "demo", "--persons", str(persons), "--no-serve"]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def samples(engine: Engine) -> dict[str, str]:
    """One of each thing the pages are about: a searched person, a case, a review, …"""
    queries = {
        "person": "SELECT person_id FROM cases ORDER BY id LIMIT 1",
        "case": "SELECT id FROM cases WHERE status = 'open' ORDER BY id LIMIT 1",
        "review": "SELECT id FROM identity_reviews ORDER BY id LIMIT 1",
        "redress": "SELECT id FROM redress_requests ORDER BY id LIMIT 1",
        "record": "SELECT record_id FROM links ORDER BY id LIMIT 1",
        "name": "SELECT given_name || ' ' || family_name FROM records WHERE kind = 'arrival' "
        "AND given_name IS NOT NULL AND length(birth_date) = 10 ORDER BY id LIMIT 1",
        "born": "SELECT birth_date FROM records WHERE kind = 'arrival' "
        "AND given_name IS NOT NULL AND length(birth_date) = 10 ORDER BY id LIMIT 1",
    }
    found: dict[str, str] = {}
    with engine.connect() as conn:
        for key, sql in queries.items():
            value = conn.execute(text(sql)).scalar()
            found[key] = str(value) if value is not None else "0"
    return found


def ensure_redress(engine: Engine, person: str) -> None:
    """One open redress request (the demo files none), filed as a redress officer would."""
    from sojourn.cases.model import Actor
    from sojourn.cases.redress import file_request

    with engine.begin() as conn:
        if conn.execute(text("SELECT count(*) FROM redress_requests")).scalar_one():
            return
        file_request(conn, person, "status", "the person", "My departure is not on record.",
                     {}, Actor("bench", "redress_officer", "redress"))  # fmt: skip


def sign_in(base: str, role: str, purpose: str) -> httpx.Client:
    """A client with a session and a purpose, signed in through the pages' own forms."""
    from sojourn.cli.users import demo_password

    client = httpx.Client(base_url=base, timeout=60, follow_redirects=True)
    form = client.get("/ui/login").text
    login_token = re.search(r'name="csrf" value="([^"]*)"', form)
    user = f"demo-{role.replace('_', '-')}"
    sent = {"username": user, "password": demo_password(role),
            "csrf": login_token[1] if login_token else ""}  # fmt: skip
    chooser = client.post("/ui/login", data=sent)
    token = TOKEN.search(chooser.text)
    if chooser.status_code != 200 or token is None:
        raise RuntimeError(f"{user} could not sign in: {chooser.status_code}")
    landed = client.post("/ui/purpose", data={"purpose": purpose, "csrf": token[1]})
    if landed.status_code != 200:
        raise RuntimeError(f"{user} could not choose {purpose}: {landed.status_code}")
    return client


def time_page(client: httpx.Client, path: str, runs: int) -> list[float]:
    """Milliseconds for ``runs`` reads of ``path`` after one warm-up read."""
    first = client.get(path)
    if first.status_code != 200 or "Not allowed" in first.text:
        raise RuntimeError(f"{path}: HTTP {first.status_code}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(path).raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return times


def serve(engine: Engine) -> str:
    """The web app on a free port in this process (uvicorn, one worker)."""
    import uvicorn

    from sojourn.api.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(engine), port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}"


def demo_store(data_dir: Path, persons: int) -> Engine:
    """The demo population's store in ``data_dir`` (built first when missing), made the
    configured one with the demo's date, and migrated (a store made by an older sojourn)."""
    ensure_demo(data_dir, persons)
    os.environ.update(SOJOURN_DATA_DIR=str(data_dir), SOJOURN_AS_OF=AS_OF)
    from sojourn.settings import get_settings
    from sojourn.store import connect, upgrade

    get_settings.cache_clear()
    engine = connect()
    upgrade(engine)
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/sojourn-bench-pages"))
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    engine = demo_store(args.data_dir, args.persons)
    ensure_redress(engine, samples(engine)["person"])
    base, found = serve(engine), samples(engine)
    print(f"machine: {machine()}; demo population in {args.data_dir}; {args.runs} reads a page")
    print(f"{'role':<16} {'page':<44} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    over = []
    for role, (purpose, paths) in PAGES.items():
        client = sign_in(base, role, purpose)
        for pattern in paths:
            path = pattern.format(**found)
            times = np.array(time_page(client, path, args.runs))
            p50, p95 = np.percentile(times, 50), np.percentile(times, 95)
            flag = "  over the goal" if p95 > GOAL_MS else ""
            print(f"{role:<16} {pattern:<44} {p50:8.1f} {p95:8.1f} {times.max():8.1f}{flag}")
            if p95 > GOAL_MS:
                over.append(f"{role} {pattern}")
    named = f" ({', '.join(over)})" if over else ""
    print(f"pages over {GOAL_MS:.0f} ms at p95: {len(over)}{named}")


if __name__ == "__main__":
    main()
