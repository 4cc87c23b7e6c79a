"""The `piiscan scan` command: formats, masking, values on request, exit codes, options."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import stat

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.cli import main

RNG = random.Random(42)
IBAN = synth.iban(RNG, "BE", spaced=True)
NN = synth.be_national_number(RNG)
EMAIL = "sophie.peeters@example.be"


@pytest.fixture()
def share(tmp_path):
    root = tmp_path / "share"
    (root / "hr").mkdir(parents=True)
    (root / "hr" / "brief.txt").write_text(
        f"Geachte,\nMijn rijksregisternummer is {NN}.\nIBAN: {IBAN}\nMail: {EMAIL}\n", encoding="utf-8"
    )
    (root / "hr" / "kopie.txt").write_text(f"Zelfde rekening: {IBAN}\n", encoding="utf-8")
    (root / "leeg.txt").write_text("Niets persoonlijks hier, enkel de agenda van maandag.\n", encoding="utf-8")
    (root / "foto.bin").write_bytes(b"\x00\x01\x02binary")
    return root


def run(*args):
    result = CliRunner().invoke(main, ["scan", *map(str, args), "--no-progress"])
    return result


def records(result):
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_jsonl_masks_values_and_hashes_them(share):
    result = run(share, "--format", "jsonl")
    assert result.exit_code == 1
    found = [r for r in records(result) if r["record"] == "finding"]
    assert {r["entity_type"] for r in found} == {"BE_NATIONAL_NUMBER", "IBAN_CODE", "EMAIL_ADDRESS"}
    assert IBAN not in result.stdout and NN not in result.stdout and EMAIL not in result.stdout
    ibans = [r for r in found if r["entity_type"] == "IBAN_CODE"]
    assert ibans[0]["masked"] == IBAN[:4] + " **** **** " + IBAN[-4:]
    # One IBAN in two files has one keyed hash.
    assert len({r["hash"] for r in ibans}) == 1 and len(ibans) == 2
    for r in found:
        assert set(r) == {"record", "path", "entity_type", "score", "masked", "hash", "location", "start", "end", "recognizer"}
        assert r["location"]["line"] >= 1


def test_include_values_writes_raw_values(share):
    found = [r for r in records(run(share, "--format", "jsonl", "--include-values")) if r["record"] == "finding"]
    assert {r["value"] for r in found} == {IBAN, NN, EMAIL}


def test_hash_is_keyed_per_installation(share, tmp_path, monkeypatch):
    first = {r["hash"] for r in records(run(share, "--format", "jsonl")) if r["record"] == "finding"}
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "other-install"))
    second = {r["hash"] for r in records(run(share, "--format", "jsonl")) if r["record"] == "finding"}
    assert first and second and not first & second


def test_json_document_with_summary(share):
    doc = json.loads(run(share, "--format", "json").stdout)
    assert len(doc["findings"]) == 4 and doc["errors"] == []
    assert doc["summary"]["files_scanned"] == 3
    assert doc["summary"]["files_skipped"] == 1
    assert doc["summary"]["findings"] == {"BE_NATIONAL_NUMBER": 1, "EMAIL_ADDRESS": 1, "IBAN_CODE": 2}


def test_csv_has_location_columns_and_no_values_by_default(share):
    rows = list(csv.DictReader(io.StringIO(run(share, "--format", "csv").stdout)))
    assert len(rows) == 4 and "value" not in rows[0]
    assert {row["line"] for row in rows if row["entity_type"] == "IBAN_CODE"} == {"1", "3"}


def test_table_is_readable_and_masked(share):
    out = run(share, "--format", "table").stdout
    assert "IBAN_CODE" in out and IBAN[:4] + " ****" in out and IBAN not in out


def test_output_file_is_private(share, tmp_path):
    out = tmp_path / "inventory.jsonl"
    out.write_text("old")
    os.chmod(out, 0o644)
    result = run(share, "-o", out)
    assert result.exit_code == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert len(out.read_text().splitlines()) == 4 and result.stdout == ""


def test_format_follows_output_suffix(share, tmp_path):
    out = tmp_path / "inventory.csv"
    run(share, "-o", out)
    assert out.read_text().startswith("record,path,entity_type")


def test_exit_code_zero_when_nothing_found(share):
    result = run(share / "leeg.txt")
    assert result.exit_code == 0
    assert "0 findings" not in result.stderr and "1 files scanned" in result.stderr


def test_exit_code_two_when_nothing_could_be_scanned(tmp_path):
    assert run(tmp_path / "does-not-exist").exit_code == 2
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    result = run(tmp_path / "broken.pdf", "--format", "jsonl")
    assert result.exit_code == 2
    assert records(result) == [
        {"record": "error", "path": str(tmp_path / "broken.pdf"), "error": "corrupt", "message": records(result)[0]["message"]}
    ]


def test_usage_errors_exit_two(share):
    assert run(share, "--entities", "NOT_A_TYPE").exit_code == 2
    assert run(share, "--min-score", "7").exit_code == 2
    assert run(share, "--max-file-size", "lots").exit_code == 2


def test_entities_filter(share):
    found = [r for r in records(run(share, "--format", "jsonl", "--entities", "iban_code,EMAIL_ADDRESS")) if r["record"] == "finding"]
    assert {r["entity_type"] for r in found} == {"IBAN_CODE", "EMAIL_ADDRESS"}


def test_min_score_drops_weaker_findings(share):
    all_found = [r for r in records(run(share, "--format", "jsonl")) if r["record"] == "finding"]
    strong = [r for r in records(run(share, "--format", "jsonl", "--min-score", "0.99")) if r["record"] == "finding"]
    assert 0 < len(strong) < len(all_found)
    assert all(r["score"] >= 0.99 for r in strong)


def test_exclude_and_piiscanignore(share):
    found = [r for r in records(run(share, "--format", "jsonl", "--exclude", "kopie.txt")) if r["record"] == "finding"]
    assert not any(r["path"].endswith("kopie.txt") for r in found)
    (share / ".piiscanignore").write_text("hr/\n")
    result = run(share, "--format", "jsonl")
    assert result.exit_code == 0 and "excluded" in result.stderr


def test_too_large_file_is_an_error_record(share):
    result = run(share, "--format", "jsonl", "--max-file-size", "100B")
    errors = [r for r in records(result) if r["record"] == "error"]
    assert {os.path.basename(e["path"]) for e in errors} == {"brief.txt"}
    assert errors[0]["error"] == "too_large"


def test_source_files_are_not_modified(share):
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in share.rglob("*") if p.is_file()}
    run(share, "--format", "jsonl")
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in share.rglob("*") if p.is_file()}
    assert before == after


def test_entities_command_lists_types():
    out = CliRunner().invoke(main, ["entities"]).stdout
    for entity in ["IBAN_CODE", "BE_NATIONAL_NUMBER", "NL_BSN", "MRZ", "PERSON", "POSTAL_ADDRESS"]:
        assert entity in out


def test_output_to_a_device_leaves_its_mode_alone(share):
    before = stat.S_IMODE(os.stat("/dev/null").st_mode)
    assert run(share, "-o", "/dev/null").exit_code == 1
    assert stat.S_IMODE(os.stat("/dev/null").st_mode) == before


def test_workers_return_records_without_raw_values(share):
    from piiscan.config import Settings
    from piiscan.run.runner import files, run as run_files

    settings = Settings(workers=2, timeout=30)
    blobs = files([str(share)], settings, report=lambda item: None)
    results = list(run_files(blobs, settings, key=b"k" * 32))
    assert sum(len(r.records) for r in results) == 4
    assert all(r.findings == [] for r in results)
    assert not any("value" in record for r in results for record in r.records)


def test_progress_bar_can_be_forced_and_keeps_stdout_clean(share):
    result = CliRunner().invoke(main, ["scan", str(share), "--format", "jsonl", "--progress"])
    assert result.exit_code == 1
    assert all(line.startswith("{") for line in result.stdout.splitlines())
    assert "files scanned" in result.stderr
