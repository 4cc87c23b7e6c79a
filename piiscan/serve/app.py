"""The HTTP API: a Starlette app over the worker pool.

Every request that does work takes the same path: the token is checked (auth.py, before
anything is read), the declared size checked, a slot taken or a 503 given (admission.py),
then, within the time limit, the body is read into memory with its size checked again as it
streams (limits.py), parsed, and handed to a worker (pool.py, jobs.py). The answer is the
copy or the findings; anything else is a JSON error (errors.py). Nothing of the upload is
kept once the response is sent, and the log says what happened, never to what.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import json
import logging
import mimetypes
import re
from contextlib import asynccontextmanager
from typing import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from piiscan.privacy import load_or_create_key
from piiscan.redact.styles import STYLES
from piiscan.serve.access_log import AccessLog
from piiscan.serve.admission import Admission, Busy
from piiscan.serve.auth import BearerAuth
from piiscan.serve.errors import ApiError, error_response
from piiscan.serve.forms import Form, Upload, parse_form
from piiscan.serve.limits import check_declared_size, read_body
from piiscan.serve.openapi import SPEC
from piiscan.serve.outcome import Outcome
from piiscan.serve.pool import WorkerDied, WorkerPool
from piiscan.serve.settings import ServeSettings

log = logging.getLogger("piiscan.serve")

SUMMARY_HEADER = "X-Piiscan-Summary"
# Response headers pass through proxies with small buffers (nginx: 4-8 kB for all of them);
# a longer summary loses its lists in the header (the JSON variant always has them all).
MAX_SUMMARY_HEADER = 3000
MAX_WATERMARK_FIELD = 100  # characters of purpose and of recipient: the watermark must stay legible
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def create_app(settings: ServeSettings) -> Starlette:
    pool = WorkerPool(settings.workers, settings.key or load_or_create_key())
    api = _Api(settings, pool, Admission(settings.active, settings.queue, settings.queue_wait))

    @asynccontextmanager
    async def lifespan(app):
        await pool.start()  # the server takes no request before every worker is ready
        yield
        await pool.close()

    app = Starlette(
        routes=[
            Route("/healthz", api.healthz, methods=["GET"]),
            Route("/openapi.json", api.openapi, methods=["GET"]),
            Route("/v1/scan", api.scan, methods=["POST"]),
            Route("/v1/redact", api.redact, methods=["POST"]),
            Route("/v1/redact-id", api.redact_id, methods=["POST"]),
        ],
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error},
    )
    app.add_middleware(BearerAuth, token=settings.token)
    app.add_middleware(AccessLog)  # added last: outermost, so it sees the 401s too
    return app


class _Api:
    def __init__(self, settings: ServeSettings, pool: WorkerPool, admission: Admission):
        self.settings = settings
        self.pool = pool
        self.admission = admission

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(SPEC)

    async def scan(self, request: Request) -> Response:
        return await self._handle(request, self._scan)

    async def redact(self, request: Request) -> Response:
        return await self._handle(request, self._redact)

    async def redact_id(self, request: Request) -> Response:
        return await self._handle(request, self._redact_id)

    async def _handle(self, request: Request, work: Callable[[Request], Awaitable[Response]]) -> Response:
        """The path every working request takes: size, slot, time limit, errors."""
        try:
            check_declared_size(request, self.settings.max_size)
            async with self.admission.slot():
                async with asyncio.timeout(self.settings.timeout):
                    return await work(request)
        except ApiError as exc:
            error = exc
        except Busy as exc:
            error = ApiError("busy", "the server is busy: retry later", {"Retry-After": str(exc.retry_after)})
        except TimeoutError:
            error = ApiError("timeout", f"the request took longer than the limit of {self.settings.timeout:g} s")
        except WorkerDied:
            error = ApiError("internal", "the worker process handling the request died; it has been replaced")
        except Exception as exc:  # noqa: BLE001 - a bug: a JSON 500, the type in the log, never the message
            log.error("internal error in %s %s: %s", request.method, request.url.path, type(exc).__name__)
            error = ApiError("internal", "internal error")
        request.state.error_code = error.code  # for the access log
        return error_response(error.code, error.message, error.headers, error.extra)

    async def _body(self, request: Request) -> bytes:
        return await read_body(request, self.settings.max_size)

    async def _form(self, request: Request, fields: set[str]) -> Form:
        if _media_type(request) != "multipart/form-data":
            raise ApiError("unsupported_type", "send the file as multipart/form-data")
        body = await self._body(request)
        form = await asyncio.to_thread(parse_form, body, request.headers["content-type"])
        unknown = set(form.parts) - fields
        if unknown:
            raise ApiError("bad_request", f"unknown form field(s): {', '.join(sorted(unknown))}")
        return form

    async def _scan(self, request: Request) -> Response:
        media_type = _media_type(request)
        if media_type == "application/json":
            name, data = "text.txt", _json_text(await asyncio.to_thread(_json, await self._body(request)))
        elif media_type == "multipart/form-data":
            upload = _file(await self._form(request, {"file"}))
            name, data = _name(upload), upload.data
        else:
            raise ApiError("unsupported_type", 'send a file as multipart/form-data, or JSON {"text": ...}')
        outcome = _checked(await self.pool.run("scan", {"name": name, "data": data}))
        return JSONResponse(outcome.summary)

    async def _redact(self, request: Request) -> Response:
        form = await self._form(request, {"file", "style"})
        upload = _file(form)
        style = form.text("style", "label")
        if style not in STYLES:
            raise ApiError("bad_request", f"style must be one of {', '.join(STYLES)}")
        name = _name(upload)
        outcome = _checked(await self.pool.run("redact", {"name": name, "data": upload.data, "style": style}))
        return _copy(request, outcome, name)

    async def _redact_id(self, request: Request) -> Response:
        form = await self._form(request, {"file", "purpose", "recipient", "date", "keep_photo"})
        upload = _file(form)
        purpose, recipient = form.text("purpose"), form.text("recipient")
        if len(purpose) > MAX_WATERMARK_FIELD or len(recipient) > MAX_WATERMARK_FIELD:
            raise ApiError("bad_request", f"purpose and recipient must fit in a watermark: {MAX_WATERMARK_FIELD} characters at most")
        purpose, recipient = purpose.strip(), recipient.strip()
        if not purpose:
            raise ApiError("bad_request", "purpose is required: what the copy is for (written in the watermark)")
        arguments = {
            "name": _name(upload), "data": upload.data, "purpose": purpose, "recipient": recipient or None,
            "date": _date(form.text("date")), "keep_photo": _flag(form.text("keep_photo", "false")),
        }
        outcome = _checked(await self.pool.run("redact_id", arguments))
        return _copy(request, outcome, arguments["name"])


def _checked(outcome: Outcome) -> Outcome:
    if outcome.note:
        log.warning("worker: %s", outcome.note)  # an exception's type, never a value (outcome.py)
    if outcome.error is not None:
        raise ApiError(outcome.error, outcome.message, extra={"summary": outcome.summary} if outcome.summary else None)
    return outcome


def _copy(request: Request, outcome: Outcome, name: str) -> Response:
    """The copy: its bytes with the summary in a header, or both in JSON when asked for."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    filename = _SAFE_NAME.sub("_", name) or "copy"
    if _wants_json(request):
        return JSONResponse({"filename": filename, "content_type": content_type,
                             "data": base64.b64encode(outcome.data).decode("ascii"), "summary": outcome.summary})
    # The content type as a header, not media_type: Starlette would add "charset=utf-8" to a
    # text type, and a copy keeps the original's encoding, whatever it is.
    return Response(outcome.data, headers={
        "Content-Type": content_type,
        SUMMARY_HEADER: summary_header(outcome.summary),
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
    })


