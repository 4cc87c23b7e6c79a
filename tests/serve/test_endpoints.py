"""The endpoints on a real server: valid input gives the copy or the findings, with masked
values only; each kind of bad input gives its JSON error and status, never a 500."""

from __future__ import annotations

import base64
import io
import json
import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from piiscan import synth
from piiscan.privacy import mask
from tests.fixtures.id_documents import make_document

RNG = random.Random(2026)
IBAN_TEXT = synth.iban(RNG, "BE")  # "BE.. .... .... ....": the one in the .txt and the JSON text
IBAN_CSV = synth.iban(RNG, "NL")
ALL_VALUES = (IBAN_TEXT, IBAN_CSV)
LETTER = f"Beste klant,\nGelieve het bedrag over te schrijven op rekening {IBAN_TEXT} voor 1 maart.\n"
CSV = f"klantnummer;rekeningnummer\n1017;{IBAN_CSV}\n"
ID_FORM = {"purpose": "Huurcontract", "recipient": "Woonstad Gent", "date": "2026-11-22"}


def _compact(value: str) -> str:
    return value.replace(" ", "")


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def client(server):
    with server.client() as c:
        yield c


@pytest.fixture(scope="module")
def be_eid():
    return make_document("be_eid", side="back")


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["error"] == code and body["message"]
    return body


# --- /healthz, /openapi.json -------------------------------------------------------------

def test_healthz_answers_without_a_token(server):
    import httpx

    response = httpx.get(f"{server.url}/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_openapi_describes_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {"/healthz", "/openapi.json", "/v1/scan", "/v1/redact", "/v1/redact-id"}
    assert spec["paths"]["/healthz"]["get"]["security"] == []
    assert {"400", "401", "413", "415", "503", "504"} <= set(spec["paths"]["/v1/scan"]["post"]["responses"])
    assert "422" in spec["paths"]["/v1/redact-id"]["post"]["responses"]


# --- /v1/scan ------------------------------------------------------------------------------

def test_scan_json_text_gives_masked_findings_only(client):
    response = client.post("/v1/scan", json={"text": LETTER})
    assert response.status_code == 200, response.text
    body = response.json()
    ibans = [f for f in body["findings"] if f["entity_type"] == "IBAN_CODE"]
    assert len(ibans) == 1
    assert ibans[0]["masked"] == mask("IBAN_CODE", IBAN_TEXT)
    assert ibans[0]["location"] == {"line": 2} and len(ibans[0]["hash"]) == 32
    assert body["counts"]["IBAN_CODE"] == 1
    assert IBAN_TEXT not in response.text and _compact(IBAN_TEXT) not in response.text
    assert "value" not in ibans[0]


def test_scan_multipart_csv(client):
    response = client.post("/v1/scan", files={"file": ("klanten.csv", CSV.encode(), "text/csv")})
    assert response.status_code == 200, response.text
    [finding] = [f for f in response.json()["findings"] if f["entity_type"] == "IBAN_CODE"]
    assert finding["path"] == "klanten.csv" and finding["location"]["cell"] == "B2"
    assert finding["masked"] == mask("IBAN_CODE", IBAN_CSV)
    assert _compact(IBAN_CSV) not in response.text


def test_scan_file_without_a_name_takes_its_format_from_the_content_type(client):
    response = client.post("/v1/scan", files={"file": ("", LETTER.encode(), "text/plain")})
    assert response.status_code == 200, response.text
    assert response.json()["counts"] == {"IBAN_CODE": 1}


@pytest.mark.parametrize("kwargs, status, code", [
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "bad_request"),
    ({"json": {"txt": "BE.."}}, 400, "bad_request"),
    ({"json": {"text": 42}}, 400, "bad_request"),
    ({"content": b'{"text": "IBAN \\ud800"}', "headers": {"content-type": "application/json"}}, 400, "bad_request"),
    ({"content": LETTER.encode(), "headers": {"content-type": "text/plain"}}, 415, "unsupported_type"),
    ({"files": {"document": ("brief.txt", b"hallo", "text/plain")}}, 400, "bad_request"),
    ({"data": {"note": "x"}, "files": {"file": ("brief.txt", b"hallo", "text/plain")}}, 400, "bad_request"),
    ({"files": {"file": ("model.stl", b"solid x", "application/octet-stream")}}, 415, "unsupported_type"),
    ({"files": {"file": ("blob", b"\x00\x01", "application/octet-stream")}}, 415, "unsupported_type"),
    ({"files": {"file": ("rapport.pdf", b"%PDF-1.7\n this is no pdf", "application/pdf")}}, 400, "unreadable"),
    ({"content": b"--xyz\r\nbroken", "headers": {"content-type": "multipart/form-data; boundary=xyz"}}, 400, "bad_request"),
    ({"content": b"a", "headers": {"content-type": "multipart/form-data"}}, 400, "bad_request"),
])
def test_scan_bad_input(client, kwargs, status, code):
    _assert_error(client.post("/v1/scan", **kwargs), status, code)


