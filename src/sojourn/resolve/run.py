"""The batch run: every stored record linked to a person, written in one transaction.

Stages: load records → features → blocking → comparison vectors → (train, when there is no
model yet) → scores → clustering under judgements and existing persons → stable ids → write
the links that changed, new persons, person events and new identity reviews. A run that is
killed leaves the database as it was; running again resumes from the features and vectors
it saved (``checkpoint``) if the records have not changed since. A run over unchanged records
with the same model and judgements writes nothing but its run row.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import polars as pl
from sqlalchemy import Connection, Engine

from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.checkpoint import Checkpoint, Generic, fingerprint
from sojourn.resolve.cluster import Clusters, Constraints, cluster
from sojourn.resolve.compare import compare_pairs
from sojourn.resolve.features import features, load_records
from sojourn.resolve.generic import find as find_generic
from sojourn.resolve.generic import neutralise
from sojourn.resolve.health import DegenerateModelError, check
from sojourn.resolve.identity import Identities, assign_ids
from sojourn.resolve.judgements import Verdict, effective
from sojourn.resolve.linkonly import WHOLE_STORE, Scope
from sojourn.resolve.links import link_rows
from sojourn.resolve.model import Model, OutdatedModelError, score
from sojourn.resolve.store import (
    NoModelError,
    RunHeader,
    current_links,
    last_thresholds,
    load_model,
    next_run_id,
    reviewed_pairs,
    save_model,
    write_results,
)
from sojourn.resolve.subset import closure, current_links_of
from sojourn.resolve.thresholds import choose
from sojourn.resolve.training import train_on
from sojourn.resolve.trainingset import Records, as_records
from sojourn.settings import get_settings
from sojourn.store.bulk import lock_for_writing

#: Called as ``progress(stage, stages done, stages in all)`` when a stage starts.
Progress = Callable[[str, int, int], None]
STAGES = ("load records", "features", "blocking", "compare", "train", "score", "cluster", "write")


class NothingToResolveError(ValueError):
    """There are no stored records."""


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    model_version: str
    trained: bool
    records: int
    persons: int
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    #: Whether the run resumed from the features and vectors of an interrupted one.
    resumed: bool = False
    #: What the user must hear: a degenerate model let through, nothing linked, …
    warnings: tuple[str, ...] = ()
    #: The accept and review thresholds, and whether the model chose them.
    accept: float | None = None
    review: float | None = None
    thresholds_by: str = ""
    #: Candidate pairs scored: what blocking found. Compare, score and cluster cost follows
    #: them, not the records (``docs/scale.md``).
    pairs: int = 0


class Clock:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self._stage: str | None = None
        self._start = time.perf_counter()

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        if self._stage is not None:
            self.seconds[self._stage] = now - self._start
        self._stage, self._start = name, now
        if self.progress is not None:
            done = STAGES.index(name) if name in STAGES else len(STAGES)
            self.progress(name, done, len(STAGES))


def train_model(
    engine: Engine, progress: Progress | None = None, allow_degenerate: bool = False
) -> Model:
    """Train a model on every stored record and save it (``sojourn resolve train``); a
    degenerate model raises ``DegenerateModelError`` unless ``allow_degenerate``."""
    clock = Clock(progress)
    feats, vectors, generic = _vectors(engine, clock)
    clock.stage("train")
    model = train_on(vectors, feats, generic)
    _checked(model, feats, vectors, allow_degenerate)
    with engine.begin() as conn:
        save_model(conn, model, feats.height)
    clock.stage("done")
    return model


def _vectors(
    engine: Engine, clock: Clock, ids: list[str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, Generic]:
    clock.stage("load records")
    records = load_records(engine, ids)
    if records.is_empty():
        raise NothingToResolveError("no records to resolve: run `sojourn ingest` first")
    return _compute(records, clock)


def _compute(
    records: pl.DataFrame, clock: Clock, scope: Scope = WHOLE_STORE
) -> tuple[pl.DataFrame, pl.DataFrame, Generic]:
    """Features (placeholder and generic values read as missing), the candidate pairs'
    vectors, and the generic values found."""
    clock.stage("features")
    feats = features(records)
    generic = find_generic(feats)
    feats = neutralise(feats, generic)
    clock.stage("blocking")
    pairs = scope.candidates(candidate_pairs(feats).pairs, feats)
    clock.stage("compare")
    return feats, compare_pairs(pairs, feats), generic


#: Clusters scored pairs (``scored``, ``ids``, accept, review, constraints) and returns the
#: scored pairs the links are read from (accepted and judged pairs at least) with the clusters.
Clusterer = Callable[
    [pl.DataFrame, pl.Series, float, float, Constraints], tuple[pl.DataFrame, Clusters]
]


def cluster_here(
    scored: pl.DataFrame, ids: pl.Series, accept: float, review: float, constraints: Constraints
) -> tuple[pl.DataFrame, Clusters]:
    """The single-machine clustering (``cluster.cluster``) of every scored pair."""
    return scored, cluster(scored, ids, accept, review, constraints)


@dataclass(frozen=True)
class Job:
    kind: str
    feats: pl.DataFrame
    scored: pl.DataFrame
    model: Model
    trained: bool
    accept: float
    review: float
    scope: Scope = WHOLE_STORE
    #: Only these records' persons (``resolve_records``): read only their links.
    partial: bool = False
    #: How the pairs are clustered: here, or elsewhere (``sojourn.spark.resolve``).
    clusterer: Clusterer = cluster_here


def resolve_all(
    engine: Engine,
    accept: float | None = None,
    review: float | None = None,
    progress: Progress | None = None,
    allow_degenerate: bool = False,
    scope: Scope = WHOLE_STORE,
) -> RunSummary:
    """Link every stored record (``sojourn resolve``); train a model first if none exists.
    The thresholds default to the settings (``SOJOURN_RESOLVE_ACCEPT``, ``_REVIEW``); unset,
    they are chosen from the model (``thresholds.choose``). A
    model that learned nothing raises ``DegenerateModelError`` before anything is written,
    unless ``allow_degenerate`` (then the run goes on with a warning). ``scope``: which
    records and pairs take part (``linkonly.LinkOnly``: two sources linked one-to-one)."""
    settings = get_settings()
    accept = settings.resolve_accept if accept is None else accept
    review = settings.resolve_review if review is None else review
    clock = Clock(progress)
    started = dt.datetime.now(dt.UTC)
    clock.stage("load records")
    records = load_records(engine)
    if records.is_empty():
        raise NothingToResolveError("no records to resolve: run `sojourn ingest` first")
    records = scope.records(records)
    checkpoint = Checkpoint(settings.data_dir / scope.checkpoint, fingerprint(records["id"]))
    saved = checkpoint.load()
    feats, vectors, generic = saved or _compute(records, clock, scope)
    if saved is None:
        checkpoint.save(feats, vectors, generic)
    model, trained, warnings = model_for(engine, vectors, feats, clock, allow_degenerate, generic)
    clock.stage("score")
    scored = score(vectors, model)
    chosen = choose(scored, accept, review)
    job = Job(scope.kind, feats, scored, model, trained, chosen.accept, chosen.review, scope)
    summary = _link(engine, clock, job, started)
    checkpoint.clear()
    warnings += _nothing_linked(job)
    return replace(
        summary,
        resumed=saved is not None,
        warnings=tuple(warnings),
        accept=chosen.accept,
        review=chosen.review,
        thresholds_by=chosen.chosen_by,
    )


def _checked(
    model: Model,
    feats: pl.DataFrame | Records,
    vectors: pl.DataFrame,
    allow: bool,
    new: bool = True,
) -> list[str]:
    """The warnings about a model (its notes when ``new``); raises if it is degenerate and
    not ``allow``ed."""
    health = check(model, feats, vectors)
    if health.degenerate and not allow:
        raise DegenerateModelError(health)
    return ([health.message()] if health.degenerate else []) + (health.notes() if new else [])


def _nothing_linked(job: Job) -> list[str]:
    return nothing_linked(job.scored["match_probability"], job.accept)


def nothing_linked(probabilities: pl.Series, accept: float) -> list[str]:
    """A warning when there were candidate pairs but not one reached the accept threshold."""
    if probabilities.is_empty() or (probabilities >= accept).any():
        return []
    return [
        f"nothing linked: none of {probabilities.len():,} candidate pairs reached the accept "
        f"threshold {accept}; check the model (`sojourn explain`) and the mapping"
    ]


def resolve_records(engine: Engine, record_ids: list[str], kind: str = "judgement") -> RunSummary:
    """Resolve again, with the current model and the last run's thresholds, the persons of
    these records and of every record judged together with them (after a judgement),
    reading only those records' links."""
    clock = Clock(None)
    started = dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        model = load_model(conn)
        accept, review = last_thresholds(conn)
        subset = closure(conn, set(record_ids), effective(conn))
    feats, vectors, _ = _vectors(engine, clock, sorted(subset))
    clock.stage("score")
    job = Job(kind, feats, score(vectors, model), model, False, accept, review, partial=True)
    return _link(engine, clock, job, started)