def summary_header(summary: dict) -> str:
    """The summary as one line of ASCII JSON, its lists dropped when too long for a header."""
    text = json.dumps(summary, ensure_ascii=True, separators=(",", ":"))
    if len(text) <= MAX_SUMMARY_HEADER:
        return text
    short = {k: v for k, v in summary.items() if not isinstance(v, list) or k == "review"}
    short["truncated"] = True
    text = json.dumps(short, ensure_ascii=True, separators=(",", ":"))
    if len(text) <= MAX_SUMMARY_HEADER:
        return text
    return json.dumps({"status": summary.get("status"), "truncated": True}, separators=(",", ":"))


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _wants_json(request: Request) -> bool:
    accepted = [part.split(";", 1)[0].strip().lower() for part in request.headers.get("accept", "").split(",")]
    return "application/json" in accepted


def _json(body: bytes):
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError("bad_request", "the body is not valid JSON") from None


def _json_text(document) -> bytes:
    """The text to scan, as the UTF-8 file the workers read."""
    if not isinstance(document, dict) or not isinstance(document.get("text"), str) or set(document) != {"text"}:
        raise ApiError("bad_request", 'expected a JSON object {"text": "..."}')
    try:
        return document["text"].encode("utf-8")
    except UnicodeEncodeError:  # JSON may escape a lone surrogate ("\ud800"), which no text holds
        raise ApiError("bad_request", "the text is not valid Unicode") from None


def _file(form: Form) -> Upload:
    upload = form.parts.get("file")
    if upload is None:
        raise ApiError("bad_request", "the form needs a file in the field 'file'")
    return upload


def _name(upload: Upload) -> str:
    """The file's name as the workers see it: its suffix decides the format. Without one,
    the part's content type gives it (a browser sends both; a script may send neither)."""
    name = upload.filename.strip()
    if "." in name.strip("."):
        return name
    content_type = upload.content_type.split(";", 1)[0].strip().lower()
    suffix = mimetypes.guess_extension(content_type) if content_type != "application/octet-stream" else None
    if not suffix:
        raise ApiError("unsupported_type", "the file's format is unknown: give it a file name with a suffix (.pdf, .csv, .png, ...)")
    return (name or "upload") + suffix


def _date(text: str) -> str:
    if not text.strip():
        return datetime.date.today().isoformat()
    try:
        return datetime.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ApiError("bad_request", "date must be YYYY-MM-DD") from None


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off", ""):
        return False
    raise ApiError("bad_request", "keep_photo must be true or false")


async def _http_error(request: Request, exc: HTTPException) -> Response:
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
    request.state.error_code = code
    message = {404: "no such endpoint (see /openapi.json)", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
    return error_response(code, message, dict(exc.headers or {}))
