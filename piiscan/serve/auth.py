"""The bearer token: where it comes from, and the check in front of every endpoint.

The token lives in a file only its owner can read (0600): the server refuses to start on a
token file that its group or other users can read, as ssh does with a private key. Without
--token-file, one is generated on first start in the config folder (beside the hash key).
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import stat
from pathlib import Path

from piiscan.privacy import config_dir

TOKEN_NAME = "serve.token"
MIN_TOKEN_LENGTH = 16
OPEN_PATHS = frozenset({"/healthz"})  # what a load balancer may ask without a token


class TokenError(Exception):
    """The token file cannot be used; the message says why and what to do."""


def default_token_path() -> Path:
    return config_dir() / TOKEN_NAME


def load_token(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise TokenError(f"token file {path} does not exist") from None
    if not stat.S_ISREG(mode):
        raise TokenError(f"token file {path} is not a regular file")
    if mode & 0o077:
        raise TokenError(f"token file {path} is readable by others (mode {stat.S_IMODE(mode):04o}): "
                         f"chmod 600 {path}")
    token = path.read_text(encoding="utf-8").strip()
    if len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token) or not token.isascii():
        raise TokenError(f"token file {path} must hold one token of at least {MIN_TOKEN_LENGTH} ASCII characters, no spaces")
    return token


def load_or_create_token(path: Path | None = None) -> tuple[str, Path, bool]:
    """The token at `path` (default: the config folder's), created there when missing.
    Returns (token, path, created)."""
    path = path or default_token_path()
    if path.exists():
        return load_token(path), path, False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another server started at the same moment: use its token
        return load_token(path), path, False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token, path, True


class BearerAuth:
    """ASGI middleware: every request but OPEN_PATHS needs `Authorization: Bearer <token>`.
    It runs before anything reads the body, so an unauthenticated upload is never read."""

    def __init__(self, app, token: str):
        self.app = app
        self.expected = token.encode("ascii")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        presented = _bearer(scope)
        if presented is not None and hmac.compare_digest(presented, self.expected):
            await self.app(scope, receive, send)
            return
        if presented is None:
            challenge, message = 'Bearer realm="piiscan"', "this endpoint needs an Authorization: Bearer <token> header"
        else:
            challenge, message = 'Bearer realm="piiscan", error="invalid_token"', "the bearer token is not valid"
        body = json.dumps({"error": "unauthorized", "message": message}).encode()
        scope.setdefault("state", {})["error_code"] = "unauthorized"
        await send({"type": "http.response.start", "status": 401, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", challenge.encode())]})
        await send({"type": "http.response.body", "body": body})


def _bearer(scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.partition(b" ")
            if scheme.lower() == b"bearer" and token.strip():
                return token.strip()
            return b""  # an Authorization header of another kind: a wrong token
    return None
