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
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine

from piiscan.detect.engine import build_recognizers
from piiscan.detect.recognizers import DetectorRecognizer
from piiscan.detect.rules import load_allowlist, load_rules
from piiscan.detect.text_view import TextView
from piiscan.rules_path import default_rules_dir

LANGUAGES = ("nl", "fr", "en")


class PresidioRecognizer(EntityRecognizer):
    """A piiscan recognizer with Presidio's interface. Context words are already weighed
    by the recognizer itself, so Presidio's own context enhancer has nothing to add."""

    def __init__(self, recognizer: DetectorRecognizer, language: str):
        self.recognizer = recognizer
        super().__init__(supported_entities=[recognizer.rule.entity], name=recognizer.rule.id, supported_language=language)

    def load(self) -> None:  # everything was loaded from rules/
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        entity = self.recognizer.rule.entity
        if entities and entity not in entities:
            return []
        return [
            RecognizerResult(
                entity_type=entity,
                start=hit.start,
                end=hit.end,
                score=hit.score,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            for hit in self.recognizer.find(TextView.single(text))
            if not hit.veto
        ]


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
            registry.add_recognizer(PresidioRecognizer(recognizer, language))
    return AnalyzerEngine(registry=registry, nlp_engine=blank_nlp_engine(languages), supported_languages=list(languages))
