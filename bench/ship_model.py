"""Make the shipped model (``src/sojourn/resolve/shipped-model.json``): where training on
any store starts (``sojourn.resolve.shipped``).

Generates a population of every source kind, ingests it into a temporary SQLite store,
computes features, blocks and comparison vectors as ``sojourn resolve`` does, and trains
from no starting model. Only its m values are used by training elsewhere.

    .venv/bin/python bench/ship_model.py [--persons N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path

from sojourn.records import ingest_file, plan
from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.compare import compare_pairs
from sojourn.resolve.features import features, load_records
from sojourn.resolve.generic import find, neutralise
from sojourn.resolve.shipped import FILE
from sojourn.resolve.training import train_on
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate

TARGET = Path(__file__).resolve().parent.parent / "src" / "sojourn" / "resolve" / FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        generate(args.persons, 11, dt.date(2025, 9, 30), out)
        engine = make_engine(f"sqlite:///{out / 'db.sqlite'}")
        upgrade(engine)
        for item in plan([out], None):
            ingest_file(engine, item.path, item.mapping)
        feats = features(load_records(engine))
        generic = find(feats)
        feats = neutralise(feats, generic)
        vectors = compare_pairs(candidate_pairs(feats).pairs, feats)
        model = train_on(vectors, feats, generic, from_shipped=False)
        engine.dispose()
    # Only m is used elsewhere: the generated population's name frequencies stay out.
    model = replace(model, name_tf={})
    model.save(TARGET)
    print(f"wrote {TARGET} (version {model.version}, {feats.height:,} records)")


if __name__ == "__main__":
    main()
