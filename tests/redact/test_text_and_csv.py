"""Text and CSV copies: everything outside the findings kept byte for byte."""

import csv
import io
import random
import re

import pytest

from piiscan import synth
from piiscan.model import ExtractionError, Segment
from piiscan.redact.formats import format_module
from piiscan.redact.formats import tabular, text
from piiscan.sources.blob import memory_blob

RNG = random.Random(7)
IBAN = synth.iban(RNG, "BE")
NN = synth.be_national_number(RNG)
BSN = synth.nl_bsn(RNG)
PHONE = synth.phone_be(RNG)
EMAIL = "sophie.peeters@example.be"

LETTER = (
    "Geachte heer,\r\n"
    "Hierbij vraag ik inzage in mijn gegevens (art. 15 AVG).\r\n"
    f"Mijn rijksregisternummer is {NN} en mijn rekeningnummer IBAN {IBAN}.\r\n"
    f"U kunt mij bereiken op {PHONE} of via {EMAIL}.\r\n"
    "Met vriendelijke groet,\r\n"
    "Sophie Peeters\r\n"
    "Bijlage: kopie van mijn identiteitskaart – zoals gevraagd.\r\n"
)
VALUES = (IBAN, NN, PHONE, EMAIL, "Sophie Peeters")


def _words_outside(original: str, values) -> list[str]:
    for value in values:
        original = original.replace(value, " ")
    return re.findall(r"[^\W\d_]{3,}", original)


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_text_copy_keeps_encoding_line_endings_and_words(redaction, codec):
    data = LETTER.encode(codec)
    copy = text.redact(memory_blob("brief.txt", data), redaction)
    result = copy.data.decode(codec)
    for value in VALUES:
        assert value not in result
    assert copy.data.startswith(data[:2]) or codec in ("utf-8", "cp1252")  # BOM kept
    assert result.count("\r\n") == LETTER.count("\r\n") and "\n" not in result.replace("\r\n", "")
    assert "[IBAN_CODE]" in result and "[BE_NATIONAL_NUMBER]" in result and "[PERSON]" in result
    kept = _words_outside(LETTER, VALUES)
    assert all(word in result for word in kept)
    # Nothing but the findings changed: the text between them is identical.
    assert re.sub(r"\[[A-Z_]+\]", "", result) == _strip(LETTER, copy.log)


def _strip(original: str, log) -> str:
    """The original without the logged values, line by line."""
    out = []
    lines = original.split("\n")
    by_line = {}
    for entry in log:
        by_line.setdefault(entry.location.line, []).append(entry.replacement)
    for number, line in enumerate(lines, start=1):
        for r in sorted(by_line.get(number, []), key=lambda r: -r.start):
            line = line.replace(r.value, "", 1)
        out.append(line)
    return "\n".join(out)


def test_text_log_gives_lines_and_types(redaction):
    copy = text.redact(memory_blob("brief.txt", LETTER.encode()), redaction)
    found = {(e.location.line, e.replacement.entity_type) for e in copy.log}
    assert (3, "BE_NATIONAL_NUMBER") in found and (3, "IBAN_CODE") in found
    assert (4, "PHONE_NUMBER") in found and (4, "EMAIL_ADDRESS") in found and (6, "PERSON") in found


def test_long_text_is_redacted_across_piece_boundaries(redaction, monkeypatch):
    monkeypatch.setattr(text, "CHUNK_SIZE", 200)
    body = "".join(f"Regel {i}: klant betaalde met IBAN {synth.iban(RNG, 'NL')} op tijd.\n" for i in range(60))
    copy = text.redact(memory_blob("log.txt", body.encode()), redaction)
    result = copy.data.decode()
    assert result.count("[IBAN_CODE]") == 60 and len(copy.log) == 60
    assert result.count("\n") == 60


