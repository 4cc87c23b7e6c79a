"""ReportData from the state: the run and its history, types, top folders, what is new
(masked, with a readable location), breaches and errors."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing

from piiscan.audit.config import ReportOptions
from piiscan.audit.queries import describe_location
from piiscan.audit.report_build import build_report_data
from piiscan.audit.retention import rule_from_mapping
from tests.audit.audit_helpers import EMAIL_C, audit, make_share


def _data(db, run_id, **options):
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        return build_report_data(conn, run_id, ReportOptions(**options))


def test_report_data_after_two_runs(tmp_path, detector):
    share = make_share(tmp_path / "share")
    db = tmp_path / "audit.db"
    rules = [rule_from_mapping({"name": "Finance", "match": ["finance/**"], "max_age": "1d"}, "test")]
    old = time.time() - 3 * 86_400
    os.utime(share / "finance" / "betaling.txt", (old, old))
    audit(share, db, detector, rules=rules)
    notes = share / "hr" / "notities.txt"
    notes.write_text(notes.read_text() + f"Ook: {EMAIL_C}\n")
    (share / "hr" / "kapot.docx").write_bytes(b"not a zip")
    second = audit(share, db, detector, rules=rules)

    data = _data(db, second.run_id, title="Audit Voorbeeld BV", top_folders=1)
    assert data.title == "Audit Voorbeeld BV" and data.paths == [str(share)]
    assert [h.run_id for h in data.history] == [1, 2]
    assert (data.current.files_scanned, data.current.new_findings, data.current.errors) == (2, 1, 1)
    assert data.by_type == {"EMAIL_ADDRESS": 4, "IBAN_CODE": 3, "BE_NATIONAL_NUMBER": 1, "PERSON": 1}
    [top] = data.top_folders  # limited to one: the folder with most findings
    assert (top.folder, top.findings, top.files) == (str(share / "hr"), 5, 2)
    assert top.types == {"EMAIL_ADDRESS": 3, "BE_NATIONAL_NUMBER": 1, "IBAN_CODE": 1}
    [new] = data.new_findings
    assert (new.path, new.entity_type, new.masked, new.location) == (str(notes), "EMAIL_ADDRESS", "l***@v***.be", "line 2")
    # export.zip in the same folder is younger than a day: not a breach.
    assert [(b.path, b.rule, b.age_days, b.types, b.new) for b in data.breaches] == [
        (str(share / "finance" / "betaling.txt"), "Finance", 3, ["IBAN_CODE"], False),
    ]
    assert data.errors == [(str(share / "hr" / "kapot.docx"), "corrupt")]
    assert _data(db, second.run_id, max_new=0).new_findings == []


def test_locations_read_as_people_write_them():
    assert describe_location({"sheet": "Klanten", "cell": "B7"}) == "sheet Klanten, B7"
    assert describe_location({"page": 2, "line": 14}) == "page 2, line 14"
    assert describe_location('{"line": 3, "part": "header"}') == "line 3, header"
    assert describe_location({"line": 2, "cell": "C2"}) == "cell C2"  # a CSV row
    assert describe_location({"part": "body"}) == "-"
