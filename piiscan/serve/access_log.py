"""The access log: one line per request, what happened and never to what."""

from __future__ import annotations

import logging
import time

log = logging.getLogger("piiscan.serve")

# The paths the access log names; any other path is logged as "-" (a path is the client's text).
_KNOWN_PATHS = frozenset({"/healthz", "/openapi.json", "/v1/scan", "/v1/redact", "/v1/redact-id"})


class AccessLog:
    """ASGI middleware: method, endpoint, status, error code (handlers leave it in the
    request state), body bytes, seconds. No client address, file name, field or value."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [0]
        received = [0]

        async def counting_receive():
            message = await receive()
            received[0] += len(message.get("body", b""))
            return message

        async def recording_send(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, counting_receive, recording_send)
        finally:
            path = scope["path"] if scope["path"] in _KNOWN_PATHS else "-"
            code = scope.get("state", {}).get("error_code", "")
            log.info("%s %s %d%s %dB %.3fs", scope["method"], path, status[0], f" {code}" if code else "",
                     received[0], time.perf_counter() - started)

