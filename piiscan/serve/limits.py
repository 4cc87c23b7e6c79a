"""The request size limit: checked on the declared Content-Length before anything is read,
and again on the bytes as they stream in (a chunked upload declares no length, and a
declared one may lie)."""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request

from piiscan.serve.errors import ApiError


def check_declared_size(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length")
    if declared is None:
        return
    if not declared.strip().isdigit():
        raise ApiError("bad_request", "Content-Length is not a number")
    if int(declared) > limit:
        raise ApiError("too_large", f"the request body is larger than the limit of {limit} bytes")


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, in memory; ApiError too_large as soon as it passes `limit`."""
    check_declared_size(request, limit)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise ApiError("too_large", f"the request body is larger than the limit of {limit} bytes")
    except ClientDisconnect:
        raise ApiError("bad_request", "the client went away before the body was sent") from None
    return bytes(body)
