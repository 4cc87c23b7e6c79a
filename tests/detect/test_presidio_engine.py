"""The same recognizers through Presidio's AnalyzerEngine find what piiscan's detector finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from piiscan.detect.presidio_engine import analyzer_engine
from piiscan.detect.text_view import TextView
from piiscan.extract import extract, extractor_for
from piiscan.model import Segment
from piiscan.sources.blob import file_blob

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture(scope="module")
def engine():
    return analyzer_engine()


DOCUMENTS = sorted(
    p.relative_to(SAMPLE).as_posix()
    for p in SAMPLE.rglob("*")
    if p.is_file() and p.parent != SAMPLE and p.parent.name != "bad"
)


def _documents(blob):
    """(path, segments) of a document and, recursively, of the members it contains."""
    segments = []
    for item in extract(blob):
        if isinstance(item, Segment):
            segments.append(item)
        elif hasattr(item, "open") and extractor_for(item) is not None:
            yield from _documents(item)
    yield blob.path, segments


@pytest.mark.parametrize("name", DOCUMENTS)
def test_fast_path_loses_nothing_against_the_plain_path(detector, name):
    """The detector's fast path (segments batched, one candidate pass, clusters dispatched by
    shape) against the plain one (each recognizer on its own, on each segment alone)."""
    path = SAMPLE / name
    # Every document, container members included, with its own text.
    segments = [segment for _, document in _documents(file_blob(path, name)) for segment in document]
    fast = {(f.entity_type, f.value) for _, document in _documents(file_blob(path, name)) for f in detector.findings(name, document)}
    plain = set()
    for segment in segments:
        view = TextView.single(segment.text, context=segment.context)
        for recognizer in detector.recognizers:
            for hit in recognizer.find(view):
                if not hit.veto and hit.score >= detector.min_score:
                    plain.add((recognizer.rule.entity, segment.text[hit.start:hit.end]))
    assert fast
    # The plain path does not settle overlaps between types, so it may report more; never less.
    assert fast <= plain


@pytest.mark.parametrize("name", [d for d in DOCUMENTS if d.endswith((".txt", ".md", ".log"))])
def test_presidio_path_reports_every_detector_finding(engine, detector, name):
    path = SAMPLE / name
    segments = list(extract(file_blob(path, name)))
    ours = {(f.entity_type, f.value) for f in detector.findings(name, segments)}
    assert ours
    theirs = set()
    for segment in segments:
        language = name[:2] if name[:2] in ("nl", "fr", "en") else "nl"
        for result in engine.analyze(segment.text, language=language):
            theirs.add((result.entity_type, segment.text[result.start:result.end]))
    # Presidio does not settle overlaps between types, so it may report more; never less.
    assert ours <= theirs


def test_runs_offline_with_blank_pipelines(engine):
    assert set(engine.supported_languages) == {"nl", "fr", "en"}
    results = engine.analyze("IBAN: BE68 5390 0754 7034", language="nl")
    assert [(r.entity_type, r.start, r.end) for r in results] == [("IBAN_CODE", 6, 25)]
