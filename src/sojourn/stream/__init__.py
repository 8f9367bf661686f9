"""The real-time pipeline above the domain: records arriving as events (``sojourn.in.*``) are
stored, matched, assessed and their cases synced (``pipeline``, one at a time; ``batch``, a
fetch at once) and source extracts replayed as a stream (``replay``). The bus it consumes from
and publishes to is ``sojourn.events``."""