def test_unknown_path_and_method_are_json_errors(client):
    _assert_error(client.get("/v1/nothing"), 404, "not_found")
    response = client.get("/v1/scan")
    _assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["allow"]


# --- /v1/redact ----------------------------------------------------------------------------

def test_redact_text_file(client):
    response = client.post("/v1/redact", files={"file": ("brief.txt", LETTER.encode(), "text/plain")})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain"
    copy = response.content.decode()
    assert IBAN_TEXT not in copy and _compact(IBAN_TEXT) not in copy
    assert "op rekening [IBAN_CODE] voor 1 maart" in copy
    summary = json.loads(response.headers["x-piiscan-summary"])
    assert summary["status"] == "redacted" and summary["style"] == "label"
    assert summary["counts"] == {"IBAN_CODE": 1}
    assert summary["replacements"][0]["masked"] == mask("IBAN_CODE", IBAN_TEXT)
    assert _compact(IBAN_TEXT) not in response.headers["x-piiscan-summary"]


def test_redact_csv_with_mask_style_as_json(client):
    response = client.post("/v1/redact", data={"style": "mask"}, headers={"Accept": "application/json"},
                           files={"file": ("klanten.csv", CSV.encode(), "text/csv")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["content_type"] == "text/csv" and body["filename"] == "klanten.csv"
    copy = base64.b64decode(body["data"]).decode()
    assert copy.splitlines() == ["klantnummer;rekeningnummer", f"1017;{mask('IBAN_CODE', IBAN_CSV)}"]
    assert body["summary"]["counts"] == {"IBAN_CODE": 1}
    assert _compact(IBAN_CSV) not in response.text


def test_redact_file_without_findings_comes_back_unchanged(client):
    text = "Vergadering verplaatst naar donderdag.\n".encode()
    response = client.post("/v1/redact", files={"file": ("memo.txt", text, "text/plain")})
    assert response.status_code == 200
    assert response.content == text
    assert json.loads(response.headers["x-piiscan-summary"])["status"] == "unchanged"


@pytest.mark.parametrize("data, files, status, code", [
    ({"style": "bold"}, {"file": ("brief.txt", b"hallo", "text/plain")}, 400, "bad_request"),
    ({}, {}, 415, "unsupported_type"),  # not multipart at all: an empty body
    ({"style": "label"}, None, 400, "bad_request"),  # a form without a file
    ({}, {"file": ("scan.png", b"\x89PNG\r\n", "image/png")}, 415, "unsupported_type"),  # images: /v1/redact-id
    ({}, {"file": ("model.stl", b"solid x", "application/octet-stream")}, 415, "unsupported_type"),
    ({}, {"file": ("contract.docx", b"PK\x03\x04 not a zip", "application/octet-stream")}, 400, "unreadable"),
])
def test_redact_bad_input(client, data, files, status, code):
    if files is None:
        response = client.post("/v1/redact", data=data, files={"other": ("x.txt", b"x", "text/plain")})
        _assert_error(response, 400, "bad_request")
        response = client.post("/v1/redact", content=b"--b\r\nContent-Disposition: form-data; name=\"style\"\r\n\r\nlabel\r\n--b--\r\n",
                               headers={"content-type": "multipart/form-data; boundary=b"})
    else:
        response = client.post("/v1/redact", data=data, files=files or None)
    _assert_error(response, status, code)


# --- /v1/redact-id -------------------------------------------------------------------------

def _mostly_black(image: Image.Image, box) -> bool:
    pixels = np.asarray(image.convert("L").crop(box))
    return (pixels < 40).mean() > 0.9


def _check_id_copy(be_eid, copy: bytes, summary: dict) -> None:
    assert summary["status"] in ("redacted", "review"), summary
    assert summary["kind"] == "BE eID"
    assert "KOPIE" in summary["watermark"] and "Huurcontract" in summary["watermark"]
    assert {"MRZ", "BE_NATIONAL_NUMBER"} <= {area["entity_type"] for area in summary["masked"]}
    image = Image.open(io.BytesIO(copy))
    assert image.format == "PNG" and image.size == be_eid.image.size
    assert _mostly_black(image, be_eid.boxes["mrz"])
    changed = np.abs(np.asarray(image.convert("L"), dtype=int) - np.asarray(be_eid.image.convert("L"), dtype=int)) > 60
    # The watermark runs across the whole card: pixels changed well outside the black masks.
    masks = np.zeros_like(changed)
    for name in ("mrz", "national_number"):
        x0, y0, x1, y1 = be_eid.boxes[name]
        masks[y0:y1, x0:x1] = True
    assert (changed & ~masks).sum() > 2000
    text = json.dumps(summary)
    for secret in (be_eid.truth["national_number"], be_eid.truth["national_number_compact"],
                   be_eid.truth["document_number_compact"], be_eid.truth["mrz"][1]):
        assert secret not in text


def test_redact_id_returns_the_masked_copy_with_a_summary_header(client, be_eid):
    response = client.post("/v1/redact-id", data=ID_FORM, files={"file": ("eid_achterkant.png", _png(be_eid.image), "image/png")})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    _check_id_copy(be_eid, response.content, json.loads(response.headers["x-piiscan-summary"]))


def test_redact_id_as_json(client, be_eid):
    response = client.post("/v1/redact-id", data={**ID_FORM, "keep_photo": "false"}, headers={"Accept": "application/json"},
                           files={"file": ("eid.png", _png(be_eid.image), "image/png")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["content_type"] == "image/png"
    _check_id_copy(be_eid, base64.b64decode(body["data"]), body["summary"])


def test_redact_id_on_a_scanned_a4_page_with_both_sides(client):
    """What a client uploads in practice: both sides of an eID photocopied on one A4 page, a
    little askew, as JPEG."""
    scan = make_document("be_eid", side="both", variant="scan", seed=8)
    buffer = io.BytesIO()
    scan.image.save(buffer, "JPEG", quality=85)
    response = client.post("/v1/redact-id", data=ID_FORM, files={"file": ("scan.jpg", buffer.getvalue(), "image/jpeg")})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    summary = json.loads(response.headers["x-piiscan-summary"])
    assert summary["status"] in ("redacted", "review") and summary["kind"] == "BE eID"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == scan.image.size
    for region in ("photo", "mrz", "national_number", "document_number"):
        assert _mostly_black(image, scan.boxes[region]), region


def test_redact_id_refuses_what_is_not_an_id_document(client):
    page = Image.new("RGB", (700, 300), "white")
    ImageDraw.Draw(page).text((40, 120), "Boodschappenlijst: brood, kaas, appels", fill="black")
    response = client.post("/v1/redact-id", data=ID_FORM, files={"file": ("lijst.png", _png(page), "image/png")})
    body = _assert_error(response, 422, "not_an_id_document")
    assert body["summary"]["status"] == "not an ID document"


def test_an_image_no_step_can_handle_is_a_422_never_a_500(client):
    sliver = _png(Image.new("RGB", (3000, 4), "white"))  # decodes, but the OCR refuses its shape
    response = client.post("/v1/redact-id", data=ID_FORM, files={"file": ("sliver.png", sliver, "image/png")})
    assert response.status_code == 422, response.text
    assert response.json()["error"] in ("redaction_failed", "not_an_id_document")


@pytest.mark.parametrize("data, files, status, code", [
    ({"recipient": "x"}, {"file": ("eid.png", b"x", "image/png")}, 400, "bad_request"),  # no purpose
    ({"purpose": "   "}, {"file": ("eid.png", b"x", "image/png")}, 400, "bad_request"),
    ({**ID_FORM, "date": "22/11/2026"}, {"file": ("eid.png", b"x", "image/png")}, 400, "bad_request"),
    ({**ID_FORM, "keep_photo": "maybe"}, {"file": ("eid.png", b"x", "image/png")}, 400, "bad_request"),
    ({**ID_FORM, "purpose": "Huurcontract " * 9}, {"file": ("eid.png", b"x", "image/png")}, 400, "bad_request"),
    (ID_FORM, {"file": ("eid.png", b"\x89PNG\r\n\x1a\n broken", "image/png")}, 400, "unreadable"),
    (ID_FORM, {"file": ("eid.pdf", b"%PDF-1.4 broken", "application/pdf")}, 400, "unreadable"),
    (ID_FORM, {"file": ("eid.txt", b"BE", "text/plain")}, 415, "unsupported_type"),
    (ID_FORM, {"file": ("eid", b"BE", "application/octet-stream")}, 415, "unsupported_type"),
])
def test_redact_id_bad_input(client, data, files, status, code):
    _assert_error(client.post("/v1/redact-id", data=data, files=files), status, code)


# --- what the server keeps -----------------------------------------------------------------

def test_nothing_uploaded_is_logged_or_kept(server, client):
    """Run last in this module: after every upload above."""
    log = server.log()
    assert "POST /v1/redact-id 200" in log  # the log is the server's, and it logged the requests
    for value in ALL_VALUES:
        assert value not in log and _compact(value) not in log
    for name in ("klanten.csv", "brief.txt", "eid_achterkant", "Huurcontract", "Woonstad"):
        assert name not in log
    # TMPDIR holds the fork server's socket folder and onnxruntime's (the OCR's) session id
    # file, ".ses", and no file of any upload.
    assert {p.name for p in server.tmp_dir.rglob("*") if p.is_file()} <= {".ses"}
