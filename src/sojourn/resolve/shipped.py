"""The shipped model: where training starts.

``shipped-model.json`` is a model trained on a generated population of every source kind
(``bench/ship_model.py`` makes it again). Training on a store starts EM from its m and counts
it as a few matches (``em.PSEUDO_MATCHES``), so that a small agency file of a few dozen
records still gets weights that make sense, while a large store learns its own. Its u and
prior are never used: they describe the generated population, not the store.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from sojourn.resolve.em import Params
from sojourn.resolve.model import Model

FILE = "shipped-model.json"


@cache
def shipped_model() -> Model | None:
    """The shipped model, or None when it is absent or made for other comparison levels."""
    path = resources.files("sojourn.resolve").joinpath(FILE)
    if not path.is_file():
        return None
    try:
        return Model.from_json(path.read_text(encoding="utf-8"), FILE)
    except ValueError:
        return None


def shipped_m() -> Params | None:
    """The shipped model's m (a copy), or None."""
    model = shipped_model()
    return None if model is None else {c: list(v) for c, v in model.m.items()}
