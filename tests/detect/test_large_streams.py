"""A text cut into pieces loses nothing at the cuts: context words before a cut count for a
number after it, an MRZ is never split, and nothing is reported twice."""

from __future__ import annotations

import random

from piiscan import synth
from piiscan.extract.text import CHUNK_SIZE, SAMPLE_SIZE, extract_text
from piiscan.sources.blob import memory_blob

# The first cut falls after the last newline among the first SAMPLE_SIZE + CHUNK_SIZE bytes.
FIRST_READ = SAMPLE_SIZE + CHUNK_SIZE


def _filler(length: int) -> str:
    """Log lines, exactly `length` characters, ending with a newline."""
    lines, size, i = [], 0, 0
    while True:
        line = f"2024-03-01 10:00:{i % 60:02d} INFO verwerking batch {i} zonder fouten\n"
        if size + len(line) > length - 2:
            break
        lines.append(line)
        size += len(line)
        i += 1
    return "".join(lines) + "x" * (length - size - 1) + "\n"


def _scan(detector, text: str):
    segments = list(extract_text(memory_blob("groot.log", text.encode())))
    assert len(segments) >= 2
    return segments, detector.findings("groot.log", segments)


def test_keyword_before_a_cut_still_counts_for_the_number_after_it(detector):
    bsn = synth.nl_bsn(random.Random(1))
    keyword = "Burgerservicenummer van de klant:\n"
    text = _filler(FIRST_READ - 4 - len(keyword)) + keyword + bsn + "\n" + _filler(5000)
    segments, findings = _scan(detector, text)
    # The cut falls right between the keyword line and the number.
    assert segments[0].text.endswith(keyword) and segments[1].text[segments[1].overlap:].startswith(bsn)
    assert [f.value for f in findings if f.entity_type == "NL_BSN"] == [bsn]


def test_mrz_block_is_never_split_across_pieces(detector):
    lines = synth.mrz_td1(random.Random(2), "PEETERS", "SOPHIE")
    zone = "\n".join(lines) + "\n"
    for inside in (5, 35, 70):  # the first read ends in the first, second or third line
        text = _filler(FIRST_READ - inside) + zone + _filler(5000)
        segments, findings = _scan(detector, text)
        assert not any(s.text[s.overlap:].startswith(lines[1]) or s.text[s.overlap:].startswith(lines[2]) for s in segments)
        assert [f.value for f in findings if f.entity_type == "MRZ"] == [zone.rstrip("\n")], inside


def test_findings_in_the_repeated_lines_are_not_reported_twice(detector):
    email = "sophie.peeters@example.be"
    text = "".join(f"{i:06d} verzonden naar {email}\n" for i in range(45000))
    segments, findings = _scan(detector, text)
    found = [f for f in findings if f.entity_type == "EMAIL_ADDRESS"]
    assert len(found) == 45000
    assert sorted(f.location.line for f in found) == list(range(1, 45001))
