"""piiscan.toml: what an audit scans, the retention policy, and report options.

    [scan]       paths, excludes, entities, min_score, workers, timeout, max_file_size,
                 follow_symlinks, rules (extra rules folders)
    [retention]  defaults (use rules/retention.yaml, default true), rules = [{name, match,
                 max_age, all_files, source}, ...]
    [report]     title, top_folders, max_new

Relative paths in the file are relative to the file's folder, so a cron job finds the same
files whatever its working directory. An unknown key is an error: a misspelt `max_age`
must not silently leave a retention rule out.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from piiscan.audit.retention import RetentionError, RetentionRule, rule_from_mapping

_SECTIONS = {
    "scan": {"paths", "excludes", "entities", "min_score", "workers", "timeout", "max_file_size", "follow_symlinks", "rules"},
    "retention": {"defaults", "rules"},
    "report": {"title", "top_folders", "max_new"},
}


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class ReportOptions:
    title: str = "Personal data audit"
    top_folders: int = 10
    max_new: int = 200  # new findings listed in the report (all are counted)


@dataclass(frozen=True)
class AuditConfig:
    paths: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    entities: frozenset[str] | None = None
    min_score: float | None = None
    workers: int | None = None
    timeout: float | None = None
    max_file_size: int | None = None
    follow_symlinks: bool | None = None
    extra_rules: tuple[Path, ...] = ()
    retention_defaults: bool = True
    retention: tuple[RetentionRule, ...] = ()
    report: ReportOptions = field(default_factory=ReportOptions)
    source: Path | None = None


def load_config(path: str | Path | None) -> AuditConfig:
    if path is None:
        return AuditConfig()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return parse_config(data, path)


def parse_config(data: dict, path: Path) -> AuditConfig:
    for section, value in data.items():
        if section not in _SECTIONS:
            raise ConfigError(f"{path}: unknown section [{section}] (known: {', '.join(_SECTIONS)})")
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: [{section}] must be a table")
        unknown = set(value) - _SECTIONS[section]
        if unknown:
            raise ConfigError(f"{path}: unknown key(s) in [{section}]: {', '.join(sorted(unknown))}")
    base = path.resolve().parent
    scan = data.get("scan", {})
    retention = data.get("retention", {})
    report = data.get("report", {})

    def where(key: str) -> str:
        return f"{path}: {key}"

    try:
        rules = tuple(
            rule_from_mapping(spec, f"{path}: [[retention.rules]] #{i + 1}")
            for i, spec in enumerate(_list(retention.get("rules", []), where("retention.rules"), dict))
        )
    except RetentionError as exc:
        raise ConfigError(str(exc)) from None
    names = [r.name for r in rules]
    if len(names) != len(set(names)):
        raise ConfigError(f"{path}: two retention rules have the same name")

    entities = _list(scan.get("entities", []), where("scan.entities"), str)
    return AuditConfig(
        paths=tuple(str(_relative_to(base, p)) for p in _list(scan.get("paths", []), where("scan.paths"), str)),
        excludes=tuple(_list(scan.get("excludes", []), where("scan.excludes"), str)),
        entities=frozenset(e.strip().upper() for e in entities) or None,
        min_score=_number(scan, "min_score", where, 0, 1),
        workers=_integer(scan, "workers", where, 1, 256),
        timeout=_number(scan, "timeout", where, 0, None),
        max_file_size=_size(scan.get("max_file_size"), where("scan.max_file_size")),
        follow_symlinks=_boolean(scan, "follow_symlinks", where),
        extra_rules=tuple(_relative_to(base, p) for p in _list(scan.get("rules", []), where("scan.rules"), str)),
        retention_defaults=bool(_boolean(retention, "defaults", where, True)),
        retention=rules,
        report=ReportOptions(
            title=str(report.get("title", ReportOptions.title)),
            top_folders=_integer(report, "top_folders", where, 1, 1000) or ReportOptions.top_folders,
            max_new=_integer(report, "max_new", where, 0, 100_000) if "max_new" in report else ReportOptions.max_new,
        ),
        source=path,
    )


def _relative_to(base: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def _list(value, where: str, kind: type) -> list:
    if isinstance(value, kind) and kind is str:
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, kind) for v in value):
        raise ConfigError(f"{where} must be a list of {'strings' if kind is str else 'tables'}")
    return value


def _number(section: dict, key: str, where, low: float, high: float | None) -> float | None:
    if key not in section:
        return None
    value = section[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"above {low}"
        raise ConfigError(f"{where(key)} must be a number {bounds}")
    return float(value)


def _integer(section: dict, key: str, where, low: int, high: int) -> int | None:
    if key not in section:
        return None
    value = section[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{where(key)} must be a whole number from {low} to {high}")
    return value


def _boolean(section: dict, key: str, where, default: bool | None = None) -> bool | None:
    if key not in section:
        return default
    if not isinstance(section[key], bool):
        raise ConfigError(f"{where(key)} must be true or false")
    return section[key]


def _size(value, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    import click

    from piiscan.cli import parse_size  # one size syntax for the command line and the file

    try:
        return parse_size(str(value))
    except click.BadParameter as exc:
        raise ConfigError(f"{where}: {exc.message}") from None