def test_mixed_encodings_keep_their_bytes(redaction):
    # A UTF-8 line and a cp1252 line in one file: read as one code page, written back as the
    # same bytes; only the value changes.
    head = "Dossier é – ".encode("utf-8")
    tail = " – café\n".encode("cp1252")
    data = head + f"IBAN {IBAN}".encode() + tail
    copy = text.redact(memory_blob("mixed.txt", data), redaction)
    assert copy.data == head + b"IBAN [IBAN_CODE]" + tail


def test_bytes_no_code_page_can_hold_are_refused_not_altered(redaction, monkeypatch):
    monkeypatch.setattr(text, "detect_encoding", lambda *a, **k: ("ascii", "strict"))
    with pytest.raises(ExtractionError) as err:
        text.redact(memory_blob("odd.txt", f"IBAN {IBAN} \xe9".encode("latin-1")), redaction)
    assert err.value.kind == "corrupt"


def test_pseudonyms_are_consistent_and_valid(pseudonymise, detector):
    data = f"IBAN {IBAN}\nNogmaals: IBAN {IBAN}\nBSN: {BSN}\n".encode()
    copy = text.redact(memory_blob("p.txt", data), pseudonymise)
    result = copy.data.decode()
    assert IBAN not in result and BSN not in result
    first, second = [line.split("IBAN ")[1] for line in result.splitlines()[:2]]
    assert first == second
    # A pseudonym is a value of the same type: the detector finds it as one.
    found = {f.entity_type for f in detector.findings("x", [Segment(result)])}
    assert {"IBAN_CODE", "NL_BSN"} <= found


def test_csv_cells_redacted_with_header_context_rest_kept(redaction):
    rows = [
        ["Naam", "BSN", "IBAN", "Opmerking"],
        ["Sophie Peeters", BSN, IBAN, "belt liever 's avonds"],
        ["Totaalregel", "", "", "geen persoonsgegevens; alleen tekst"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    original = buffer.getvalue()
    copy = tabular.redact(memory_blob("klanten.csv", original.encode("utf-8-sig")), redaction)
    result = copy.data.decode("utf-8-sig")
    lines = result.split("\r\n")
    assert lines[0] == original.split("\r\n")[0]  # untouched rows keep their quoting
    parsed = list(csv.reader(io.StringIO(result, newline=""), delimiter=";"))
    assert parsed[1][:3] == ["[PERSON]", "[NL_BSN]", "[IBAN_CODE]"]
    assert parsed[1][3] == "belt liever 's avonds" and parsed[2][3] == rows[2][3]
    assert {e.location.cell for e in copy.log} >= {"A2", "B2", "C2"}
    assert copy.data.startswith("\ufeff".encode("utf-8"))


def test_csv_quoted_newlines_survive(redaction):
    original = f'naam,notitie\r\n"Sophie Peeters","eerste regel\r\nIBAN {IBAN}"\r\n,"ok, verder niets"\r\n'
    copy = tabular.redact(memory_blob("n.csv", original.encode()), redaction)
    parsed = list(csv.reader(io.StringIO(copy.data.decode(), newline="")))
    assert len(parsed) == 3 and parsed[1][1] == "eerste regel\r\nIBAN [IBAN_CODE]"
    assert copy.data.decode().endswith(',"ok, verder niets"\r\n')


def test_registry_knows_text_and_csv():
    assert format_module(memory_blob("a.log", b"")) is text
    assert format_module(memory_blob("a.TSV", b"")) is tabular
    assert format_module(memory_blob("foto.jpg", b"")) is None


def test_a_value_found_once_is_replaced_wherever_else_it_stands(redaction):
    # The label vouches for the name on line 1; on line 3 nothing does (an unknown given
    # name), yet it is the same name in the same file and must not survive in the copy.
    data = "Naam: Quintijn Vermaelen\nDossier besproken.\nGesprek met Quintijn Vermaelen gepland.\n"
    copy = text.redact(memory_blob("notitie.txt", data.encode()), redaction)
    assert copy.data.decode() == "Naam: [PERSON]\nDossier besproken.\nGesprek met [PERSON] gepland.\n"
    assert [e.location.line for e in copy.log] == [1, 3]
