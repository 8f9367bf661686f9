"""Benchmark of identity-review judgements (issue 18, item 2 goal: a judgement in ≤ 300 ms on
the demo population, and the next search not waiting for the search index to be rebuilt).

Generates, ingests and resolves a population (default 20,000 persons, as ``sojourn demo``;
or copies a resolved SQLite database given with ``--db``), serves the web app with uvicorn on
a thread, signs in as a supervisor (civil enforcement), warms the search index, then judges
the open reviews one after the other through the pages (POST /ui/reviews/{id}: the judgement,
its audit event, the persons re-resolved; "same" and "different" in turn) and after each runs
a search by the first record's name and date of birth (GET /ui/search: the index catches up
in place). Prints p50/p95/max of both, and whether every "same" pair was found as one person
by the search after it. Asserts nothing.

    .venv/bin/python bench/judgement.py [--persons 20000] [--judgements 40] [--db PATH]
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx
import numpy as np
import uvicorn
from sqlalchemy import Engine, text

from population import ingested, machine
from sojourn.access.users import add_user
from sojourn.api.app import create_app
from sojourn.resolve.run import resolve_all
from sojourn.store import make_engine, upgrade

PASSWORD = "benchmark passphrase"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _population(out: Path, persons: int, db: Path | None) -> Engine:
    if db is not None:
        shutil.copy(db, out / "bench.db")
        engine = make_engine(f"sqlite:///{out / 'bench.db'}")
        upgrade(engine)
        return engine
    started = time.perf_counter()
    engine = ingested(out / "data", out / "bench.db", persons)
    resolve_all(engine)
    print(f"population: {persons:,} persons generated and resolved in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    return engine


def _serve(engine: Engine) -> tuple[str, uvicorn.Server, float]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = create_app(engine)
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    started = time.perf_counter()
    app.state.search_index.get()  # the start-up load, before the first judgement
    return f"http://127.0.0.1:{port}", server, time.perf_counter() - started


def _sign_in(client: httpx.Client) -> str:
    token = CSRF.findall(client.get("/ui/login").text)[0]
    answer = client.post("/ui/login", data={"username": "bench-supervisor",
                                            "password": PASSWORD, "csrf": token},
                         follow_redirects=True)  # fmt: skip
    token = CSRF.findall(answer.text)[0]
    client.post("/ui/purpose", data={"purpose": "civil_enforcement", "csrf": token})
    return token


def _who(engine: Engine, review: int) -> tuple[dict[str, str], str, str]:
    """A search for the review's first record (name and full date of birth, else an
    identifier; empty if it has neither), and both record ids."""
    query = text(
        "SELECT r.given_name, r.family_name, r.full_name, r.birth_date, r.passport_number, "
        "r.a_number, v.record_l, v.record_r FROM identity_reviews v "
        "JOIN records r ON r.id = v.record_l WHERE v.id = :v"
    )
    with engine.connect() as conn:
        given, family, full, born, passport, a_number, left, right = conn.execute(
            query, {"v": review}
        ).one()
    name = " ".join(x for x in (given, family) if x) or full or ""
    if name and born and len(str(born)) == 10:
        return {"name": name, "birth_date": str(born)}, left, right
    identifier = passport or a_number
    return ({"identifier": str(identifier)} if identifier else {}), left, right


def _person(engine: Engine, record: str) -> str:
    query = text("SELECT person_id FROM links WHERE record_id = :r ORDER BY id DESC LIMIT 1")
    with engine.connect() as conn:
        return str(conn.execute(query, {"r": record}).scalar_one())


def _figures(name: str, seconds: list[float]) -> str:
    ms = np.array(seconds) * 1000
    return (f"{name}: p50 {np.percentile(ms, 50):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms, "
            f"max {ms.max():.0f} ms (n={len(ms)})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--judgements", type=int, default=40)
    parser.add_argument("--db", type=Path, help="a resolved SQLite database to copy")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        engine = _population(Path(tmp), args.persons, args.db)
        add_user(engine, "bench-supervisor", "supervisor", PASSWORD, by="bench")
        base, server, loaded = _serve(engine)
        print(f"search index loaded at start-up in {loaded * 1000:.0f} ms")
        judged, searched, found, same = [], [], 0, 0
        with httpx.Client(base_url=base, timeout=60) as client:
            token = _sign_in(client)
            queue = client.get("/ui/reviews?sort=oldest&per=200").text
            ids = list(dict.fromkeys(int(i) for i in re.findall(r"/ui/reviews/(\d+)", queue)))
            ids = ids[: args.judgements]
            for n, review in enumerate(ids):
                asked, left, right = _who(engine, review)
                verdict = "same" if n % 2 == 0 else "different"
                form = {"csrf": token, "verdict": verdict, "reason": "benchmark judgement"}
                started = time.perf_counter()
                answer = client.post(f"/ui/reviews/{review}", data=form)
                judged.append(time.perf_counter() - started)
                assert answer.status_code == 303, answer.text
                if not asked:
                    continue
                started = time.perf_counter()
                hits = client.get("/ui/search", params=asked).text
                searched.append(time.perf_counter() - started)
                if verdict == "same":
                    same += 1
                    person = _person(engine, left)
                    found += person == _person(engine, right) and person in hits
        server.should_exit = True
    print(_figures("judgement (POST, re-resolution and audit included)", judged))
    print(_figures("the search right after it", searched))
    print(f"'same' pairs found as one person by the next search: {found} of {same}")


if __name__ == "__main__":
    main()
