"""``sojourn resolve --engine``: the choice checked before anything runs, and the Spark
engine's refusals (no records: before a JVM starts). The Spark run itself is
tests/spark/test_resolve.py's."""

from __future__ import annotations

from typer.testing import CliRunner

from sojourn.cli import app

runner = CliRunner()


def test_an_unknown_engine_or_a_link_only_run_on_spark_is_refused() -> None:
    for args in (["--engine", "hadoop"], ["--engine", "spark", "--link-only", "a", "b"]):
        result = runner.invoke(app, ["resolve", *args])
        assert result.exit_code == 2, result.output
        assert "--engine" in result.output


def test_spark_with_nothing_ingested_says_so() -> None:
    result = runner.invoke(app, ["resolve", "--engine", "spark"])
    assert result.exit_code != 0
    assert "ingest" in str(result.exception)
