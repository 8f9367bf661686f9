"""Learning m without labels: expectation–maximisation in sessions, as Splink does.

One session per blocking rule: its candidate pairs agree, by construction, on the comparisons
the rule blocks on, so a session estimates only the others (the *free* comparisons). Every
comparison a person file can carry has a session that leaves it free: names are learned
among pairs sharing a birth date, birth dates among pairs sharing a name. No session blocks
on an address or a postcode alone: among records sharing an address most pairs are
different members of one household, and EM would learn "same household", not "same person".

EM starts from the shipped model's m (``shipped.py``) when there is one, and each
comparison's m is the average of its sessions' estimates weighted by the matches they saw,
with the starting m counted as ``PSEUDO_MATCHES`` matches: a large store's data outweighs
it, a small store (a few dozen records) leans on it instead of learning nothing. A session
that has not converged after ``MAX_ITERATIONS`` is reported (``Fit.converged``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from sojourn.resolve.compare import COMPARISONS, MISSING
from sojourn.resolve.trainingset import pairs_in, patterns

FLOOR = 1e-6
MAX_ITERATIONS = 1000
#: EM has converged when no m value moves more than this in one iteration (Splink's default).
TOLERANCE = 1e-4
#: A session needs this many candidate pairs to be fitted at all, and two free comparisons
#: each present in this share of them.
MIN_SESSION_PAIRS = 10
PRESENT_SHARE = 0.1
SHORT_RUN = 25
#: The weight, in matches, of the starting model's m in each comparison's average.
PSEUDO_MATCHES = 10.0
#: No level of a typed field is impossible for one person (a clerk can type anything): its m
#: is never below this, so one such disagreement weighs at most about ten bits against. (An
#: identifier that differs keeps what EM learned: a different A-number is two people.)
M_FLOOR = 1e-3
FLOORED = ("name", "middle_initial", "birth_date")
#: Levels of other comparisons that a clerk's typo makes (one character off):
#: floored too, although a population without such typos never shows one.
FLOORED_LEVELS = {"other_id": (1,), "postcode": (1,)}


#: Comparisons whose values go with a name (see the ``name_exact`` session).
NAME_BOUND = ("sex", "nationality", "birth_place")


@dataclass(frozen=True)
class Session:
    """An EM session: the candidate pairs one blocking rule found, and the comparisons that
    rule blocks on, or that it makes agree more often than chance (not used in it)."""

    rule: str
    blocked: frozenset[str]


SESSIONS: tuple[Session, ...] = (
    Session("passport", frozenset({"passport"})),
    Session("a_number", frozenset({"a_number"})),
    Session("ssn", frozenset({"other_id"})),
    Session("sevis_id", frozenset({"other_id"})),
    Session("fbi_number", frozenset({"other_id"})),
    Session("identifier", frozenset({"other_id"})),
    Session("dob_name", frozenset({"birth_date", "name"})),
    Session("postcode_dob", frozenset({"postcode", "birth_date"})),
    Session("postcode_skeleton", frozenset({"postcode", "name"})),
    # Namesakes share more than chance would have them share: the sex, nationality and
    # place of birth that go with a name. Among pairs of one name those comparisons would
    # teach EM "same name and origin", not "same person"; they sit this session out.
    Session("name_exact", frozenset({"name", *NAME_BOUND})),
    # A training-only rule (``training.TRAINING_RULES``): names free.
    Session("train_dob", frozenset({"birth_date"})),
)

Params = dict[str, list[float]]


@dataclass(frozen=True)
class Fit:
    """One session's result: the m of each free comparison with the expected matches in
    which it was present, and how EM ended."""

    rule: str
    pairs: int
    iterations: int
    converged: bool
    estimates: dict[str, tuple[list[float], float]]
    #: Two free comparisons or more present: EM can tell matches apart (``_informative``).
    identifiable: bool = True

    def summary(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "pairs": self.pairs,
            "iterations": self.iterations,
            "converged": self.converged,
            "identifiable": self.identifiable,
            "matches": round(max((w for _, w in self.estimates.values()), default=0.0), 1),
        }


def fit_sessions(
    candidates: pl.DataFrame,
    u: Params,
    start: Params | None,
) -> list[Fit]:
    """Every session with pairs enough (``candidates``, vectors or their ``patterns``, has a
    ``rules`` list column)."""
    candidates = patterns(candidates)
    fits = []
    for session in SESSIONS:
        subset = candidates.filter(pl.col("rules").list.contains(session.rule))
        if pairs_in(subset) < MIN_SESSION_PAIRS:
            continue
        free = [c for c in COMPARISONS if c not in session.blocked]
        identifiable = len(_informative(subset, free)) >= 2
        fits.append(_fit(session.rule, subset, free, u, start, identifiable))
    return fits


def _informative(subset: pl.DataFrame, free: list[str]) -> list[str]:
    """The free comparisons present in at least ``PRESENT_SHARE`` of a session's pairs. With
    fewer than two, EM cannot tell the share of matches from their m (one variable, two
    unknowns: it drifts without converging), so such a session runs ``SHORT_RUN`` iterations
    from the starting m and is not held to converge."""
    total = pl.col("n").sum()
    present = subset.select(
        (pl.col("n").filter(pl.col(c) != MISSING).sum() / total).alias(c) for c in free
    ).row(0)
    return [c for c, share in zip(free, present, strict=True) if share >= PRESENT_SHARE]


def combine(fits: list[Fit], u: Params, start: Params | None) -> Params:
    """Each comparison's m: its sessions' estimates weighted by their matches, with the
    starting m as ``PSEUDO_MATCHES`` matches, each level of a typed field at least ``M_FLOOR``;
    with neither,
    m = u (no weight)."""
    m: Params = {}
    for comparison in COMPARISONS:
        found = [f.estimates[comparison] for f in fits if comparison in f.estimates]
        if start is not None:
            found.append((start[comparison], PSEUDO_MATCHES))
        total = sum(weight for _, weight in found)
        if total < 1.0:
            m[comparison] = list(u[comparison])
            continue
        mixed = sum((np.array(shares) * weight for shares, weight in found), np.zeros(1))
        shares = mixed / total
        if comparison in FLOORED:
            shares = np.maximum(shares, M_FLOOR)
        for level in FLOORED_LEVELS.get(comparison, ()):
            shares[level] = max(shares[level], M_FLOOR)
        m[comparison] = [float(x) for x in shares / shares.sum()]
    return m


def _fit(
    rule: str,
    subset: pl.DataFrame,
    free: list[str],
    u: Params,
    start: Params | None,
    identifiable: bool = True,
) -> Fit:
    # Sorted: the same patterns in the same order give the same floating-point sums.
    counted = subset.group_by(free).agg(pl.col("n").sum()).sort(free)
    levels = counted.select(free).to_numpy().astype(np.int64)
    counts = counted["n"].to_numpy().astype(np.float64)
    m = {c: list(start[c]) if start else initial_m(len(COMPARISONS[c])) for c in free}
    u_free = {c: u[c] for c in free}
    prior, converged, iteration = 0.5, False, 0
    for iteration in range(1, (MAX_ITERATIONS if identifiable else SHORT_RUN) + 1):  # noqa: B007
        weights = counts * posterior(levels, m, u_free, prior, free)
        new = m_step(levels, weights, free)
        prior = min(max(float(weights.sum() / counts.sum()), FLOOR), 1 - FLOOR)
        delta = max(max(abs(a - b) for a, b in zip(new[c], m[c], strict=True)) for c in free)
        m = new
        if delta < TOLERANCE:
            converged = True
            break
    mass = counts * posterior(levels, m, u_free, prior, free)
    present = {c: float(mass[levels[:, j] != MISSING].sum()) for j, c in enumerate(free)}
    estimates = {c: (m[c], present[c]) for c in free}
    return Fit(
        rule, pairs_in(subset), iteration, converged or not identifiable, estimates, identifiable
    )


def initial_m(n_levels: int) -> list[float]:
    raw = np.array([2.0**i for i in range(n_levels)])
    return [float(x) for x in raw / raw.sum()]


def _log_ratio(levels: np.ndarray, probs: Params, names: list[str]) -> np.ndarray:
    total = np.zeros(levels.shape[0])
    for j, comparison in enumerate(names):
        table = np.log(np.array(probs[comparison]))
        column = levels[:, j]
        total += np.where(column == MISSING, 0.0, table[np.clip(column, 0, None)])
    return total


def posterior(
    levels: np.ndarray, m: Params, u: Params, prior: float, names: list[str]
) -> np.ndarray:
    """P(match | levels) of each row of ``levels`` (one column per name of ``names``)."""
    log_odds = (
        math.log(prior / (1 - prior)) + _log_ratio(levels, m, names) - _log_ratio(levels, u, names)
    )
    result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -50, 50)))
    return result


def m_step(levels: np.ndarray, weights: np.ndarray, names: list[str]) -> Params:
    m: Params = {}
    for j, comparison in enumerate(names):
        n_levels = len(COMPARISONS[comparison])
        column = levels[:, j]
        present = column != MISSING
        sums = np.bincount(column[present], weights=weights[present], minlength=n_levels)
        shares = (sums + FLOOR) / (sums.sum() + FLOOR * n_levels)
        m[comparison] = [float(x) for x in shares[:n_levels]]
    return m
