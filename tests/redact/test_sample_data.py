"""`piiscan redact sample_data/` through the real command: every supported format gets a copy
in which no expected finding can be recovered, the other words remain, every copy opens;
what cannot be redacted gets no copy and is reported."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from piiscan.detect.engine import Detector
from piiscan.redact.formats import format_module
from piiscan.run.worker import scan_blob
from piiscan.sources.blob import file_blob

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
# Formats piiscan cannot redact yet: Outlook stores and .msg files (no permissive writer).
NOT_REDACTABLE = {".msg", ".pst", ".bin"}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _redact(tmp_path_factory, style: str):
    out = tmp_path_factory.mktemp(f"red-{style}")
    env = {**os.environ, "PIISCAN_KEY_FILE": str(tmp_path_factory.mktemp("key") / "hash.key")}
    result = subprocess.run(
        [sys.executable, "-m", "piiscan", "redact", str(SAMPLE), "--out", str(out), "--style", style,
         "--workers", "2", "--no-progress"],
        capture_output=True, text=True, timeout=600, env=env,
    )
    log = _jsonl(out / "piiscan-redaction-log.jsonl")
    return result, out, log


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    return _redact(tmp_path_factory, "label")


@pytest.fixture(scope="module")
def pseudonymised(tmp_path_factory):
    return _redact(tmp_path_factory, "pseudonym")


def _top(path: str) -> str:
    return path.split("!/", 1)[0]


def test_every_redactable_file_gets_a_copy_and_the_rest_is_reported(labelled):
    result, out, log = labelled
    originals = [p for p in SAMPLE.rglob("*") if p.is_file() and p.suffix not in (".jsonl",) and p.name != "README.md"
                 and not p.name.startswith(".")]
    reported = {Path(r["path"]).relative_to(SAMPLE).as_posix() for r in log if r["record"] in ("not_redacted", "error")}
    for original in originals:
        relative = original.relative_to(SAMPLE).as_posix()
        copy = out / relative
        if relative.startswith("bad/") or original.suffix in NOT_REDACTABLE:
            assert not copy.exists(), relative
            assert relative in reported, relative
        else:
            assert copy.exists(), f"{relative}: no copy ({result.stderr[-2000:]})"
    assert result.returncode == 3  # the broken files and the Outlook files have no safe copy


def test_no_expected_value_can_be_recovered_from_any_copy(labelled):
    _, out, _ = labelled
    expected = defaultdict(set)
    for e in _jsonl(SAMPLE / "expected_findings.jsonl"):
        expected[_top(e["path"])].add(e["value"])
    checked = 0
    for relative, values in expected.items():
        copy = out / relative
        if not copy.exists():
            continue
        module = format_module(file_blob(copy, relative))
        data = copy.read_bytes()
        texts = list(module.raw_texts(data)) if hasattr(module, "raw_texts") else [data.decode("utf-8", "ignore")]
        compact = [re.sub(r"[\s.\-/()]+", "", t) for t in texts]
        for value in values:
            assert not any(value in t for t in texts), f"{relative}: {value!r} still there"
            digits = re.sub(r"[\s.\-/()]+", "", value)
            if len(digits) >= 8 and any(c.isdigit() for c in digits):
                assert not any(digits in t for t in compact), f"{relative}: {value!r} still there (compact)"
            checked += 1
    assert checked > 300


def test_copies_open_and_rescan_clean(labelled):
    _, out, _ = labelled
    detector = Detector()
    copies = [p for p in out.rglob("*") if p.is_file() and p.name != "piiscan-redaction-log.jsonl"]
    assert len(copies) > 20
    for copy in copies:
        result = scan_blob(file_blob(copy, copy.relative_to(out).as_posix()), detector)
        assert result.error is None, (copy, result.error)
        assert not result.findings, (copy, [(f.entity_type, f.location) for f in result.findings][:5])


def _words(path: Path) -> Counter:
    from piiscan.extract import extract, extractor_for

    words = Counter()
    stack = [file_blob(path, path.name)]
    while stack:
        blob = stack.pop()
        if extractor_for(blob) is None:
            continue  # an image attachment: no words either side
        for item in extract(blob):
            if hasattr(item, "text"):
                words.update(re.findall(r"[^\W\d_]{3,}", item.text.lower()))
            elif hasattr(item, "open"):
                stack.append(item)
    return words


def test_at_least_95_percent_of_other_words_remain(labelled):
    _, out, _ = labelled
    expected = defaultdict(list)  # every occurrence: each one's words are gone from the copy
    for e in _jsonl(SAMPLE / "expected_findings.jsonl"):
        expected[_top(e["path"])].append(e["value"])
    kept = total = 0
    for copy in out.rglob("*"):
        if not copy.is_file() or copy.name == "piiscan-redaction-log.jsonl":
            continue
        relative = copy.relative_to(out).as_posix()
        personal = Counter(w for v in expected[relative] for w in re.findall(r"[^\W\d_]{3,}", v.lower()))
        before = _words(SAMPLE / relative) - personal
        after = _words(copy)
        kept += sum((before & after).values())
        total += sum(before.values())
    assert total > 2000
    assert kept / total >= 0.95, f"{kept}/{total} words kept"


def _same_value(entity_type: str, text: str) -> str:
    """A pseudonym keeps the way its original was written ("BE68 5390…" or "BE685390…",
    "18-03-1987" or "18.03.1987", "+32 470…" or "0470…"): compare the value, not the form."""
    if entity_type == "PHONE_NUMBER":
        import phonenumbers

        for region in ("BE", "NL"):
            number = phonenumbers.parse(text, region)
            if phonenumbers.is_valid_number(number):
                return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return "".join(sorted(re.sub(r"[\W_]", "", text).lower()))


def test_pseudonyms_are_consistent_across_files(pseudonymised):
    _, _, log = pseudonymised
    by_hash = defaultdict(set)
    for record in log:
        if record["record"] == "redaction":
            by_hash[(record["entity_type"], record["hash"])].add(_same_value(record["entity_type"], record["replacement"]))
    assert len(by_hash) > 100
    inconsistent = {k: v for k, v in by_hash.items() if len(v) > 1}
    assert not inconsistent, list(inconsistent.items())[:5]
    repeated = [k for k, v in Counter((r["entity_type"], r["hash"]) for r in log if r["record"] == "redaction").items() if v > 1]
    assert repeated  # some values occur in several places: each got one pseudonym
