"""The batch paths on Apache Spark (issue 19): local mode on one machine, a cluster in
production, with results identical to the single-machine paths.

This package imports the domain packages (``sojourn.resolve``, ...); they never import it.
PySpark is imported only inside its modules, never by ``import sojourn.spark``, so the command
line starts without loading it. Built so far: the session (:mod:`sojourn.spark.session`),
connected components (:mod:`sojourn.spark.components`) and batch resolution
(:mod:`sojourn.spark.resolve`, ``sojourn resolve --engine spark``: its stages in
:mod:`~sojourn.spark.io`, :mod:`~sojourn.spark.features`, :mod:`~sojourn.spark.blocking`,
:mod:`~sojourn.spark.scoring`, :mod:`~sojourn.spark.clustering`), the assessment
(:mod:`sojourn.spark.assess`, per partition in :mod:`~sojourn.spark.assess_task`) and the
overstay report (:mod:`sojourn.spark.report`, ``spark/sql/outcomes.sql``), both over the
store's Parquet snapshot (:mod:`sojourn.spark.snapshot`); see docs/scale.md.
"""
