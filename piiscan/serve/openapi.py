"""The API's OpenAPI 3.1 description, served at /openapi.json: written as data, by hand, so
it says exactly what the handlers do (tests/serve runs schemathesis against it)."""

from __future__ import annotations

from piiscan import __version__
from piiscan.redact.styles import STYLES
from piiscan.serve.errors import STATUS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str, codes: list[str], headers: dict | None = None, schema: str = "Error") -> dict:
    response = {
        "description": f"{description} (error: {', '.join(codes)})",
        "content": {"application/json": {"schema": _ref(schema)}},
    }
    if headers:
        response["headers"] = headers
    return response


_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}}
_WWW_AUTHENTICATE = {"WWW-Authenticate": {"description": 'Bearer realm="piiscan"', "schema": {"type": "string"}}}
_SUMMARY_HEADER = {
    "X-Piiscan-Summary": {
        "description": "The summary as one line of JSON (ASCII). Lists that would make it longer than 3000 "
                       "characters are left out and `truncated` is true; the JSON variant always has them.",
        "schema": {"type": "string"},
    },
    "Content-Disposition": {"description": "attachment; filename=...", "schema": {"type": "string"}},
}

# The responses every working endpoint can give besides its own.
_COMMON = {
    "400": _error("Bad input: a malformed form or JSON body, a missing or invalid field, a file that cannot be read",
                  ["bad_request", "unreadable"]),
    "401": _error("No bearer token, or a wrong one", ["unauthorized"], _WWW_AUTHENTICATE),
    "413": _error("The request body is larger than the server's --max-size", ["too_large"]),
    "415": _error("A content type or file format this endpoint does not take", ["unsupported_type"]),
    "500": _error("A bug, or the worker process died; never an answer to bad input", ["internal"]),
    "503": _error("Every worker busy and the queue full: retry after Retry-After seconds", ["busy"], _RETRY_AFTER),
    "504": _error("The request ran past the server's --timeout", ["timeout"]),
}


def _multipart(properties: dict, required: list[str]) -> dict:
    return {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "properties": properties, "required": required, "additionalProperties": False},
        "encoding": {"file": {"contentType": "application/octet-stream"}},
    }}}


_FILE = {"type": "string", "format": "binary",
         "description": "The file. Its name's suffix says the format (without one, the part's Content-Type)."}


def _copy_responses(summary: str, what: str, extra: dict) -> dict:
    return {
        "200": {
            "description": f"{what}, in the upload's format, with its content type (image/png, text/csv, ...); with `Accept: application/json`, "
                           "a JSON object with the copy in base64 and the summary.",
            "headers": _SUMMARY_HEADER,
            "content": {
                "*/*": {"schema": {"type": "string", "format": "binary"}},
                "application/json": {"schema": {
                    "type": "object",
                    "required": ["filename", "content_type", "data", "summary"],
                    "properties": {
                        "filename": {"type": "string"},
                        "content_type": {"type": "string"},
                        "data": {"type": "string", "contentEncoding": "base64"},
                        "summary": _ref(summary),
                    },
                }},
            },
        },
        **_COMMON,
        **extra,
    }


_LOCATION = {
    "type": "object",
    "description": "Where in the document: what applies of page, line, sheet, cell, part.",
    "properties": {"page": {"type": "integer"}, "line": {"type": "integer"}, "sheet": {"type": "string"},
                   "cell": {"type": "string"}, "part": {"type": "string"}},
}

_SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "enum": sorted(STATUS)},
            "message": {"type": "string"},
        },
    },
    "IdError": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "enum": sorted(STATUS)},
            "message": {"type": "string"},
            "summary": _ref("IdSummary"),
        },
    },
    "Finding": {
        "type": "object",
        "description": "One finding, as in the inventory: the masked value and a keyed hash, never the value.",
        "required": ["record", "path", "entity_type", "score", "masked", "hash", "location", "start", "end", "recognizer"],
        "properties": {
            "record": {"const": "finding"},
            "path": {"type": "string", "description": "The upload's name (text.txt for JSON text); members of "
                                                      "archives and mails as name!/member."},
            "entity_type": {"type": "string", "examples": ["IBAN_CODE"]},
            "score": {"type": "number"},
            "masked": {"type": "string", "examples": ["BE68 **** **** 7034"]},
            "hash": {"type": "string", "description": "HMAC-SHA256 of the normalised value with the server's key (32 hex)."},
            "location": _LOCATION,
            "start": {"type": "integer"},
            "end": {"type": "integer"},
            "recognizer": {"type": "string"},
        },
    },
    "ErrorRecord": {
        "type": "object",
        "required": ["record", "path", "error", "message"],
        "properties": {"record": {"const": "error"}, "path": {"type": "string"},
                       "error": {"type": "string"}, "message": {"type": "string"}},
    },
    "ScanResult": {
        "type": "object",
        "required": ["findings", "counts", "errors"],
        "properties": {
            "findings": {"type": "array", "items": _ref("Finding")},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"},
                       "description": "Findings per entity type."},
            "errors": {"type": "array", "items": _ref("ErrorRecord"),
                       "description": "Members of an archive or mail that could not be read (the rest was scanned), "
                                      "and the file's own error when it broke off part-way (see `complete`)."},
            "complete": {"type": "boolean",
                         "description": "false: the file broke off part-way; `findings` holds what was read before."},
        },
    },
    "Replacement": {
        "type": "object",
        "required": ["record", "path", "entity_type", "masked", "hash", "replacement", "location"],
        "properties": {
            "record": {"const": "redaction"},
            "path": {"type": "string"},
            "entity_type": {"type": "string"},
            "masked": {"type": "string"},
            "hash": {"type": "string"},
            "replacement": {"type": "string", "description": "What the copy holds in the value's place."},
            "location": _LOCATION,
        },
    },
    "RedactSummary": {
        "type": "object",
        "required": ["status", "style", "counts", "not_redacted"],
        "properties": {
            "status": {"type": "string", "enum": ["redacted", "unchanged"],
                       "description": "unchanged: nothing found, the copy is the original (verified all the same)."},
            "style": {"type": "string", "enum": list(STYLES)},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "replacements": {"type": "array", "items": _ref("Replacement")},
            "not_redacted": {"type": "array", "items": {"type": "string"},
                             "description": "Parts left as they were (an image inside a document): check them."},
            "truncated": {"type": "boolean"},
        },
    },
    "MaskedArea": {
        "type": "object",
        "required": ["page", "entity_type", "how"],
        "properties": {
            "page": {"type": "integer"},
            "entity_type": {"type": "string", "description": "What the black area covers: PHOTO, MRZ, ..."},
            "how": {"type": "string"},
            "masked": {"type": "string"},
            "hash": {"type": "string"},
        },
    },
    "IdSummary": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"type": "string", "enum": ["redacted", "review", "not an ID document", "failed"],
                       "description": "review: written and verified, but a fallback mask was used: check it by eye."},
            "kind": {"type": ["string", "null"], "examples": ["BE eID"]},
            "review": {"type": "array", "items": {"type": "string"}},
            "masked": {"type": "array", "items": _ref("MaskedArea")},
            "watermark": {"type": "string"},
            "truncated": {"type": "boolean"},
        },
    },
    "ScanText": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {"text": {"type": "string", "description": "Scanned as a UTF-8 text file named text.txt."}},
    },
}

SPEC = {
    "openapi": "3.1.0",
    "info": {
        "title": "piiscan",
        "version": __version__,
        "description": "Find and redact personal data in Belgian and Dutch documents, offline. Every endpoint "
                       "but /healthz needs `Authorization: Bearer <token>`. Answers carry masked values and "
                       "keyed hashes, never the values found; nothing uploaded is kept.",
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": _SCHEMAS,
    },
    "security": [{"bearer": []}],
    "paths": {
        "/healthz": {"get": {
            "operationId": "healthz",
            "summary": "Liveness: the server is up and its workers started.",
            "security": [],
            "responses": {"200": {"description": "Up.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}}}}},
        }},
        "/openapi.json": {"get": {
            "operationId": "openapi",
            "summary": "This description.",
            "responses": {
                "200": {"description": "The OpenAPI document.", "content": {"application/json": {"schema": {"type": "object"}}}},
                "401": _COMMON["401"],
            },
        }},
        "/v1/scan": {"post": {
            "operationId": "scan",
            "summary": "Find the personal data in a file or a text.",
            "requestBody": {"required": True, "content": {
                "multipart/form-data": _multipart({"file": _FILE}, ["file"])["content"]["multipart/form-data"],
                "application/json": {"schema": _ref("ScanText")},
            }},
            "responses": {
                "200": {"description": "The findings.", "content": {"application/json": {"schema": _ref("ScanResult")}}},
                **_COMMON,
            },
        }},
        "/v1/redact": {"post": {
            "operationId": "redact",
            "summary": "A redacted copy of a document: every finding replaced, the copy verified.",
            "requestBody": _multipart({
                "file": _FILE,
                "style": {"type": "string", "enum": list(STYLES), "default": "label",
                          "description": "label: [IBAN_CODE]; mask: BE68 **** **** 7034; hash: keyed, consistent; "
                                         "pseudonym: a realistic fake of the same type."},
            }, ["file"]),
            "responses": _copy_responses("RedactSummary", "The redacted copy", {
                "422": _error("The copy still held personal data when read back: none is returned",
                              ["verification_failed"]),
            }),
        }},
        "/v1/redact-id": {"post": {
            "operationId": "redactId",
            "summary": "A copy of an ID document fit to hand over: photo, MRZ, numbers and signature blacked out, "
                       "a KOPIE watermark across it.",
            "requestBody": _multipart({
                "file": {**_FILE, "description": "An image (JPEG, PNG, TIFF, BMP, WebP) or a PDF of the document."},
                "purpose": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"\S",
                            "description": "What the copy is for, written in the watermark."},
                "recipient": {"type": "string", "maxLength": 100,
                              "description": "Who receives the copy, written in the watermark."},
                "date": {"type": "string", "format": "date", "description": "Date in the watermark (default: today)."},
                "keep_photo": {"type": "boolean", "default": False, "description": "Leave the portrait visible."},
            }, ["file", "purpose"]),
            "responses": _copy_responses("IdSummary", "The masked and watermarked copy (same pixel size, no metadata)", {
                "422": _error("Not an ID document, or no copy could be made that passes verification (the summary "
                              "says which)", ["not_an_id_document", "redaction_failed"], schema="IdError"),
            }),
        }},
    },
}
