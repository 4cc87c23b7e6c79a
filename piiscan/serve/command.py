"""`piiscan serve`: a local HTTP API to scan, redact and redact ID copies as they are uploaded."""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path

import click

from piiscan.run.pool import default_workers
from piiscan.serve.settings import DEFAULT_QUEUE, DEFAULT_TIMEOUT


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on. Keep the loopback and put a TLS reverse proxy in front for other machines.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path), help="File holding the bearer token (mode 0600). Default: generated on first start in ~/.config/piiscan/serve.token.")
@click.option("--workers", type=click.IntRange(1, 256), default=default_workers, show_default="CPU cores", help="Worker processes: requests processed at once.")
@click.option("--max-size", default="20MB", show_default=True, help="Largest request body accepted (413 above it).")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True, help="Seconds one request may take, upload included (504 past it).")
@click.option("--queue", type=click.IntRange(0, 10000), default=DEFAULT_QUEUE, show_default=True, help="Requests that may wait (10 s at most) when the server is full; past that, 503 with Retry-After.")
def serve(host, port, token_file, workers, max_size, timeout, queue):
    """Serve the scanner over HTTP: POST /v1/scan, /v1/redact and /v1/redact-id; GET /healthz
    and /openapi.json. Every endpoint but /healthz needs `Authorization: Bearer <token>`.
    Uploads are processed in memory and never kept; the log holds no values."""
    import uvicorn  # only the server needs it

    from piiscan.cli import parse_size
    from piiscan.privacy import load_or_create_key
    from piiscan.serve.app import create_app
    from piiscan.serve.auth import TokenError, load_or_create_token, load_token
    from piiscan.serve.settings import ServeSettings

    try:
        if token_file:
            token, token_path = load_token(token_file), token_file
        else:
            token, token_path, created = load_or_create_token()
            if created:
                click.echo(f"piiscan serve: generated a bearer token in {token_path} (mode 0600)", err=True)
    except TokenError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"piiscan serve: clients authenticate with the token in {token_path}", err=True)
    if not _loopback(host):
        click.echo(f"piiscan serve: listening on {host}, beyond this machine, without TLS: put a TLS reverse proxy "
                   "in front (see the README)", err=True)
    limit = parse_size(max_size)
    if limit < 1:
        raise click.BadParameter("must be at least 1 byte", param_hint="--max-size")
    settings = ServeSettings(token=token, workers=workers, max_size=limit, timeout=timeout, queue=queue,
                             key=load_or_create_key())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = uvicorn.Config(
        create_app(settings), host=host, port=port,
        log_config=None,  # the root logger above; uvicorn's access log is off, ours holds no client data
        access_log=False,
        server_header=False,
        # A last guard under the app's own 503s: connections past this get uvicorn's plain 503.
        limit_concurrency=2 * (settings.active + queue) + 32,
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run()


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
