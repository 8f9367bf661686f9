"""Resolving what to ingest: a directory written by ``sojourn generate`` (recognised by its
``manifest.json``) or single files with a mapping."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sojourn.records.ingest import file_checksum
from sojourn.records.mapping import Mapping, MappingError, builtin_mapping, load_mapping

MANIFEST = "manifest.json"


class ManifestError(ValueError):
    """A manifest is missing, unreadable or does not match the files beside it."""


@dataclass(frozen=True)
class Planned:
    """One file to ingest, with the mapping to read it and the rows its manifest promises."""

    path: Path
    mapping: Mapping
    rows: int | None = None


def resolve_mapping(spec: str) -> Mapping:
    """A mapping from a file path (``my.yaml``) or a built-in name (``cbp-i94``)."""
    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise MappingError(f"{path}: mapping file not found")
        return load_mapping(path)
    return builtin_mapping(spec)


def plan(paths: list[Path], mapping: str | None) -> list[Planned]:
    """The files to ingest, in order, each with its mapping."""
    planned: list[Planned] = []
    for path in paths:
        if path.is_dir():
            planned.extend(_from_manifest(path))
        elif path.is_file():
            if mapping is None:
                raise MappingError(f"{path}: a single file needs --mapping (a YAML file or name)")
            planned.append(Planned(path, resolve_mapping(mapping)))
        else:
            raise ManifestError(f"{path}: no such file or directory")
    return planned


def _from_manifest(directory: Path) -> list[Planned]:
    manifest = directory / MANIFEST
    if not manifest.exists():
        raise ManifestError(
            f"{directory}: no {MANIFEST} here; ingest files one by one with --mapping"
        )
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        entries = data["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ManifestError(f"{manifest}: not a valid manifest ({exc})") from exc
    try:
        return [_entry(directory, manifest, entry) for entry in entries]
    except (KeyError, TypeError) as exc:
        raise ManifestError(f"{manifest}: an entry lacks {exc} (needs path and mapping)") from exc


def _entry(directory: Path, manifest: Path, entry: dict[str, object]) -> Planned:
    path = directory / str(entry["path"])
    if not path.is_file():
        raise ManifestError(f"{manifest}: lists {entry['path']} but the file is missing")
    expected = entry.get("sha256")
    if expected and file_checksum(path)[0] != expected:
        raise ManifestError(
            f"{path}: checksum differs from {MANIFEST}; the file was changed or truncated"
        )
    rows = entry.get("rows")
    count = int(str(rows)) if rows is not None else None
    return Planned(path, builtin_mapping(str(entry["mapping"])), count)