def _link(engine: Engine, clock: Clock, job: Job, started: dt.datetime) -> RunSummary:
    """Cluster scored pairs, give stable ids and write the changes, in one transaction."""
    ids = job.feats["id"]
    with engine.begin() as conn:
        lock_for_writing(conn, "resolve")
        clock.stage("cluster")
        old = current_links_of(conn, ids.to_list()) if job.partial else current_links(conn)
        constraints = _constraints(conn, old, set(ids.to_list()))
        scored = job.scope.pairs(job.scored, job.feats, constraints, job.accept)
        scored, clusters = job.clusterer(scored, ids, job.accept, job.review, constraints)
        run_id = next_run_id(conn)
        identities = assign_ids(clusters.assignments, constraints.owners, run_id)
        identities = job.scope.identities(identities, old, ids)
        clock.stage("write")
        header = RunHeader(
            job.kind, job.model.version, job.accept, job.review, started, job.feats.height
        )
        new_links = link_rows(scored, clusters, identities, constraints, old, job.model, job.accept)
        new_reviews = _new_reviews(conn, clusters, identities, job.model)
        counts = write_results(conn, run_id, header, new_links, identities, new_reviews)
        counts |= job.scope.figures(job.scored, clusters, job.feats, job.accept)
    clock.stage("done")
    persons = len(set(identities.persons.values()))
    return RunSummary(
        run_id,
        job.model.version,
        job.trained,
        job.feats.height,
        persons,
        counts,
        clock.seconds,
        pairs=job.scored.height,
    )


