"""`piiscan redact` end to end on a small tree: copies, log, verification, safety rules."""

import json
import os
import random
import stat

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.cli import main
from piiscan.redact import verify as verify_module
from piiscan.redact.command import LOG_NAME

RNG = random.Random(11)
IBAN = synth.iban(RNG, "NL")
BSN = synth.nl_bsn(RNG)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.setenv("PIISCAN_KEY_FILE", str(tmp_path / "key"))
    src = tmp_path / "share"
    (src / "klanten" / "2024").mkdir(parents=True)
    (src / "klanten" / "2024" / "memo.txt").write_text(f"Terugbetaling op {IBAN}.\n")
    (src / "klanten" / "brief.txt").write_text(f"Beste,\nMijn IBAN is {IBAN} en mijn BSN: {BSN}.\nGroet\n")
    (src / "klanten" / "lijst.csv").write_text(f"naam;bsn\nSophie Peeters;{BSN}\n")
    (src / "leeg.txt").write_text("Vergadering verplaatst naar dinsdag.\n")
    (src / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return src


def _run(*args):
    return CliRunner().invoke(main, ["redact", *map(str, args), "--workers", "1", "--no-progress"])


def test_copies_mirror_the_tree_and_originals_stay(tree, tmp_path):
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    result = _run(tree, "--out", out)
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before
    brief = (out / "klanten" / "brief.txt").read_text()
    assert IBAN not in brief and BSN not in brief and "[IBAN_CODE]" in brief
    assert (out / "leeg.txt").read_bytes() == before[tree / "leeg.txt"]  # nothing found: copied as is
    assert not (out / "foto.jpg").exists()  # cannot be redacted: never copied as if clean
    assert "foto.jpg" in result.stderr and "not redacted" in result.stderr
    assert result.exit_code == 3
    for path in out.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o600 if path.is_file() else 0o700), path


def test_log_holds_masked_values_only(tree, tmp_path):
    out = tmp_path / "out"
    _run(tree, "--out", out)
    log = (out / LOG_NAME).read_text()
    assert IBAN not in log and BSN not in log and IBAN.replace(" ", "") not in log
    records = [json.loads(line) for line in log.splitlines()]
    redactions = [r for r in records if r["record"] == "redaction"]
    assert {r["entity_type"] for r in redactions} >= {"IBAN_CODE", "NL_BSN", "PERSON"}
    assert all(r["hash"] and "*" in r["masked"] for r in redactions if r["entity_type"] == "IBAN_CODE")
    assert any(r["record"] == "not_redacted" and r["path"].endswith("foto.jpg") for r in records)


def test_only_changed_and_no_overwrite_without_force(tree, tmp_path):
    out = tmp_path / "out"
    (tree / "foto.jpg").unlink()
    assert _run(tree, "--out", out, "--only-changed").exit_code == 0
    assert not (out / "leeg.txt").exists() and (out / "klanten" / "brief.txt").exists()
    again = _run(tree, "--out", out, "--only-changed")
    assert again.exit_code == 3 and "--force" in again.stderr
    assert _run(tree, "--out", out, "--only-changed", "--force").exit_code == 0


def test_out_inside_an_input_is_refused(tree):
    result = _run(tree, "--out", tree / "redacted")
    assert result.exit_code == 2 and "inside the input" in result.stderr
    assert not (tree / "redacted").exists()


def test_same_pseudonym_across_files(tree, tmp_path):
    out = tmp_path / "out"
    (tree / "foto.jpg").unlink()
    assert _run(tree, "--out", out, "--style", "pseudonym").exit_code == 0
    brief = (out / "klanten" / "brief.txt").read_text()
    lijst = (out / "klanten" / "lijst.csv").read_text()
    fake_bsn = brief.split("BSN: ")[1][:9]
    assert fake_bsn != BSN and fake_bsn in lijst


def test_a_copy_that_fails_verification_is_not_written(tree, tmp_path, monkeypatch):
    # A redactor that misses a value: verification must catch it and keep the copy off disk.
    from piiscan.redact.formats import text

    real = text.redact

    def leaky(blob, redaction):
        copy = real(blob, redaction)
        if blob.name == "brief.txt":
            copy.data += f"\nP.S. {IBAN}\n".encode()
        return copy

    monkeypatch.setattr(text, "redact", leaky)
    (tree / "foto.jpg").unlink()
    out = tmp_path / "out"
    result = _run(tree, "--out", out)
    assert result.exit_code == 3
    assert not (out / "klanten" / "brief.txt").exists()
    assert "failed verification" in result.stderr and (out / "klanten" / "lijst.csv").exists()
    assert not [p for p in out.rglob("*.part")]


def test_raw_search_catches_a_value_the_extractors_do_not_see(redaction):
    # A value written without its separators inside a longer token: the re-scan does not see
    # it, the raw search for the compact form does.
    from piiscan.redact.formats import text
    from piiscan.redact.text import Replacement

    r = Replacement("IBAN_CODE", 0, 22, IBAN, IBAN.replace(" ", ""), "[IBAN_CODE]", 1.0)
    data = f"ref{IBAN.replace(' ', '')}x\n".encode()
    problems = verify_module.verify_bytes("a.txt", data, [r], redaction.detector, text)
    assert problems and "raw content" in problems[-1]
