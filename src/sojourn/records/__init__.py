"""Source records: the canonical Record, source kinds and mappings, validation, idempotent
ingest and quarantine."""

from sojourn.records.ingest import BatchResult, ingest_file
from sojourn.records.kinds import EVENT_FIELDS, IDENTITY_FIELDS, KINDS
from sojourn.records.manifest import ManifestError, Planned, plan, resolve_mapping
from sojourn.records.mapping import Mapping, MappingError, builtin_mapping, load_mapping
from sojourn.records.model import Identity, Provenance, Record, get_record, versions
from sojourn.records.queries import (
    NotedValue,
    QuarantinedRow,
    noted_values,
    quarantined,
    record_count,
    source_counts,
)
from sojourn.records.rows import SourceFileError

__all__ = [
    "EVENT_FIELDS",
    "IDENTITY_FIELDS",
    "KINDS",
    "BatchResult",
    "Identity",
    "ManifestError",
    "Mapping",
    "MappingError",
    "NotedValue",
    "Planned",
    "Provenance",
    "QuarantinedRow",
    "Record",
    "SourceFileError",
    "builtin_mapping",
    "get_record",
    "ingest_file",
    "load_mapping",
    "noted_values",
    "plan",
    "quarantined",
    "record_count",
    "resolve_mapping",
    "source_counts",
    "versions",
]
