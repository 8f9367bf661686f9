"""Benchmark of the API (issue 5 goal: person view p99 ≤ 50 ms at 50 concurrent clients,
with the audit write included) and of audit appends.

Generates and resolves a population (default 5,000 persons) in SQLite (and, with
``--postgres``, in a PostgreSQL schema), starts ``sojourn serve`` (uvicorn) on it, logs in as an
analyst and has 50 clients read random person views (GET /persons/{id}, criminal investigation)
for a fixed time; then appends audit events one transaction each. Prints figures, asserts
nothing.

    .venv/bin/python bench/api.py [--persons N] [--clients 50] [--seconds 20] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
import numpy as np
from sqlalchemy import Engine, text

from population import ingested, machine
from sojourn.access.users import add_user
from sojourn.audit.log import AuditEvent, append
from sojourn.records import ingest_file, plan
from sojourn.resolve.run import resolve_all
from sojourn.store import make_engine, upgrade

PASSWORD = "benchmark passphrase"
PG_URL = os.environ.get(
    "SOJOURN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "sojourn", "serve", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    proc = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start")


async def _clients(
    base: str, token: str, persons: list[str], clients: int, seconds: float, pause: float = 0
) -> list[float]:
    """Each client reads person views one after the other for ``seconds`` (closed loop), or
    with ``pause`` seconds between its requests (an analyst's pace)."""
    headers = {"Authorization": f"Bearer {token}", "X-Purpose-Of-Use": "criminal_investigation"}
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as c:

        async def one() -> None:
            if pause:  # analysts do not all press the key in the same millisecond
                await asyncio.sleep(random.uniform(0, 2 * pause))
            while time.perf_counter() < stop:
                start = time.perf_counter()
                answer = await c.get(f"/persons/{random.choice(persons)}")
                latencies.append(time.perf_counter() - start)
                assert answer.status_code == 200, answer.text
                if pause:
                    await asyncio.sleep(random.uniform(0, 2 * pause))

        await asyncio.gather(*(one() for _ in range(clients)))
    return latencies


def _views(engine: Engine, env: dict[str, str], args: argparse.Namespace, label: str) -> None:
    with engine.connect() as conn:
        persons = list(conn.execute(text("SELECT DISTINCT person_id FROM links")).scalars())
    proc = _server(env, args.port, args.workers)
    try:
        base = f"http://127.0.0.1:{args.port}"
        login = {"username": "ana", "password": PASSWORD}
        token = httpx.post(f"{base}/auth/login", json=login).json()["access_token"]
        asyncio.run(_clients(base, token, persons, 5, 2))  # warm up
        for pause in (0.0, 1.0, 0.2):
            run = _clients(base, token, persons, args.clients, args.seconds, pause)
            _print(label, args, pause, np.array(asyncio.run(run)) * 1000)
    finally:
        proc.terminate()
        proc.wait(30)


def _print(label: str, args: argparse.Namespace, pause: float, lat: np.ndarray) -> None:
    p50, p99 = np.percentile(lat, [50, 99])
    load = "back to back" if not pause else f"about {1 / pause:.0f} request/s each"
    print(
        f"{label}: person view, {args.clients} clients {load}, {args.workers} worker(s): "
        f"{len(lat) / args.seconds:,.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms "
        "(goal p99 ≤ 50 ms)"
    )


def _appends(engine: Engine, label: str, n: int = 2000) -> None:
    event = AuditEvent("bench", "analyst", "criminal_investigation", "person.read", "person",
                       ["P1"], ["identity"])  # fmt: skip
    start = time.perf_counter()
    for _ in range(n):
        with engine.begin() as conn:
            append(conn, event)
    one = n / (time.perf_counter() - start)
    start = time.perf_counter()
    with engine.begin() as conn:
        for _ in range(n):
            append(conn, event)
    batch = n / (time.perf_counter() - start)
    print(f"{label}: audit appends {one:,.0f}/s one transaction each, {batch:,.0f}/s in one")


def _prepare(engine: Engine, data: Path) -> None:
    resolve_all(engine)
    add_user(engine, "ana", "analyst", PASSWORD, by="bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="sojourn-api-") as name:
        tmp = Path(name)
        env = {"SOJOURN_DATA_DIR": str(tmp / "state")}
        os.environ.update(env)
        engine = ingested(tmp / "data", tmp / "bench.db", args.persons, seed=9)
        _prepare(engine, tmp)
        _views(engine, {**env, "SOJOURN_DATABASE_URL": str(engine.url)}, args, "SQLite")
        _appends(engine, "SQLite")
        if args.postgres:
            schema = f"bench_api_{os.getpid()}"
            pg = make_engine(PG_URL, schema)
            upgrade(pg)
            for item in plan([tmp / "data"], None):
                ingest_file(pg, item.path, item.mapping)
            _prepare(pg, tmp)
            pg_env = {**env, "SOJOURN_DATABASE_URL": PG_URL, "SOJOURN_DATABASE_SCHEMA": schema}
            _views(pg, pg_env, args, "PostgreSQL")
            _appends(pg, "PostgreSQL")
            with pg.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
