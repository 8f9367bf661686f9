"""Synthetic population and source extracts with ground truth (any size, any seed).

    from sojourn.synth import generate
    result = generate(persons=20_000, seed=7, as_of=date(2025, 9, 30), out=Path("data"))

writes one extract per source kind in the exact format of its mapping
(``sojourn/records/mappings/*.yaml``), ``manifest.json`` and ``truth/`` (records, persons,
status, admissions). Parameters and their sources: ``params.yaml``; names: ``names.yaml``;
status vocabulary: ``sojourn.synth.truth``; noise tags: ``sojourn.synth.extracts.base``.
"""

from sojourn.synth.extracts.writer import ManifestFile
from sojourn.synth.generate import GenerateResult, generate

__all__ = ["GenerateResult", "ManifestFile", "generate"]
