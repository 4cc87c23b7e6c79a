"""The server's small parts on their own: the summary header, the in-memory form parser,
admission (slots and the queue)."""

from __future__ import annotations

import asyncio
import json

import pytest

from piiscan.serve.admission import Admission, Busy
from piiscan.serve.app import MAX_SUMMARY_HEADER, summary_header
from piiscan.serve.errors import ApiError
from piiscan.serve.forms import parse_form


def test_a_long_summary_header_drops_its_lists_but_stays_json():
    summary = {"status": "redacted", "counts": {"IBAN_CODE": 400},
               "replacements": [{"entity_type": "IBAN_CODE", "masked": "BE68 **** **** 7034"}] * 400,
               "not_redacted": []}
    header = summary_header(summary)
    assert len(header) <= MAX_SUMMARY_HEADER and header.isascii()
    assert json.loads(header) == {"status": "redacted", "counts": {"IBAN_CODE": 400}, "truncated": True}


def test_a_short_summary_header_is_the_whole_summary_in_ascii():
    summary = {"status": "redacted", "watermark": "KOPIE – Huurcontract – 2026-11-22", "masked": []}
    header = summary_header(summary)
    assert header.isascii() and json.loads(header) == summary


def _multipart(*parts: bytes) -> bytes:
    return b"".join(b"--b\r\n" + part + b"\r\n" for part in parts) + b"--b--\r\n"


def test_form_parts_are_read_in_memory_with_folder_parts_of_names_dropped():
    body = _multipart(b'Content-Disposition: form-data; name="file"; filename="C:\\\\scans\\\\eid.png"\r\n'
                      b"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x00data",
                      b'Content-Disposition: form-data; name="purpose"\r\n\r\nHuurcontract')
    form = parse_form(body, "multipart/form-data; boundary=b")
    assert form.parts["file"].filename == "eid.png"
    assert form.parts["file"].content_type == "image/png"
    assert form.parts["file"].data == b"\x89PNG\r\n\x00data"
    assert form.text("purpose") == "Huurcontract" and form.text("recipient", "-") == "-"


@pytest.mark.parametrize("body, why", [
    (_multipart(b'Content-Disposition: form-data; name="a"\r\n\r\n1', b'Content-Disposition: form-data; name="a"\r\n\r\n2'), "twice"),
    (_multipart(b"Content-Disposition: form-data\r\n\r\n1"), "without a name"),
    (_multipart(*[b'Content-Disposition: form-data; name="f%d"\r\n\r\n1' % i for i in range(17)]), "more than 16"),
])
def test_bad_forms_are_bad_requests(body, why):
    with pytest.raises(ApiError) as error:
        parse_form(body, "multipart/form-data; boundary=b")
    assert error.value.code == "bad_request" and why in error.value.message


def test_a_text_field_must_be_short_utf8():
    form = parse_form(_multipart(b'Content-Disposition: form-data; name="p"\r\n\r\n\xff\xfe',
                                 b'Content-Disposition: form-data; name="q"\r\n\r\n' + b"x" * 1001),
                      "multipart/form-data; boundary=b")
    for name in ("p", "q"):
        with pytest.raises(ApiError):
            form.text(name)


def test_admission_takes_active_requests_queues_some_and_turns_the_rest_away():
    async def scenario():
        admission = Admission(active=1, waiting=1, wait=5)
        order = []
        release = asyncio.Event()

        async def request(name):
            try:
                async with admission.slot():
                    order.append(name)
                    await release.wait()
            except Busy as busy:
                order.append(f"{name}: busy, retry after {busy.retry_after}")

        first = asyncio.create_task(request("first"))
        await asyncio.sleep(0)
        second = asyncio.create_task(request("second"))  # waits for the slot
        await asyncio.sleep(0)
        await request("third")  # the one place in the queue is taken
        release.set()
        await asyncio.gather(first, second)
        return order

    assert asyncio.run(scenario()) == ["first", "third: busy, retry after 5", "second"]


def test_admission_gives_up_after_the_wait():
    async def scenario():
        admission = Admission(active=1, waiting=4, wait=0.05)
        async with admission.slot():
            with pytest.raises(Busy):
                async with admission.slot():
                    pass
        async with admission.slot():  # the slot is free again, the waiter left no trace
            return admission.waiting

    assert asyncio.run(scenario()) == 0


def test_a_scan_that_breaks_off_part_way_answers_with_what_was_read(monkeypatch):
    """As `piiscan scan` does: the findings before the break, the file's error, complete false."""
    import random

    from piiscan import extract as registry
    from piiscan import synth
    from piiscan.model import ExtractionError, Location, Segment
    from piiscan.privacy import load_or_create_key
    from piiscan.serve import jobs

    iban = synth.iban(random.Random(3))

    class Breaking:
        library = "test"

        @staticmethod
        def load():
            def extractor(blob):
                yield Segment(f"Pagina 1: rekening {iban}", Location(page=1))
                raise ExtractionError("corrupt", "page 2: broken stream")
            return extractor

    monkeypatch.setitem(registry._BY_SUFFIX, ".brk", Breaking())
    jobs.initialize(load_or_create_key())
    outcome = jobs.scan("stuk.brk", b"...")
    assert outcome.summary["complete"] is False
    assert [f["entity_type"] for f in outcome.summary["findings"]] == ["IBAN_CODE"]
    assert outcome.summary["errors"][-1]["error"] == "corrupt"
    assert iban not in str(outcome.summary) and iban.replace(" ", "") not in str(outcome.summary)
