"""`piiscan find`: every file and container member holding a person's identifiers, from the
audit database by keyed hash, whatever notation the privacy officer types."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from piiscan.audit.subject import SubjectError, canonical
from piiscan.cli import main
from tests.audit.audit_helpers import EMAIL_A, EMAIL_B, IBAN_A, IBAN_B, NN, make_share


@pytest.fixture()
def audited(tmp_path):
    share = make_share(tmp_path / "share")
    db = tmp_path / "audit.db"
    result = CliRunner().invoke(main, ["audit", str(share), "--db", str(db), "--workers", "1", "--no-progress"])
    assert result.exit_code == 1, result.output
    return share, db


def find(db, *args):
    return CliRunner().invoke(main, ["find", "--db", str(db), *args])


def matches(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_an_iban_typed_any_way_finds_every_file_holding_it(audited):
    share, db = audited
    typed = IBAN_A.replace(" ", "").lower()  # "be68539007547034" for "BE68 5390 0754 7034"
    result = find(db, "--iban", typed, "--format", "jsonl")
    assert result.exit_code == 1, result.output
    assert {m["path"] for m in matches(result)} == {str(share / "hr" / "brief.txt"), str(share / "finance" / "betaling.txt")}
    assert all(m["entity_type"] == "IBAN_CODE" and m["count"] == 1 for m in matches(result))


def test_an_email_is_found_in_a_container_member(audited):
    share, db = audited
    result = find(db, "--email", EMAIL_B.upper(), "--format", "jsonl")
    assert result.exit_code == 1
    found = {(m["path"], m["file"]) for m in matches(result)}
    archive = str(share / "finance" / "export.zip")
    assert found == {
        (str(share / "hr" / "notities.txt"), str(share / "hr" / "notities.txt")),
        (f"{archive}!/2023/klanten.csv", archive),
    }


def test_several_identifiers_of_one_person_at_once(audited):
    share, db = audited
    result = find(db, "--national-number", NN.replace(".", "").replace("-", ""), "--email", EMAIL_A, "--iban", IBAN_B, "--format", "jsonl")
    got = {(m["path"].removeprefix(str(share) + "/"), m["entity_type"]) for m in matches(result)}
    assert got == {
        ("hr/brief.txt", "BE_NATIONAL_NUMBER"), ("hr/brief.txt", "EMAIL_ADDRESS"), ("finance/export.zip!/2023/klanten.csv", "IBAN_CODE"),
    }


def test_a_name_is_found_in_another_word_order(audited):
    share, db = audited
    result = find(db, "--name", "de Vries  Jan", "--format", "jsonl")
    assert [m["path"] for m in matches(result)] == [f"{share / 'finance' / 'export.zip'}!/2023/klanten.csv"]


def test_output_is_masked_and_never_echoes_the_value(audited):
    share, db = audited
    result = find(db, "--email", EMAIL_A, "--iban", IBAN_A)
    assert result.exit_code == 1
    assert str(share / "hr" / "brief.txt") in result.stdout
    assert "BE" in result.stdout and "****" in result.stdout
    for raw in (EMAIL_A, IBAN_A, IBAN_A.replace(" ", "")):
        assert raw not in result.output, raw


def test_nothing_found_exits_0(audited):
    _, db = audited
    result = find(db, "--email", "nobody.here@example.be", "--format", "jsonl")
    assert result.exit_code == 0 and matches(result) == []


def test_an_invalid_identifier_is_a_usage_error_without_echoing_it(audited):
    _, db = audited
    bad = "BE68 5390 0754 7035"  # wrong check digits
    result = find(db, "--iban", bad)
    assert result.exit_code == 2
    assert "not a valid value" in result.output and bad not in result.output


def test_value_option_for_any_type(audited):
    share, db = audited
    result = find(db, "--value", f"iban_code={IBAN_B}", "--format", "jsonl")
    assert [m["file"] for m in matches(result)] == [str(share / "finance" / "export.zip")]
    assert find(db, "--value", "NOPE=1").exit_code == 2


def test_rescan_says_whether_each_file_still_holds_the_value(audited):
    share, db = audited
    (share / "finance" / "betaling.txt").write_text("Terugbetaling uitgevoerd.\n", encoding="utf-8")
    result = find(db, "--iban", IBAN_A, "--rescan", "--format", "jsonl")
    still = {m["path"].rsplit("/", 1)[-1]: m["still_there"] for m in matches(result)}
    assert still == {"brief.txt": "yes", "betaling.txt": "no"}
    (share / "hr" / "brief.txt").unlink()
    result = find(db, "--iban", IBAN_A, "--rescan")
    assert "[file missing]" in result.stdout and "[gone]" in result.stdout


def test_another_key_finds_nothing_and_says_so(audited, tmp_path, monkeypatch):
    _, db = audited
    monkeypatch.setenv("PIISCAN_KEY_FILE", str(tmp_path / "other.key"))
    result = find(db, "--email", EMAIL_A)
    assert result.exit_code == 2 and "another hash key" in result.output


def test_a_missing_database_is_an_error(tmp_path):
    result = find(tmp_path / "nope.db", "--email", EMAIL_A)
    assert result.exit_code == 2 and not (tmp_path / "nope.db").exists()


@pytest.mark.parametrize(
    "entity_type, typed, expected",
    [
        ("IBAN_CODE", "nl91 abna 0417 1643 00", "NL91ABNA0417164300"),
        ("EMAIL_ADDRESS", " Sophie.Peeters@Voorbeeld.BE ", "sophie.peeters@voorbeeld.be"),
        ("PHONE_NUMBER", "0470/12.34.56", "+32470123456"),
        ("PHONE_NUMBER", "+32 470 12 34 56", "+32470123456"),
        ("PERSON", "Sophie   Peeters", "sophie peeters"),
    ],
)
def test_canonical_forms_are_the_detectors(entity_type, typed, expected):
    assert canonical(entity_type, typed) == expected


def test_canonical_refuses_unknown_types_and_invalid_values():
    with pytest.raises(SubjectError, match="unknown entity type"):
        canonical("SHOE_SIZE", "42")
    with pytest.raises(SubjectError, match="not a valid"):
        canonical("NL_BSN", "123456789")
