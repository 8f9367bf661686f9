"""The generator's entry point: population → trips → lifecycle → extracts + truth."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson

from sojourn.synth import enforcement, evidence, residents, sources
from sojourn.synth.common import day, stage_rng
from sojourn.synth.countries import load_countries
from sojourn.synth.extracts import (
    arrivals,
    citizenship,
    court,
    departures,
    justice,
    notices,
    selfdep,
    students,
    uscis,
)
from sojourn.synth.extracts.base import Ctx, Extract, NoiseBook
from sojourn.synth.extracts.writer import ManifestFile, finish, truth_rows, write
from sojourn.synth.lifecycle import make_life, sync_departures
from sojourn.synth.names import load_bank
from sojourn.synth.params import load_params
from sojourn.synth.population import make_population
from sojourn.synth.trips import make_trips
from sojourn.synth.truth_files import write_truth

Progress = Callable[[str, int, int], None]
Builder = Callable[[Ctx], tuple[Extract, NoiseBook]]
BUILDERS: tuple[Builder, ...] = (
    arrivals.build,
    departures.build,
    uscis.benefits,
    students.build,
    court.build,
    justice.convictions,
    uscis.ar11,
    selfdep.build,
    uscis.naturalizations,
    justice.custody,
    citizenship.passports,
    citizenship.numident,
    notices.employer_notices,
    notices.deferred_action,
    notices.parole_terminations,
)
GENERATOR, VERSION = "sojourn.synth", 1
SIM_STEPS = 5
TOTAL_STEPS = SIM_STEPS + len(BUILDERS) + 1
"""Progress is reported as (stage just finished, steps done, TOTAL_STEPS)."""


@dataclass(frozen=True)
class GenerateResult:
    out: Path
    persons: int
    seed: int
    as_of: dt.date
    files: list[ManifestFile]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


def _noop(stage: str, done: int, total: int) -> None:
    return None


def simulate(persons: int, seed: int, as_of: dt.date, report: Progress = _noop) -> Ctx:
    """Everything that happened (the truth), before any extract is written."""
    params, bank, countries = load_params(), load_bank(), load_countries()
    a, total = day(as_of), TOTAL_STEPS
    pop = make_population(stage_rng(seed, "population"), persons, params, countries, bank, a)
    paroled = sources.assign_parole(stage_rng(seed, "parole"), pop, params, countries, a)
    report("population", 1, total)
    trips = make_trips(stage_rng(seed, "trips"), pop, params, countries, a, paroled)
    report("admissions", 2, total)
    life = make_life(stage_rng(seed, "lifecycle"), pop, trips, params, countries, a)
    sources.run(stage_rng(seed, "sources"), life, pop, trips, params, countries, a)
    report("lifecycle", 3, total)
    rng = stage_rng(seed, "residents")
    start, _ = residents.residence(life, pop, trips, a)
    convicted = residents.citizen_records(rng, life, pop, params, start, a)
    enforcement.run(stage_rng(seed, "enforcement"), life, pop, params)
    evidence.run(stage_rng(seed, "evidence"), life, pop, trips, params, a)
    trip_exit = sync_departures(life, trips)
    report("enforcement", 4, total)
    span = residents.residence(life, pop, trips, a)
    ctx = Ctx(seed, a, params, pop, trips, trip_exit, life, countries, bank)
    ctx.tables["convictions"] = residents.convictions(rng, life, pop, params, span, convicted)
    ctx.tables["addresses"] = residents.addresses(rng, life, pop, params, span[1])
    report("residents", SIM_STEPS, total)
    return ctx


def _manifest(result: GenerateResult) -> bytes:
    body = {
        "generator": GENERATOR,
        "version": VERSION,
        "seed": result.seed,
        "persons": result.persons,
        "as_of": result.as_of.isoformat(),
        "files": [
            {
                "path": f.path,
                "kind": f.kind,
                "mapping": f.mapping,
                "rows": f.rows,
                "sha256": f.sha256,
            }
            for f in result.files
        ],
    }
    return orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n"


def generate(
    persons: int, seed: int, as_of: dt.date, out: Path, progress: Progress | None = None
) -> GenerateResult:
    """Write one extract per source kind, the truth files and manifest.json into `out`."""
    began = time.perf_counter()
    report = progress or _noop
    report("start", 0, TOTAL_STEPS)
    ctx = simulate(persons, seed, as_of, report)
    out.mkdir(parents=True, exist_ok=True)
    files: list[ManifestFile] = []
    records = []
    for step, build in enumerate(BUILDERS, start=SIM_STEPS + 1):
        extract, book = build(ctx)
        extract = finish(extract, book)
        files.append(write(extract, out))
        records.append(truth_rows(extract, ctx.pop))
        report(extract.spec.path, step, TOTAL_STEPS)
    write_truth(ctx, out, records)
    result = GenerateResult(out, persons, seed, as_of, files, time.perf_counter() - began)
    (out / "manifest.json").write_bytes(_manifest(result))
    report("truth", TOTAL_STEPS, TOTAL_STEPS)
    return result
