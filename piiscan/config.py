"""Settings: the CLI options and (later) piiscan.toml, as one frozen object passed down."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_FILE_SIZE = 200 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    entities: frozenset[str] | None = None  # None: every entity type the rules define
    min_score: float = 0.5
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    include_values: bool = False
    excludes: tuple[str, ...] = ()
    extra_rules: tuple[Path, ...] = field(default_factory=tuple)
    follow_symlinks: bool = False
    workers: int = 1  # scanning processes; the CLI defaults to one per CPU core
    timeout: float | None = None  # seconds one file may take before it becomes an error record
    dask: str | None = None  # a Dask scheduler address, or "local" for a LocalCluster
