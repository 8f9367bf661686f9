"""Did training learn anything? A model checked before it links a single record.

A model is degenerate when name or birth date, though on the records and varied among them,
came out with m ≈ u at every level, so it carries no weight; when the prior, the chance that
two random records match, is far below what exact agreement on name and birth date already
shows; or when EM had not converged in a session when its iterations ran out. Linking with
such a model links nothing, or nearly nothing, and says nothing: ``resolve_all`` raises
``DegenerateModelError`` instead (for a new model, and for a saved one checked on the records
it is about to link, when there are candidate pairs enough to judge by), unless told to go on
anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from sojourn.resolve.compare import COMPARISONS, DATE_LEVELS, EXACT_NAME
from sojourn.resolve.dates import DateLevel
from sojourn.resolve.model import Model
from sojourn.resolve.training import PRESENCE
from sojourn.resolve.trainingset import Records, as_records, pairs_in

#: A level whose |log2(m/u)| is below this many bits says nothing.
FLAT_BITS = 0.1
#: A comparison whose top (agreeing) level holds this share of random pairs is constant.
CONSTANT_SHARE = 0.99
#: The comparisons every person file can teach: one of them flat makes the model degenerate;
#: another flat one (an identifier on too few records to learn from) is only reported.
CORE = ("name", "birth_date")
#: Fewer records than this with a comparison's fields: nothing to learn from, no fault.
MIN_RECORDS = 2
#: Fewer candidate pairs than this: too few to judge a model by (and to lose many links by;
#: a run that links none of them still warns).
MIN_PAIRS = 10
MIN_PRIOR = 1e-9
#: The prior must reach this share of the exact name + birth date estimate.
PRIOR_SHARE = 0.1
EXACT_DATE = DATE_LEVELS[DateLevel.EXACT]
ADVICE = (
    "check the mapping (are the fields that tell people apart mapped, filled and varied?) "
    "and the size of the store, then train again (`sojourn resolve train`); or pass "
    "--allow-degenerate-model to link with it anyway"
)


class DegenerateModelError(RuntimeError):
    """The trained model learned nothing usable (see ``Health.problems``)."""

    def __init__(self, health: Health) -> None:
        self.health = health
        super().__init__(health.message())


@dataclass(frozen=True)
class Health:
    #: Comparisons the data could teach whose every level has m ≈ u.
    flat: tuple[str, ...]
    prior: float
    #: The share of all record pairs agreeing exactly on name and birth date.
    exact_prior: float
    #: Candidate pairs: with fewer than ``MIN_PAIRS``, the model is not judged.
    pairs: int = MIN_PAIRS
    #: EM sessions that had not converged when their iterations ran out.
    unconverged: tuple[str, ...] = ()

    @property
    def prior_too_low(self) -> bool:
        return self.prior < MIN_PRIOR or self.prior < PRIOR_SHARE * self.exact_prior

    @property
    def degenerate(self) -> bool:
        flat = any(c in CORE for c in self.flat)
        return self.pairs >= MIN_PAIRS and (flat or self.prior_too_low or bool(self.unconverged))

    def problems(self) -> list[str]:
        found = []
        core = [c for c in self.flat if c in CORE]
        if core:
            found.append(f"learned nothing (m = u at every level) for: {', '.join(core)}")
        if self.prior_too_low:
            found.append(
                f"the match prior {self.prior:.3g} is far below the {self.exact_prior:.3g} "
                "of pairs agreeing exactly on name and birth date"
            )
        if self.unconverged:
            found.append(f"EM did not converge in the sessions: {', '.join(self.unconverged)}")
        return found

    def notes(self) -> list[str]:
        """Warnings that do not stop a run: other comparisons that learned nothing."""
        other = [c for c in self.flat if c not in CORE]
        if not other:
            return []
        return [f"no weight learned for {', '.join(other)} (too few pairs to learn from)"]

    def message(self) -> str:
        return f"the trained model is degenerate: {'; '.join(self.problems())}; {ADVICE}"


def check(model: Model, feats: pl.DataFrame | Records, vectors: pl.DataFrame) -> Health:
    """The health of ``model`` trained on the records ``feats`` and their candidate
    ``vectors`` (or their ``patterns``)."""
    records = as_records(feats)
    prior = exact_prior(vectors, records.height)
    sessions = model.diagnostics.get("sessions", [])
    unconverged = tuple(
        str(s["rule"])
        for s in sessions
        if not s.get("converged", True) and s.get("identifiable", True)
    )
    return Health(_flat(model, records), model.prior, prior, pairs_in(vectors), unconverged)


def _flat(model: Model, records: Records) -> tuple[str, ...]:
    found = []
    for comparison in COMPARISONS:
        columns = [c for c in PRESENCE[comparison] if c in records.columns]
        if not columns:
            continue
        if records.present(columns) < MIN_RECORDS or model.u[comparison][-1] >= CONSTANT_SHARE:
            continue  # empty or constant: no weight is the right answer
        bits = (
            abs(math.log2(m / u))
            for m, u in zip(model.m[comparison], model.u[comparison], strict=True)
        )
        if all(b < FLAT_BITS for b in bits):
            found.append(comparison)
    return tuple(found)


def exact_prior(vectors: pl.DataFrame, records: int) -> float:
    """Candidate pairs agreeing exactly on name and birth date, over all record pairs."""
    total = max(records * (records - 1) / 2, 1.0)
    exact = (pl.col("name") == EXACT_NAME) & (pl.col("birth_date") == EXACT_DATE)
    return pairs_in(vectors.filter(exact)) / total
