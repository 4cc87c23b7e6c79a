"""`piiscan serve` under load: requests per second and p50/p95 latency for POST /v1/scan on
a 10 kB text and POST /v1/redact-id on a synthetic BE eID image, with the number of workers.

    python bench/bench_serve.py [--workers N] [--scans 400] [--ids 8] [--concurrency C] [--json FILE]

A real server is started as `python -m piiscan serve` on a free loopback port (its own
temporary config folder and token), as a client would find it; requests come from
`--concurrency` connections at once (default: 4 per worker, so the queue is used; for ID
images at most 2 per worker, what the server takes on at once). Latency
is the client's wall-clock time per request, queueing included. The first requests of each
kind warm the workers up (an OCR engine loads on a worker's first image) and are not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from piiscan import synth  # noqa: E402
from piiscan.run.pool import default_workers  # noqa: E402


def _text_10k(rng: random.Random) -> str:
    lines = []
    while sum(len(line) + 1 for line in lines) < 10_000:
        first, last = synth.person(rng, "nl_NL")
        lines.append(f"{first} {last}, rekening {synth.iban(rng, 'BE')}, tel. {synth.phone_be(rng)}, "
                     f"factuur {rng.randint(1000, 9999)} van {rng.randint(1, 28)} maart.")
        lines.extend("Met vriendelijke groeten en tot volgende week." for _ in range(3))
    return "\n".join(lines)


def _id_png() -> bytes:
    from tests.fixtures.id_documents import make_document

    buffer = io.BytesIO()
    make_document("be_eid", side="back").image.save(buffer, "PNG")
    return buffer.getvalue()


def _start(workers: int, folder: Path) -> tuple[subprocess.Popen, str, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "XDG_CONFIG_HOME": str(folder / "config")}
    process = subprocess.Popen([sys.executable, "-m", "piiscan", "serve", "--port", str(port), "--workers", str(workers)],
                               stdout=subprocess.DEVNULL, stderr=open(folder / "server.log", "wb"), env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    while True:
        if process.poll() is not None:
            sys.exit(f"the server exited: {(folder / 'server.log').read_text()}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    print(f"server up in {time.monotonic() - started:.1f} s ({workers} workers)")
    return process, url, (folder / "config" / "piiscan" / "serve.token").read_text().strip()


async def _load(url: str, token: str, requests: list[dict], concurrency: int) -> tuple[float, list[float], dict]:
    """Send every request, `concurrency` at a time; wall time, latencies, statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600, limits=limits) as client:
        async def sender():
            while not queue.empty():
                request = queue.get_nowait()
                started = time.perf_counter()
                response = await client.post(**request)
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies, statuses


def _figures(name: str, wall: float, latencies: list[float], statuses: dict) -> dict:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    figures = {"endpoint": name, "requests": len(latencies), "seconds": round(wall, 2),
               "requests_per_s": round(len(latencies) / wall, 2), "p50_ms": round(statistics.median(ordered) * 1000, 1),
               "p95_ms": round(p95 * 1000, 1), "statuses": statuses}
    print(f"{name:<14} {figures['requests']:>5} requests in {wall:6.1f} s: {figures['requests_per_s']:7.2f} req/s, "
          f"p50 {figures['p50_ms']:8.1f} ms, p95 {figures['p95_ms']:8.1f} ms, statuses {statuses}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--scans", type=int, default=400, help="/v1/scan requests (10 kB text each)")
    parser.add_argument("--ids", type=int, default=8, help="/v1/redact-id requests (a BE eID image each)")
    parser.add_argument("--concurrency", type=int, help="requests in flight (default: 4 per worker)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    concurrency = args.concurrency or 4 * args.workers
    rng = random.Random(10)
    texts = [_text_10k(rng) for _ in range(20)]
    png = _id_png()
    scan = lambda i: {"url": "/v1/scan", "json": {"text": texts[i % len(texts)]}}  # noqa: E731
    redact_id = lambda i: {"url": "/v1/redact-id", "data": {"purpose": "Bench", "date": "2026-01-01"},  # noqa: E731
                           "files": {"file": ("eid.png", png, "image/png")}}
    print(f"{os.cpu_count()} CPUs, {args.workers} workers, {concurrency} requests in flight; "
          f"scan text {len(texts[0])} chars, ID image {len(png)} bytes")
    with tempfile.TemporaryDirectory() as folder:
        process, url, token = _start(args.workers, Path(folder))
        try:
            results = []
            asyncio.run(_load(url, token, [scan(i) for i in range(2 * args.workers)], args.workers))
            results.append(_figures("/v1/scan", *asyncio.run(_load(url, token, [scan(i) for i in range(args.scans)], concurrency))))
            asyncio.run(_load(url, token, [redact_id(i) for i in range(args.workers)], args.workers))
            # ID copies take seconds each: as many in flight as the server takes on at once
            # (2 per worker), not more, or the rest would be measuring 503s after the queue wait.
            results.append(_figures("/v1/redact-id", *asyncio.run(_load(url, token, [redact_id(i) for i in range(args.ids)],
                                                                       min(concurrency, 2 * args.workers)))))
        finally:
            process.terminate()
            process.wait(timeout=30)
    if args.json:
        args.json.write_text(json.dumps({"workers": args.workers, "concurrency": concurrency, "results": results}, indent=2))


if __name__ == "__main__":
    main()
