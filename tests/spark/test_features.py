"""Features in Spark (``spark.features``): generic values read as missing as on one machine."""

from __future__ import annotations

import polars as pl
from pyspark.sql import SparkSession

from sojourn.resolve.generic import neutralise
from sojourn.spark.features import neutralise as spark_neutralise


def test_a_generic_birth_date_takes_its_date_keys_with_it(spark: SparkSession) -> None:
    feats = pl.DataFrame(
        {
            "id": ["a", "b", "c"],
            "birth_date": ["1900-01-01", "1984-03-07", None],
            "birth_parts": [["1900-01-", "1900--01"], ["1984-03-", "1984--07", "1984~03~07"], None],
        }
    )
    generic = {"birth_date": ["1900-01-01"]}
    got = spark_neutralise(spark.createDataFrame(feats.to_arrow()), generic).orderBy("id")
    expected = neutralise(feats, generic)
    assert expected["birth_parts"].to_list() == [None, ["1984-03-", "1984--07", "1984~03~07"], None]
    assert pl.from_arrow(got.toArrow()).to_dicts() == expected.to_dicts()
