"""piiscan's recognizers inside a Presidio AnalyzerEngine, for code that speaks Presidio.

piiscan's own detector calls the recognizers directly on batched text (engine.py); this
module offers the same recognizers through Presidio's API, e.g. to combine them with
Presidio recognizers of your own or to feed presidio-anonymizer. It runs offline: spaCy's
Dutch/French/English models are not installable from PyPI, so the NLP engine gets blank
pipelines and never calls `load()` (which would try to download a model).
"""

from __future__ import annotations

from pathlib import Path

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine

from piiscan.detect.engine import build_recognizers
from piiscan.detect.rules import load_allowlist, load_rules
from piiscan.rules_path import default_rules_dir

LANGUAGES = ("nl", "fr", "en")


def blank_nlp_engine(languages: tuple[str, ...] = LANGUAGES) -> SpacyNlpEngine:
    engine = SpacyNlpEngine(models=[{"lang_code": lang, "model_name": "blank"} for lang in languages])
    engine.nlp = {lang: spacy.blank(lang) for lang in languages}
    return engine


def analyzer_engine(languages: tuple[str, ...] = LANGUAGES, rules_dir: Path | None = None) -> AnalyzerEngine:
    """An AnalyzerEngine whose registry holds piiscan's recognizers, one set per language."""
    rules_dir = rules_dir or default_rules_dir()
    rules = load_rules(rules_dir)
    allowlist = load_allowlist(rules_dir)
    registry = RecognizerRegistry(supported_languages=list(languages))
    for language in languages:
        for recognizer in build_recognizers(rules, rules_dir, allowlist):
            recognizer.supported_language = language
            registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=blank_nlp_engine(languages), supported_languages=list(languages))
