"""A burst of concurrent scans: every request answered with its own findings, and the
server's memory (its process and the workers) stays bounded."""

from __future__ import annotations

import asyncio
import random

import httpx

from piiscan import synth
from piiscan.privacy import mask

REQUESTS = 60


async def _burst(server, texts: list[str]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=REQUESTS)
    async with httpx.AsyncClient(base_url=server.url, headers=server.headers, timeout=120, limits=limits) as client:
        return await asyncio.gather(*(client.post("/v1/scan", json={"text": text}) for text in texts))


def test_a_burst_of_scans_is_answered_correctly_in_bounded_memory(server):
    rng = random.Random(50)
    ibans = [synth.iban(rng, rng.choice(["BE", "NL"])) for _ in range(REQUESTS)]
    # ~10 kB each: a letter with one IBAN among filler lines
    texts = [f"Factuur {n}\n" + "Met vriendelijke groeten en tot volgende week.\n" * 200 + f"Te betalen op {iban}.\n"
             for n, iban in enumerate(ibans)]
    asyncio.run(_burst(server, texts[:4]))  # warm up: the workers' first scans load what they use
    before = server.rss()
    responses = asyncio.run(_burst(server, texts))
    after = server.rss()
    for iban, response in zip(ibans, responses):
        assert response.status_code == 200, response.text
        [finding] = response.json()["findings"]
        assert finding["entity_type"] == "IBAN_CODE" and finding["masked"] == mask("IBAN_CODE", iban)
        assert finding["location"] == {"line": 202}
        assert iban.replace(" ", "") not in response.text
    # Generous bounds, as memory use differs between machines: 60 requests, 4 in progress at
    # a time (2 workers), the rest waiting with nothing read; the workers hold one detector each.
    assert after - before < 300 * 1024 * 1024, (before, after)
    assert after < 2 * 1024 * 1024 * 1024
