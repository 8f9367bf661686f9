"""One partitioned consumer in its own process (``url schema stream subject i/n``): the real
pipeline on its partition of the events, in batches, until the stream is idle; prints what it
applied as JSON."""

from __future__ import annotations

import datetime as dt
import json
import sys

from sojourn.events.jetstream import JetStreamBus
from sojourn.store import make_engine
from sojourn.stream.batch import handle_batch
from sojourn.stream.partition import Partition
from sojourn.stream.pipeline import Pipeline


def main() -> None:
    url, schema, stream, subject, spec = sys.argv[1:6]
    part = Partition.parse(spec)
    bus = JetStreamBus(stream=stream, subjects=[f"{subject.split('.')[0]}.>"])
    engine = make_engine(url, schema or None)
    pipeline = Pipeline(engine, None, as_of=dt.date(2025, 9, 30), partition=part)
    bus.handle_batch = lambda events: handle_batch(pipeline, events)
    done = bus.consume(subject, f"part-{part.durable}", pipeline.handle, idle=5.0, batch=10)
    print(json.dumps({"applied": done.applied, "counts": pipeline.counts}))
    bus.close()


if __name__ == "__main__":
    main()
