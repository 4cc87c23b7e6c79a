"""Incremental audits: unchanged files are not read, touched ones not rescanned, changed ones
rescanned with their findings diffed, deleted files retire their findings, moved files keep them."""

from __future__ import annotations

import os
import zipfile
from dataclasses import replace

import pytest

from tests.audit.audit_helpers import (
    EMAIL_A, EMAIL_B, EMAIL_C, SETTINGS, audit, make_share, present, query,
)


@pytest.fixture()
def share(tmp_path):
    return make_share(tmp_path / "share")


@pytest.fixture()
def db(tmp_path):
    return tmp_path / "state" / "audit.db"


def _all_files(root):
    return sorted(str(p) for p in root.rglob("*") if p.is_file())


def test_first_audit_reads_everything_and_everything_is_new(share, db, detector):
    outcome = audit(share, db, detector)
    assert sorted(outcome.files_read) == _all_files(share)
    assert outcome.last_complete == 0
    assert outcome.new_by_type == {"IBAN_CODE": 3, "EMAIL_ADDRESS": 3, "BE_NATIONAL_NUMBER": 1, "PERSON": 1}
    assert outcome.findings_total == outcome.new_findings == 8
    assert outcome.files_with_findings == 4 and outcome.files_total == 5


def test_second_audit_of_an_unchanged_share_reads_nothing(share, db, detector):
    first = audit(share, db, detector)
    second = audit(share, db, detector)
    assert second.files_read == []
    assert second.files_unchanged == 5
    assert second.new_findings == 0 and second.resolved_findings == 0
    assert second.findings_total == first.findings_total
    assert second.last_complete == first.run_id


