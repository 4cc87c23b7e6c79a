"""The same recognizers through Presidio's AnalyzerEngine find what piiscan's detector finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from piiscan.detect.presidio_engine import analyzer_engine
from piiscan.extract import extract
from piiscan.sources.blob import file_blob

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture(scope="module")
def engine():
    return analyzer_engine()


@pytest.mark.parametrize("name", ["nl/inzageverzoek_avg.txt", "fr/demande_acces_rgpd.txt", "en/subject_access_request.txt"])
def test_presidio_path_reports_every_detector_finding(engine, detector, name):
    path = SAMPLE / name
    segments = list(extract(file_blob(path, name)))
    ours = {(f.entity_type, f.value) for f in detector.findings(name, segments)}
    assert ours
    theirs = set()
    for segment in segments:
        for result in engine.analyze(segment.text, language=name[:2]):
            theirs.add((result.entity_type, segment.text[result.start:result.end]))
    # Presidio does not settle overlaps between types, so it may report more; never less.
    assert ours <= theirs


def test_runs_offline_with_blank_pipelines(engine):
    assert set(engine.supported_languages) == {"nl", "fr", "en"}
    results = engine.analyze("IBAN: BE68 5390 0754 7034", language="nl")
    assert [(r.entity_type, r.start, r.end) for r in results] == [("IBAN_CODE", 6, 25)]
