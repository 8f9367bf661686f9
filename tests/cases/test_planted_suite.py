"""Issue 15's acceptance suite: persons planted through the built-in source formats on a
generated population (SQLite and PostgreSQL, one population per engine) — citizenship
evidence exact and in each variation the issue names (no A-number, so resolution may well
not link it), pending I-589 and I-485 applications, an open redress request, a land-only
arrival — are never enforcement-ready, never approved and never carried out: when the evidence
is there before the first recompute, when it arrives after an approval was asked for, and
after the approval was given (carrying it out is refused at once, before any recompute; the
recompute withdraws it); through the real-time pipeline and through batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sojourn.cases.model import ROOT
from sojourn.cases.recompute import recompute
from sojourn.records import ingest_file, plan
from sojourn.resolve.run import resolve_all
from sojourn.resolve.serving import load_index
from sojourn.settings import get_settings
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate
from tests.cases.planted import TODAY, Arrive, land_arrival, quietly, streamed, would_be_ready
from tests.cases.safeguards import (
    CATEGORIES,
    EVIDENCE,
    STOP,
    Outcome,
    Pool,
    approve,
    caught,
    execute,
    outcome,
    plant,
)
from tests.conftest import PG_URL, drop_pg_schema, new_pg_schema

#: (route, category): a redress request is filed, never streamed.
PLANTS = [("batch", c) for c in CATEGORIES] + [("streamed", c) for c in EVIDENCE]
Planted = dict[tuple[str, str], str]


@dataclass
class World:
    engine: Engine
    pool: Pool
    before: Planted  # planted before the first recompute
    land: dict[str, str | None]  # by route, the land-only traveller


@dataclass(frozen=True)
class Decided:
    person: str
    approval: int
    refused: str | None  # carrying the approval out, tried before any recompute


def _engine(kind: str, out: Path) -> tuple[Engine, str | None]:
    if kind == "sqlite":
        return make_engine(f"sqlite:///{out / 'planted.db'}"), None
    schema = new_pg_schema()
    return make_engine(PG_URL, schema), schema


def _resolved(engine: Engine, out: Path) -> None:
    generate(1200, 15, dt.date(2025, 9, 30), out / "synth")
    for item in plan([out / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    mp = pytest.MonkeyPatch()
    mp.setenv("SOJOURN_DATA_DIR", str(out / "data"))
    get_settings.cache_clear()
    resolve_all(engine)
    mp.undo()


def _batch(engine: Engine) -> Arrive:
    index = load_index(engine)
    return lambda e, planted: quietly(e, planted, index)


def _plant_all(world: World, asked: bool) -> Planted:
    """One fresh person per (route, category), planted; the batch ones quietly (the caller
    recomputes)."""
    out: Planted = {}
    batch = _batch(world.engine)
    for route, category in PLANTS:
        person = out[(route, category)] = world.pool.take(category, asked)
        plant(world.engine, category, person, batch if route == "batch" else streamed)
    return out


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    out = tmp_path_factory.mktemp("planted")
    engine, schema = _engine(request.param, out)
    upgrade(engine)
    _resolved(engine, out)
    made = World(engine, Pool(engine, would_be_ready(engine, at_least=120)), {}, {})
    made.land["batch"] = quietly(engine, land_arrival(1), load_index(engine))
    made.land["streamed"] = streamed(engine, land_arrival(2))
    made.before = _plant_all(made, asked=False)
    recompute(engine, TODAY, "first recompute")
    yield made
    engine.dispose()
    if schema:
        drop_pg_schema(schema)


@pytest.fixture(scope="module")
def after_asked(world: World) -> Planted:
    """Planted after the persons' approvals were asked for (open, un-held)."""
    planted = _plant_all(world, asked=True)
    recompute(world.engine, TODAY, "batch after the plants")
    return planted


@pytest.fixture(scope="module")
def after_decided(world: World) -> dict[tuple[str, str], Decided]:
    """Planted after the persons' approvals were given (an enforcement action open): each
    tried to carry out at once, then everyone recomputed."""
    taken = {key: world.pool.take(key[1]) for key in PLANTS}
    approvals = {key: approve(world.engine, person) for key, person in taken.items()}
    out: dict[tuple[str, str], Decided] = {}
    batch = _batch(world.engine)
    for (route, category), person in taken.items():
        plant(world.engine, category, person, batch if route == "batch" else streamed)
        refused = execute(world.engine, person)
        out[(route, category)] = Decided(person, approvals[(route, category)], refused)
    recompute(world.engine, TODAY, "batch after the plants")
    return out


def _held(out: Outcome, category: str) -> None:
    assert caught(out, STOP[category]), f"{category} not held: {out}"


@pytest.mark.parametrize(("route", "category"), PLANTS)
def test_evidence_there_before_the_first_recompute(world: World, route: str, category: str) -> None:
    out = outcome(world.engine, world.before[(route, category)])
    _held(out, category)
    assert "supervisor_approval" not in out.types, out  # never even asked for


@pytest.mark.parametrize("route", ["batch", "streamed"])
def test_a_land_only_arrival_is_a_departure_verification(world: World, route: str) -> None:
    person = world.land[route]
    assert person is not None
    out = outcome(world.engine, person)
    assert caught(out, "presence_unverified"), out
    assert out.facts["status"] == "overstay" and out.facts["overstay_unverified"], out
    assert out.types == {ROOT: ["on_hold"], "departure_verification": ["assigned"]}, out


@pytest.mark.parametrize(("route", "category"), PLANTS)
def test_evidence_after_an_approval_was_asked_for(
    world: World, after_asked: Planted, route: str, category: str
) -> None:
    out = outcome(world.engine, after_asked[(route, category)])
    _held(out, category)
    assert out.types["supervisor_approval"] == ["on_hold"], out


@pytest.mark.parametrize(("route", "category"), PLANTS)
def test_evidence_after_the_approval_was_given(
    world: World, after_decided: dict[tuple[str, str], Decided], route: str, category: str
) -> None:
    decided = after_decided[(route, category)]
    assert decided.refused is not None, decided
    if route == "batch" and category != "open redress":  # nothing recomputed: the
        assert STOP[category] in decided.refused, decided  # decision-time check names it
    else:  # the stream recomputed on arrival, a filing opened its review: already withdrawn
        assert "cannot go from cancelled" in decided.refused, decided
    out = outcome(world.engine, decided.person)
    _held(out, category)
    assert decided.approval in out.withdrawn, out
    assert out.types["enforcement_action"] == ["cancelled"], out
