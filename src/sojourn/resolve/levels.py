"""The comparison levels: each comparison's named levels (weakest first), the integer for a
value missing on either side, and the constants both comparison paths share."""

from __future__ import annotations

import numpy as np

from sojourn.resolve.dates import DateLevel
from sojourn.resolve.nearids import GENERIC_IDS, OTHER_IDS

MISSING = -1
#: The United States' country code (a U.S. nationality is no evidence against another).
US = "USA"
JW_HIGH, JW_LOW = np.float32(0.95), np.float32(0.88)
#: Date levels as integers (strongest highest); MISSING for a missing date.
DATE_LEVELS: dict[DateLevel, int] = {
    DateLevel.EXACT: 5,
    DateLevel.SWAPPED_DAY_MONTH: 4,
    DateLevel.PARTIAL: 3,
    DateLevel.ONE_DIGIT: 2,
    DateLevel.SAME_YEAR: 1,
    DateLevel.DIFFERENT: 0,
    DateLevel.MISSING: MISSING,
}
#: Comparison name → the name of each level; a level's value is its index (weakest first).
COMPARISONS: dict[str, tuple[str, ...]] = {
    "name": (
        "different", "shared variant", "jw>=0.88", "same skeleton and shape", "jw>=0.95",
        "one name's tokens within the other's", "exact",
    ),
    "middle_initial": ("different", "on one side only", "same"),
    "birth_date": (
        "different", "same year", "one digit or one day", "partial", "day/month swapped", "exact",
    ),
    "sex": ("different", "same"),
    "nationality": ("different", "same"),
    "a_number": ("different", "same"),
    "passport": ("different", "same"),
    "other_id": ("different", "one character off", "same"),
    "address": ("different", "jw>=0.88", "exact"),
    "postcode": ("different", "one character off", "same"),
    "birth_place": ("different", "same"),
}  # fmt: skip
#: The feature columns ``compare_one`` reads.
COMPARED = (
    "name_sorted", "name_skeleton", "name_shape", "name_variants", "middle_initial",
    "birth_date", "sex",
    "nationality", "a_number", "passport", *OTHER_IDS, GENERIC_IDS, "address", "postcode",
    "birth_place",
)  # fmt: skip
EXACT_NAME = 6
