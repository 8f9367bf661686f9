"""Person-level lifecycle facts (planned, before censoring at the as-of date)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sojourn.synth.common import NEVER, IntArr

FORMS = ("I-129", "I-539", "I-485", "I-765", "I-589")
I129, I539, I485, I765, I589 = range(5)
APPROVED, DENIED, WITHDRAWN = 0, 1, 2
DECISIONS = ("RM", "VD", "RL", "TR", "DS")
RM, VD, RL, TR, DS = range(5)
CSI = ("A", "B", "C", "D", "U")
CSI_A, CSI_B, CSI_C = 0, 1, 2
REASONS = ("failure_to_enroll", "unauthorized_employment", "unauthorized_withdrawal",
           "failure_to_maintain", "other")  # fmt: skip
# exit kinds
STAYING, TRAVEL, REMOVED, SELF_GEO, SELF_EXIT = range(5)


@dataclass
class Life:
    """One value per person; NEVER = no such event, -1 = no such code."""

    last: IntArr
    auth0: IntArr
    unlawful: IntArr
    exit: IntArr
    exit_kind: IntArr
    entry: IntArr
    terminated: IntArr
    app_form: IntArr
    app_filed: IntArr
    app_decided: IntArr
    app_outcome: IntArr
    app_end: IntArr
    app_class: IntArr
    lpr: IntArr
    natz: IntArr
    nta_served: IntArr
    nta_filed: IntArr
    hearing: IntArr
    decision: IntArr
    decided: IntArr
    absentia: IntArr
    appeal: IntArr
    vd_until: IntArr
    final_on: IntArr
    book_in: IntArr
    release: IntArr
    removal: IntArr
    intent: IntArr
    verified: IntArr
    # The sources the law turns on (sources.py): U.S. passport issued, SSA indicator recorded
    # (and its code: CSI index, A = 0), employment ended (notice code), deferred action
    # (granted, last valid day, termination effective), parole termination (effective,
    # notice), SEVIS authorized withdrawal and termination reason.
    passport: IntArr
    numident: IntArr
    csi: IntArr
    job_end: IntArr
    job_notice: IntArr
    da_granted: IntArr
    da_until: IntArr
    da_end: IntArr
    da_program: IntArr
    parole_end: IntArr
    parole_notice: IntArr
    withdrawn: IntArr
    term_reason: IntArr

    @staticmethod
    def empty(n: int) -> Life:
        codes = {"last", "app_form", "app_outcome", "app_class", "decision", "csi", "job_notice"}
        codes |= {"da_program", "term_reason"}
        values = {}
        for f in fields(Life):
            fill = -1 if f.name in codes else NEVER
            values[f.name] = np.full(n, fill, dtype=np.int64)
        values["exit_kind"] = np.zeros(n, dtype=np.int64)
        values["absentia"] = np.zeros(n, dtype=np.int64)
        return Life(**values)

    def set_exit(self, idx: IntArr, when: IntArr, kind: int) -> None:
        self.exit[idx] = when
        self.exit_kind[idx] = kind
