"""`piiscan audit` as cron runs it: exit codes, config, exports, the report, privacy of what
it writes."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import time

import pytest
from click.testing import CliRunner

from piiscan.cli import main
from tests.audit.audit_helpers import EMAIL_A, EMAIL_B, EMAIL_C, IBAN_A, IBAN_B, NN, make_share


def audit(*args):
    return CliRunner().invoke(main, ["audit", *map(str, args), "--workers", "1", "--no-progress"])


@pytest.fixture()
def share(tmp_path):
    return make_share(tmp_path / "share")


def _age(path, days):
    t = time.time() - days * 86_400
    os.utime(path, (t, t))


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_exit_codes_new_then_nothing_new_then_new_again(share, tmp_path):
    db = tmp_path / "audit.db"
    first = audit(share, "--db", db)
    assert first.exit_code == 1, first.output
    assert "run 1, 5 files (5 read" in first.output and "new (first audit): 8 findings" in first.output
    second = audit(share, "--db", db)
    assert second.exit_code == 0, second.output
    assert "0 read, 5 unchanged" in second.output
    notes = share / "hr" / "notities.txt"
    notes.write_text(notes.read_text() + f"Tweede adres: {EMAIL_C}\n")
    third = audit(share, "--db", db)
    assert third.exit_code == 1 and "new (since run 2): 1 findings (EMAIL_ADDRESS 1)" in third.output


def test_a_new_retention_breach_alone_exits_1(share, tmp_path):
    db, config = tmp_path / "audit.db", tmp_path / "piiscan.toml"
    config.write_text('[retention]\ndefaults = false\n[[retention.rules]]\nname = "HR"\nmatch = ["hr/**"]\nmax_age = "1y"\n')
    assert audit(share, "--db", db, "--config", config).exit_code == 1
    assert audit(share, "--db", db, "--config", config).exit_code == 0
    _age(share / "hr" / "notities.txt", 400)
    aged = audit(share, "--db", db, "--config", config)
    assert aged.exit_code == 1 and "retention: 1 breaches (1 new)" in aged.output
    assert audit(share, "--db", db, "--config", config).exit_code == 0  # listed, no longer new


def test_paths_can_come_from_the_config(share, tmp_path):
    config = tmp_path / "piiscan.toml"
    config.write_text(f'[scan]\npaths = ["{share.name}/hr"]\nexcludes = ["notities.txt"]\n')
    result = audit("--db", tmp_path / "audit.db", "--config", config, "--format", "jsonl")
    assert result.exit_code == 1
    files = [json.loads(l)["path"] for l in result.stdout.splitlines() if json.loads(l)["record"] == "file"]
    assert files == [str(share / "hr" / "brief.txt")]


@pytest.mark.parametrize("make_args, message", [
    (lambda tmp: ["--db", tmp / "a.db"], "nothing to audit"),
    (lambda tmp: [tmp / "missing", "--db", tmp / "a.db"], "0 files"),
    (lambda tmp: [tmp / "empty", "--db", tmp / "a.db"], "0 files"),
    (lambda tmp: [tmp / "data", "--db", tmp / "a.db", "-o", tmp / "out.txt"], "-o needs --format"),
])
def test_errors_exit_2(tmp_path, make_args, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.txt").write_text(f"Mail: {EMAIL_A}\n")
    result = audit(*make_args(tmp_path))
    assert result.exit_code == 2 and message in result.output, result.output


def test_a_bad_config_or_retention_rule_exits_2(share, tmp_path):
    config = tmp_path / "piiscan.toml"
    config.write_text('[[retention.rules]]\nname = "x"\nmatch = ["IBAN"]\nmax_age = "1y"\n')
    result = audit(share, "--db", tmp_path / "a.db", "--config", config)
    assert result.exit_code == 2 and "unknown entity type(s) IBAN" in result.output


def test_another_hash_key_exits_2(share, tmp_path, monkeypatch):
    db = tmp_path / "audit.db"
    assert audit(share, "--db", db).exit_code == 1
    monkeypatch.setenv("PIISCAN_KEY_FILE", str(tmp_path / "other.key"))
    result = audit(share, "--db", db)
    assert result.exit_code == 2 and "another hash key" in result.output


def test_every_file_failing_exits_2(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "kapot.docx").write_bytes(b"this is not a zip archive at all")
    assert audit(broken, "--db", tmp_path / "a.db").exit_code == 2


def test_the_database_and_exports_inside_the_share_are_not_audited(share, tmp_path):
    db, out = share / ".piiscan" / "audit.db", share / "export.jsonl"
    assert audit(share, "--db", db, "--format", "jsonl", "-o", out).exit_code == 1
    second = audit(share, "--db", db, "--format", "jsonl", "-o", out)
    assert second.exit_code == 0 and "0 read, 5 unchanged" in second.output


def test_no_raw_value_is_stored_or_exported(share, tmp_path):
    db, out = tmp_path / "audit.db", tmp_path / "out.jsonl"
    assert audit(share, "--db", db, "--format", "jsonl", "-o", out).exit_code == 1
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("audit.db*"))
    exported = out.read_bytes()
    for raw in (IBAN_A, IBAN_A.replace(" ", ""), IBAN_B, IBAN_B.replace(" ", ""), EMAIL_A, EMAIL_B, NN, "Jan de Vries"):
        assert raw.encode() not in stored, raw
        assert raw.encode() not in exported, raw
    assert _mode(out) == 0o600 and _mode(db) == 0o600


def test_jsonl_export_says_which_files_this_run_read(share, tmp_path):
    db = tmp_path / "audit.db"
    audit(share, "--db", db)
    (share / "hr" / "notities.txt").write_text(f"Contact: {EMAIL_B}\nNieuw: {EMAIL_C}\n")
    result = audit(share, "--db", db, "--format", "jsonl")
    records = [json.loads(l) for l in result.stdout.splitlines()]
    [run] = [r for r in records if r["record"] == "run"]
    assert (run["id"], run["files_read"], run["new_findings"], run["since_run"]) == (2, 1, 1, 1)
    read = {r["path"] for r in records if r["record"] == "file" and r["read"]}
    assert read == {str(share / "hr" / "notities.txt")}
    new = [r for r in records if r["record"] == "finding" and r["new"]]
    assert [(r["entity_type"], r["masked"]) for r in new] == [("EMAIL_ADDRESS", "l***@v***.be")]
    findings = [r for r in records if r["record"] == "finding"]
    assert len(findings) == 9 and all("value" not in r for r in findings)


def test_csv_export_has_one_row_per_present_finding(share, tmp_path):
    result = audit(share, "--db", tmp_path / "a.db", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 8
    brief = [r for r in rows if r["path"].endswith("brief.txt")]
    assert {(r["entity_type"], r["line"]) for r in brief} == {("BE_NATIONAL_NUMBER", "2"), ("IBAN_CODE", "3"), ("EMAIL_ADDRESS", "4")}


def test_art30_export_summarises_per_folder(share, tmp_path):
    _age(share / "hr" / "brief.txt", 800)
    result = audit(share, "--db", tmp_path / "a.db", "--format", "art30")
    rows = {r["folder"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert set(rows) == {str(share / "hr"), str(share / "finance")}
    hr = rows[str(share / "hr")]
    assert hr["categories"] == "E-mail address; Belgian national number; IBAN"
    assert hr["counts"] == "E-mail address: 2; Belgian national number: 1; IBAN: 1"
    assert (hr["findings"], hr["files_with_personal_data"]) == ("4", "2")
    assert hr["oldest_file"] < hr["newest_file"]
    finance = rows[str(share / "finance")]
    assert finance["files_with_personal_data"] == "2"  # the agenda holds nothing


def test_html_report_is_written_privately_with_masked_values_only(share, tmp_path):
    report = tmp_path / "report.html"
    result = audit(share, "--db", tmp_path / "a.db", "--report", report)
    assert result.exit_code == 1, result.output
    html = report.read_text(encoding="utf-8")
    assert _mode(report) == 0o600
    assert "<svg" in html and "s***@v***.be" in html
    for raw in (IBAN_A, EMAIL_A, EMAIL_B, NN):
        assert raw not in html
