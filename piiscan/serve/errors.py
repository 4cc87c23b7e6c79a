"""The API's errors: one JSON shape, `{"error": code, "message": ...}`, one status per code.

Handlers raise ApiError anywhere; the app turns it into the response. The message is for the
client, who sent the data: it may describe the upload, but it never reaches the server log.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

# code -> HTTP status. The codes are part of the API (openapi.py documents them).
STATUS = {
    "bad_request": 400,       # malformed form or JSON, a missing or invalid field
    "unreadable": 400,        # the file is corrupt, encrypted or not what its name says
    "unauthorized": 401,      # no bearer token, or the wrong one
    "not_found": 404,
    "method_not_allowed": 405,
    "too_large": 413,         # the body is larger than --max-size
    "unsupported_type": 415,  # a format this endpoint does not take
    "not_an_id_document": 422,  # redact-id: no MRZ and no document keyword found
    "redaction_failed": 422,    # redact-id: no copy could be made that passes verification
    "verification_failed": 422,  # redact: the copy still held data, so none is returned
    "internal": 500,          # a bug or a worker that died: never for bad input
    "busy": 503,              # every worker busy and the queue full (Retry-After says when to retry)
    "timeout": 504,           # the request ran past --timeout
}


class ApiError(Exception):
    def __init__(self, code: str, message: str, headers: dict[str, str] | None = None, extra: dict | None = None):
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra or {}  # more members of the JSON body (redact-id: its summary)

    @property
    def status(self) -> int:
        return STATUS[self.code]


def error_response(code: str, message: str, headers: dict[str, str] | None = None, extra: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **(extra or {})}, status_code=STATUS[code], headers=headers)