def test_touched_file_with_the_same_content_is_not_rescanned(share, db, detector):
    audit(share, db, detector)
    brief = share / "hr" / "brief.txt"
    st = brief.stat()
    os.utime(brief, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    before = present(db)
    second = audit(share, db, detector)
    assert second.files_read == [] and second.files_touched == 1
    assert present(db) == before
    # The new stat is remembered: the next run finds the file plainly unchanged.
    [(mtime,)] = query(db, "SELECT mtime_ns FROM files WHERE path = ?", str(brief))
    assert mtime == st.st_mtime_ns + 5_000_000_000
    third = audit(share, db, detector)
    assert third.files_touched == 0 and third.files_unchanged == 5


def test_modified_file_is_rescanned_and_only_the_difference_is_new(share, db, detector):
    audit(share, db, detector)
    brief = share / "hr" / "brief.txt"
    brief.write_text(brief.read_text(encoding="utf-8").replace(EMAIL_A, EMAIL_C), encoding="utf-8")
    second = audit(share, db, detector)
    assert second.files_read == [str(brief)]
    assert second.new_by_type == {"EMAIL_ADDRESS": 1}
    assert second.resolved_findings == 1
    # The IBAN on the unchanged line is the same finding, first seen in run 1.
    rows = query(db, "SELECT entity_type, first_run, resolved_run FROM finding_view WHERE file = ? ORDER BY id", str(brief))
    assert ("IBAN_CODE", 1, None) in rows
    assert ("EMAIL_ADDRESS", 1, second.run_id) in rows  # the old address, resolved
    assert ("EMAIL_ADDRESS", second.run_id, None) in rows  # the new one


def test_a_value_that_only_moved_is_the_same_finding(share, db, detector):
    audit(share, db, detector)
    brief = share / "hr" / "brief.txt"
    brief.write_text("Betreft: uw dossier\n\n" + brief.read_text(encoding="utf-8"), encoding="utf-8")
    second = audit(share, db, detector)
    assert second.files_read == [str(brief)]
    assert second.new_findings == 0 and second.resolved_findings == 0
    rows = query(db, "SELECT entity_type, first_run, location FROM finding_view WHERE file = ? AND resolved_run IS NULL", str(brief))
    assert sorted(rows) == [("BE_NATIONAL_NUMBER", 1, '{"line":4}'), ("EMAIL_ADDRESS", 1, '{"line":6}'), ("IBAN_CODE", 1, '{"line":5}')]


def test_deleted_file_retires_its_findings(share, db, detector):
    audit(share, db, detector)
    (share / "hr" / "brief.txt").unlink()
    second = audit(share, db, detector)
    assert second.files_deleted == 1 and second.files_read == []
    assert second.resolved_findings == 3 and second.findings_total == 5
    assert query(db, "SELECT status FROM files WHERE path = ?", str(share / "hr" / "brief.txt")) == [("deleted",)]
    # A later run does not count the same deletion again.
    third = audit(share, db, detector)
    assert third.files_deleted == 0 and third.resolved_findings == 0


def test_renamed_file_keeps_its_findings_and_is_not_read(share, db, detector):
    first = audit(share, db, detector)
    (share / "archief").mkdir()
    old, new = share / "hr" / "notities.txt", share / "archief" / "notities-2024.txt"
    old.rename(new)
    before = {(t, h, loc): n for (p, t, h, loc), n in present(db).items() if p == str(old)}
    second = audit(share, db, detector)
    assert second.files_read == [] and second.files_moved == 1 and second.files_deleted == 0
    assert second.new_by_type == {} and second.resolved_findings == 0
    after = {(t, h, loc): n for (p, t, h, loc), n in present(db).items() if p == str(new)}
    assert after == before and after
    assert str(old) not in {p for (p, *_) in present(db)}
    assert second.findings_total == first.findings_total


def test_a_copy_is_a_new_file_and_a_changed_move_is_read(share, db, detector):
    audit(share, db, detector)
    notes = share / "hr" / "notities.txt"
    (share / "hr" / "kopie.txt").write_bytes(notes.read_bytes())  # the original stays: a copy
    moved = share / "finance" / "betaling-oud.txt"
    (share / "finance" / "betaling.txt").rename(moved)
    moved.write_text(moved.read_text() + "Nog te betalen.\n")  # moved and changed: not the same bytes
    second = audit(share, db, detector)
    assert sorted(second.files_read) == sorted([str(share / "hr" / "kopie.txt"), str(moved)])
    assert second.files_moved == 0 and second.files_deleted == 1
    assert second.new_by_type == {"EMAIL_ADDRESS": 1, "IBAN_CODE": 1} and second.resolved_findings == 1


def test_a_file_that_comes_back_is_new_again(share, db, detector):
    audit(share, db, detector)
    notes = share / "hr" / "notities.txt"
    saved = notes.read_bytes()
    notes.unlink()
    audit(share, db, detector)
    notes.write_bytes(saved)
    third = audit(share, db, detector)
    assert third.files_read == [str(notes)] and third.new_by_type == {"EMAIL_ADDRESS": 1}


def test_the_same_value_twice_is_two_findings_and_losing_one_resolves_one(tmp_path, db, detector):
    share = tmp_path / "share"
    share.mkdir()
    doc = share / "dubbel.txt"
    doc.write_text(f"Mail {EMAIL_A} of {EMAIL_A}\n", encoding="utf-8")
    first = audit(share, db, detector)
    assert first.new_by_type == {"EMAIL_ADDRESS": 2}
    doc.write_text(f"Mail {EMAIL_A} alleen\n", encoding="utf-8")
    second = audit(share, db, detector)
    assert second.resolved_findings == 1 and second.new_findings == 0 and second.findings_total == 1


def test_container_members_belong_to_their_file(share, db, detector):
    audit(share, db, detector)
    archive = share / "finance" / "export.zip"
    rows = query(db, "SELECT DISTINCT path FROM finding_view WHERE file = ?", str(archive))
    assert rows == [(f"{archive}!/2023/klanten.csv",)]
    assert query(db, "SELECT COUNT(*) FROM files WHERE path LIKE '%!/%'") == [(0,)]
    # Changing the archive re-reads it as a whole; the member's findings are the same ones.
    before = query(db, "SELECT id, first_run FROM finding_view WHERE file = ? ORDER BY id", str(archive))
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.writestr("2024/leeg.txt", "Niets persoonlijks.\n")
    second = audit(share, db, detector)
    assert second.files_read == [str(archive)]
    assert second.new_findings == 0 and second.resolved_findings == 0
    assert query(db, "SELECT id, first_run FROM finding_view WHERE file = ? AND resolved_run IS NULL ORDER BY id", str(archive)) == before


def test_other_detection_settings_read_every_file_again(share, db, detector):
    audit(share, db, detector)
    stricter = replace(SETTINGS, min_score=0.99)
    second = audit(share, db, detector, settings=stricter)
    assert sorted(second.files_read) == _all_files(share)


def test_a_read_that_fails_does_not_resolve_what_the_file_held(share, db, detector):
    audit(share, db, detector)
    archive = share / "finance" / "export.zip"
    archive.write_bytes(b"PK\x03\x04 this is no longer a readable archive")
    second = audit(share, db, detector)
    assert second.files_read == [str(archive)] and second.errors == 1
    assert second.resolved_findings == 0
    assert query(db, "SELECT status FROM files WHERE path = ?", str(archive)) == [("error",)]


def test_a_second_root_does_not_retire_the_first(tmp_path, db, detector):
    one, two = make_share(tmp_path / "one"), tmp_path / "two"
    two.mkdir()
    (two / "x.txt").write_text(f"Mail: {EMAIL_B}\n", encoding="utf-8")
    audit(one, db, detector)
    other = audit(two, db, detector)
    assert other.files_deleted == 0 and other.resolved_findings == 0
    back = audit(one, db, detector)
    assert back.files_read == [] and back.files_deleted == 0


def test_an_empty_root_is_taken_for_an_unmounted_share_not_a_mass_deletion(share, db, detector):
    first = audit(share, db, detector)
    share.rename(share.with_name("elsewhere"))
    share.mkdir()  # the mount point, without the share mounted on it
    gone = audit(share, db, detector)
    assert gone.roots_empty == [str(share)]
    assert gone.files_deleted == 0 and gone.resolved_findings == 0
    share.rmdir()
    share.with_name("elsewhere").rename(share)
    back = audit(share, db, detector)
    assert back.files_read == [] and back.new_findings == 0 and back.findings_total == first.findings_total


def test_the_detector_is_built_only_when_something_must_be_read(share, db, detector):
    audit(share, db, detector)
    built = []

    def build():
        built.append(1)
        return detector

    assert audit(share, db, build).files_read == [] and built == []
    (share / "hr" / "notities.txt").write_text(f"Contact: {EMAIL_C}\n", encoding="utf-8")
    assert audit(share, db, build).new_by_type == {"EMAIL_ADDRESS": 1} and built == [1]


def test_overlapping_roots_audit_each_file_once(share, db, detector):
    first = audit([share, share / "hr"], db, detector)
    assert sorted(first.files_read) == _all_files(share) and first.findings_total == 8
    again = audit([share / "hr", share], db, detector)
    assert again.files_read == [] and again.roots_empty == [] and again.files_deleted == 0
    assert query(db, "SELECT DISTINCT root FROM files") == [(str(share),)]  # the outermost
