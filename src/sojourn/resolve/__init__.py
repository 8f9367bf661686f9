"""Entity resolution: one person per human being, in batch and in real time, with evidence.

``run.resolve_all`` links every stored record (features → blocking → comparison → a
Fellegi–Sunter model → clustering under judgements → stable person ids → append-only links);
``realtime.Index.match`` serves the same weights for one record at a time;
``judgements`` records human decisions that override the model; ``queries.explain_record``
says why a record is where it is; ``evaluation.evaluate_links`` measures it all against
ground truth. See docs/resolve.md.
"""