def model_for(
    engine: Engine,
    vectors: pl.DataFrame,
    feats: pl.DataFrame | Records,
    clock: Clock,
    allow_degenerate: bool,
    generic: Generic,
) -> tuple[Model, bool, list[str]]:
    """The saved model or a new one trained (also when the saved one was made for other
    comparison levels, with a warning), checked on these records before any link (a refused
    new model is not saved). ``vectors``: the candidate vectors or their ``patterns``."""
    outdated: list[str] = []
    with engine.connect() as conn:
        try:
            model = load_model(conn)
        except NoModelError:
            pass
        except OutdatedModelError as exc:
            outdated.append(f"{exc}: a new model was trained for this run")
        else:
            return model, False, _checked(model, feats, vectors, allow_degenerate, new=False)
    clock.stage("train")
    model = train_on(vectors, feats, generic)
    warnings = outdated + _checked(model, feats, vectors, allow_degenerate)
    with engine.begin() as conn:
        save_model(conn, model, as_records(feats).height)
    return model, True, warnings


def _constraints(conn: Connection, old: pl.DataFrame, ids: set[str]) -> Constraints:
    judged = {pair: j for pair, j in effective(conn).items() if pair[0] in ids and pair[1] in ids}
    same = tuple((a, b, j.id) for (a, b), j in sorted(judged.items()) if j.verdict is Verdict.SAME)
    different = tuple(pair for pair, j in sorted(judged.items()) if j.verdict is Verdict.DIFFERENT)
    mine = old.filter(pl.col("record_id").is_in(list(ids)))
    owners = dict(mine.select("record_id", "person_id").iter_rows())
    return Constraints(same, different, owners)


def _new_reviews(
    conn: Connection, clusters: Clusters, identities: Identities, model: Model
) -> pl.DataFrame:
    """Review items not opened before for the same pair of records."""
    person = pl.DataFrame(
        {"cluster": list(identities.persons), "person": list(identities.persons.values())}
    )
    by_record = clusters.assignments.join(person, on="cluster").select("id", "person")
    return (
        clusters.reviews.join(reviewed_pairs(conn), on=["id_l", "id_r"], how="anti")
        .join(by_record.rename({"id": "id_l", "person": "person_l"}), on="id_l")
        .join(by_record.rename({"id": "id_r", "person": "person_r"}), on="id_r")
        .select(
            pl.col("id_l").alias("record_l"),
            pl.col("id_r").alias("record_r"),
            "person_l",
            "person_r",
            "match_probability",
            pl.lit(model.version).alias("model_version"),
            "reason",
        )
    )


#: The clustering, ids and write of a run, for the other engines (``sojourn.spark.resolve``).
link_and_write = _link
