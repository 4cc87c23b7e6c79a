import io
from pathlib import Path

import pytest

from piiscan import extract as registry
from piiscan.extract import EXTRACTORS, extract, extractor_for
from piiscan.extract.text import extract_text
from piiscan.model import Blob, ExtractionError
from piiscan.sources.blob import file_blob


def memory_blob(path: str, data: bytes = b"") -> Blob:
    return Blob(path=path, size=len(data), open=lambda: io.BytesIO(data))


def test_registered_suffixes():
    assert set(EXTRACTORS) == {
        ".txt", ".text", ".md", ".log", ".json", ".jsonl", ".ndjson", ".xml", ".yaml", ".yml",
        ".sql", ".ini", ".cfg", ".conf", ".vcf", ".ics", ".ldif", ".html", ".htm",
        ".csv", ".tsv", ".pdf", ".docx", ".xlsx", ".xlsm", ".zip", ".eml", ".mbox", ".mbx",
        ".tar", ".tgz", ".tbz2", ".txz", ".gz", ".bz2", ".xz", ".msg", ".pst", ".ost", ".7z",
        ".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".bmp", ".webp", ".gif", ".heic", ".heif",
    }


def test_extractor_for_uses_lower_case_suffix_of_the_member_name():
    assert extractor_for(memory_blob("share/NOTES.TXT")) is extract_text
    assert extractor_for(memory_blob("share/export.zip!/2023/lijst.Txt")) is extract_text
    assert extractor_for(memory_blob("share/setup.exe")) is None
    assert extractor_for(memory_blob("share/bericht.eml")) is not None
    assert extractor_for(memory_blob("share/README")) is None


def test_extract_unsupported_raises_extraction_error():
    with pytest.raises(ExtractionError) as err:
        list(extract(memory_blob("share/plattegrond.dwg", b"AC1032\x00\x00")))
    assert err.value.kind == "unsupported"


class Registered:
    """A test extractor in the registry's place for a suffix (the registry imports its own
    lazily, by module name)."""

    def __init__(self, extractor, library="test"):
        self.extractor, self.library = extractor, library

    def load(self):
        return self.extractor


def register(monkeypatch, suffix, extractor, library="test"):
    monkeypatch.setitem(registry._BY_SUFFIX, suffix, Registered(extractor, library))


def failing(exc):
    def extractor(blob):
        yield from ()
        raise exc

    return extractor


@pytest.mark.parametrize("exc, kind, message", [
    (ValueError("bad\nsecond line"), "corrupt", "boom: ValueError: bad"),
    (RecursionError("maximum recursion depth exceeded"), "corrupt", "boom: RecursionError: maximum recursion depth exceeded"),
    (MemoryError(), "corrupt", "boom: MemoryError"),
    (KeyError("word/document.xml"), "corrupt", "boom: KeyError: 'word/document.xml'"),
    (PermissionError(13, "Permission denied"), "unreadable", "PermissionError: [Errno 13] Permission denied"),
    (ExtractionError("encrypted", "needs a password"), "encrypted", "needs a password"),
])
def test_library_exceptions_become_extraction_errors(monkeypatch, exc, kind, message):
    register(monkeypatch, ".boom", failing(exc), "boom")
    with pytest.raises(ExtractionError) as err:
        list(extract(memory_blob("share/x.boom")))
    assert (err.value.kind, err.value.message) == (kind, message)


def test_segments_before_a_failure_still_arrive(monkeypatch):
    from piiscan.model import Segment

    def half(blob):
        yield Segment("eerste pagina")
        raise IndexError("page tree broken")

    register(monkeypatch, ".half", half, "half")
    received = []
    with pytest.raises(ExtractionError) as err:
        for segment in extract(memory_blob("share/x.half")):
            received.append(segment.text)
    assert received == ["eerste pagina"]
    assert err.value.message == "half: IndexError: page tree broken"


def test_stopping_early_closes_the_extractor(monkeypatch):
    from piiscan.model import Segment

    closed = []

    def endless(blob):
        try:
            while True:
                yield Segment("regel")
        finally:
            closed.append(True)

    register(monkeypatch, ".endless", endless)
    segments = extract(memory_blob("share/x.endless"))
    next(segments)
    segments.close()
    assert closed == [True]


def test_file_blob_reads_read_only(tmp_path):
    path = tmp_path / "notitie.txt"
    path.write_bytes(b"Tine Verbeke\n")
    blob = file_blob(path, "share/notitie.txt")
    assert (blob.path, blob.size, blob.name, blob.suffix) == ("share/notitie.txt", 13, "notitie.txt", ".txt")
    with blob.open() as stream:
        assert stream.read() == b"Tine Verbeke\n"
        assert stream.seekable() and not stream.writable()
    assert [s.text for s in extract(blob)] == ["Tine Verbeke\n"]
    assert path.read_bytes() == b"Tine Verbeke\n"


def test_missing_file_is_unreadable(tmp_path):
    path = tmp_path / "weg.txt"
    path.write_text("x")
    blob = file_blob(path, "share/weg.txt")
    path.unlink()
    with pytest.raises(ExtractionError) as err:
        list(extract(blob))
    assert err.value.kind == "unreadable"


def test_every_extractor_turns_garbage_into_extraction_error(tmp_path):
    garbage = bytes(range(256)) * 64
    for suffix in EXTRACTORS:
        path = Path(tmp_path / f"rommel{suffix}")
        path.write_bytes(garbage)
        with pytest.raises(ExtractionError) as err:
            list(extract(file_blob(path, path.name)))
        assert err.value.kind in {"binary", "corrupt"}, suffix
