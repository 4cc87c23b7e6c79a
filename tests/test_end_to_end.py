"""`piiscan scan sample_data/` reports exactly the expected findings, none of the traps, and
one error record per broken file — through the real command, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def key_env(tmp_path_factory):
    # One hash key for every run in this module, so their inventories can be compared.
    return {**os.environ, "PIISCAN_KEY_FILE": str(tmp_path_factory.mktemp("key") / "hash.key")}


@pytest.fixture(scope="module")
def scan(key_env):
    result = subprocess.run(
        [sys.executable, "-m", "piiscan", "scan", str(SAMPLE), "--format", "jsonl", "--include-values", "--workers", "1", "--no-progress"],
        capture_output=True,
        text=True,
        timeout=300,
        env=key_env,
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return result, records


def _relative(path: str) -> str:
    return Path(path).relative_to(SAMPLE).as_posix()


def test_exit_code_says_personal_data_was_found(scan):
    result, _ = scan
    assert result.returncode == 1, result.stderr


def test_every_expected_finding_and_nothing_else(scan):
    _, records = scan
    got = Counter((_relative(r["path"]), r["entity_type"], r["value"]) for r in records if r["record"] == "finding")
    expected = Counter((e["path"], e["entity_type"], e["value"]) for e in _jsonl(SAMPLE / "expected_findings.jsonl"))
    assert sum(expected.values()) > 400
    missing, extra = expected - got, got - expected
    assert not missing, f"missed: {sorted(missing)[:20]}"
    assert not extra, f"unexpected: {sorted(extra)[:20]}"


def test_no_trap_is_reported(scan):
    _, records = scan
    traps = _jsonl(SAMPLE / "traps.jsonl")
    assert len(traps) >= 30
    by_file: dict[str, list[str]] = {}
    for r in records:
        if r["record"] == "finding":
            by_file.setdefault(_relative(r["path"]), []).append(r["value"])
    for trap in traps:
        for value in by_file.get(trap["path"], []):
            assert trap["value"] not in value and value not in trap["value"], (trap, value)


def test_broken_files_are_error_records_and_the_scan_goes_on(scan):
    result, records = scan
    errors = {(_relative(r["path"]), r["error"]) for r in records if r["record"] == "error"}
    expected = {(e["path"], e["kind"]) for e in _jsonl(SAMPLE / "expected_errors.jsonl")}
    assert errors == expected
    assert f"{len(expected)} failed" in result.stderr


def test_summary_on_stderr_counts_files_and_types(scan):
    result, records = scan
    findings = sum(1 for r in records if r["record"] == "finding")
    assert f"{findings} findings" in result.stderr
    assert "skipped" in result.stderr


def test_parallel_workers_give_the_same_inventory(scan, key_env):
    _, one_process = scan
    result = subprocess.run(
        [sys.executable, "-m", "piiscan", "scan", str(SAMPLE), "--format", "jsonl", "--workers", "2", "--no-progress"],
        capture_output=True,
        text=True,
        timeout=300,
        env=key_env,
    )
    two = [json.loads(line) for line in result.stdout.splitlines()]

    def key(r):
        return (r["path"], r.get("entity_type", ""), r.get("start", 0), r.get("hash", ""), r.get("error", ""))

    assert result.returncode == 1
    assert sorted(map(key, two)) == sorted(map(key, one_process))


def test_dask_local_cluster_gives_the_same_inventory(scan, key_env):
    _, one_process = scan
    result = subprocess.run(
        [sys.executable, "-m", "piiscan", "scan", str(SAMPLE), "--format", "jsonl", "--include-values", "--dask", "local", "--workers", "2", "--no-progress"],
        capture_output=True,
        text=True,
        timeout=300,
        env=key_env,
    )
    on_dask = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1, result.stderr[-2000:]
    assert sorted(map(json.dumps, on_dask)) == sorted(map(json.dumps, one_process))
