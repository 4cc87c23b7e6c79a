"""The baseline both benchmarks compare against: Presidio out of the box, offline."""

from __future__ import annotations


def presidio_out_of_the_box():
    """Presidio with its default recognizers and a blank English spaCy pipeline.

    Two things keep it offline, nothing else is changed: the spaCy model is a blank pipeline
    set on the engine, so ``load()`` never downloads one, and the EmailRecognizer's tldextract
    uses the public-suffix snapshot bundled with tldextract instead of fetching the list."""
    import inspect
    import types

    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    module = inspect.getmodule(EmailRecognizer)
    if hasattr(module, "tldextract"):
        extractor = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)
        module.tldextract = types.SimpleNamespace(extract=extractor)
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm"}])
    engine.nlp = {"en": spacy.blank("en")}
    return AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
