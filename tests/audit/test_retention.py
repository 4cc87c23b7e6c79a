"""Retention rules: durations, what a rule matches, which rule wins, and breaches in the
state as files age, change and go."""

from __future__ import annotations

import os
import time

import pytest

from piiscan.audit.retention import (
    RetentionError, check_entity_types, combine, default_rules_file, judge, load_rules_file, parse_duration,
    rule_from_mapping, winning_rule,
)
from tests.audit.audit_helpers import audit, make_share, query

DAY = 86_400


def rule(name, match, max_age, **extra):
    return rule_from_mapping({"name": name, "match": match, "max_age": max_age, **extra}, "test")


@pytest.mark.parametrize("text, days", [("14d", 14), ("6w", 42), ("3m", 90), ("1y", 365), ("7y", 2555), ("30 days", 30), ("2 Weeks", 14), (10, 10)])
def test_durations(text, days):
    assert parse_duration(text) == days


@pytest.mark.parametrize("text", ["", "7", "7x", "-1d", "0d", "1.5y", "y7"])
def test_bad_durations_are_refused(text):
    with pytest.raises(RetentionError):
        parse_duration(text)


def test_entity_terms_match_the_types_found_in_the_file():
    ids = rule("ID copies", ["ID_DOCUMENT"], "30d")
    assert ids.applies("scans/x.jpg", {"ID_DOCUMENT", "PERSON"})
    assert not ids.applies("scans/x.jpg", {"PERSON"})


def test_path_globs_are_relative_to_the_root_and_case_insensitive():
    hr = rule("HR", ["hr/**"], "5y")
    camera = rule("Camera", ["**/camera/**"], "14d")
    assert hr.applies("hr/personeel.csv", set()) and hr.applies("HR/2019/loon.xlsx", set())
    assert not hr.applies("archief/hr/personeel.csv", set())  # anchored at the audited folder
    assert camera.applies("site-a/Camera/2024-01-02.mp4", set()) and camera.applies("camera/x.jpg", set())
    assert not camera.applies("site-a/cameras.txt", set())


def test_a_rule_applies_when_any_term_matches():
    invoices = rule("Invoices", ["VAT_NUMBER", "**/facturen/**"], "7y")
    assert invoices.applies("facturen/f1.pdf", {"PERSON"})
    assert invoices.applies("brieven/b.docx", {"VAT_NUMBER"})
    assert not invoices.applies("brieven/b.docx", {"PERSON"})


def test_the_shortest_maximum_age_wins():
    rules = [rule("Invoices", ["**/facturen/**"], "7y"), rule("ID copies", ["ID_DOCUMENT"], "30d"), rule("Everything", ["**"], "1y")]
    assert winning_rule(rules, "facturen/id.jpg", {"ID_DOCUMENT"}).name == "ID copies"
    assert winning_rule(rules, "facturen/f.pdf", {"IBAN_CODE"}).name == "Everything"
    tie = [rule("first", ["**"], "1y"), rule("second", ["**"], "365d")]
    assert winning_rule(tie, "x.txt", {"PERSON"}).name == "first"


def test_files_without_personal_data_count_only_for_all_files_rules():
    camera = rule("Camera", ["**/camera/**"], "28d", all_files=True)
    hr = rule("HR", ["hr/**"], "5y")
    assert winning_rule([camera, hr], "camera/1.mp4", set()).name == "Camera"
    assert winning_rule([camera, hr], "hr/leeg.txt", set()) is None


def test_age_is_measured_from_mtime():
    now = time.time_ns()
    verdict = judge([rule("HR", ["hr/**"], "30d")], "hr/x.txt", {"PERSON"}, now - 31 * DAY * 10**9, now)
    assert verdict.age_days == 31 and verdict.breach
    young = judge([rule("HR", ["hr/**"], "30d")], "hr/x.txt", {"PERSON"}, now - 30 * DAY * 10**9, now)
    assert young.age_days == 30 and not young.breach


def test_rule_mistakes_are_reported():
    with pytest.raises(RetentionError, match="unknown key"):
        rule("x", ["**"], "1y", max_days=3)
    with pytest.raises(RetentionError, match="needs 'max_age'"):
        rule_from_mapping({"name": "x", "match": ["**"]}, "test")
    with pytest.raises(RetentionError, match="non-empty list"):
        rule("x", [], "1y")
    with pytest.raises(RetentionError, match="unknown entity type"):
        check_entity_types([rule("x", ["IBAN", "hr/**"], "1y")], {"IBAN_CODE", "PERSON"})


def test_default_rules_are_marked_examples_with_sources():
    defaults = load_rules_file(default_rules_file())
    names = {r.name for r in defaults}
    assert {"ID document copies", "Camera images", "Job applicants", "Prospects", "Invoices and accounting"} <= names
    for r in defaults:
        assert r.example and len(r.source) > 40, r.name
    by_name = {r.name: r for r in defaults}
    assert by_name["Camera images"].all_files
    assert by_name["ID document copies"].max_age_days < by_name["Job applicants"].max_age_days < by_name["Prospects"].max_age_days
    # The organisation's own rule replaces the default of the same name.
    own = rule("Prospects", ["crm/leads/**"], "6m")
    combined = combine(defaults, [own])
    assert [r for r in combined if r.name == "Prospects"] == [own]


def _age(path, days):
    t = time.time() - days * DAY
    os.utime(path, (t, t))


def test_breaches_in_the_state_open_continue_and_resolve(tmp_path, detector):
    share = make_share(tmp_path / "share")
    db = tmp_path / "audit.db"
    rules = [rule("HR files", ["hr/**"], "1y"), rule("Everything", ["**"], "10y")]
    _age(share / "hr" / "brief.txt", 400)
    _age(share / "hr" / "notities.txt", 100)
    _age(share / "finance" / "agenda.txt", 4000)  # old, but no personal data in it

    first = audit(share, db, detector, rules=rules)
    assert (first.breaches, first.new_breaches) == (1, 1)
    assert query(db, "SELECT path, rule, max_age_days, age_days, resolved_run FROM breaches") == [
        (str(share / "hr" / "brief.txt"), "HR files", 365, 400, None)
    ]

    # Ageing alone opens a breach, without any file being read.
    _age(share / "hr" / "notities.txt", 500)
    second = audit(share, db, detector, rules=rules)
    assert second.files_read == [] and second.files_touched == 1
    assert (second.breaches, second.new_breaches) == (2, 1)

    # Deleting a file resolves its breach; the other one goes on, not new any more.
    (share / "hr" / "brief.txt").unlink()
    third = audit(share, db, detector, rules=rules)
    assert (third.breaches, third.new_breaches) == (1, 0)
    assert query(db, "SELECT COUNT(*) FROM breaches WHERE resolved_run = ?", third.run_id) == [(1,)]
