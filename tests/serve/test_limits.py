"""Limits and failures on a real server: request size (declared and streamed), a full
server (503), the time limit (504), and workers that die or hang being replaced.

`tight_server`: 1 worker, --max-size 1MB, --timeout 3, --queue 0 (so two requests in
progress fill it). A hung worker is made by stopping it (SIGSTOP), a dead one by SIGKILL.
"""

from __future__ import annotations

import json
import select
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil

LIMIT = 1_000_000


def _scan(server, text: str = "Rekening BE68 5390 0754 7034.") -> httpx.Response:
    return httpx.post(server.url + "/v1/scan", json={"text": text}, headers=server.headers, timeout=60)


def test_declared_oversized_body_is_refused_before_it_is_sent(tight_server):
    with socket.create_connection(("127.0.0.1", int(tight_server.url.rsplit(":", 1)[1])), timeout=10) as raw:
        raw.sendall(b"POST /v1/scan HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    b"Authorization: Bearer " + tight_server.token.encode() + b"\r\n"
                    b"Content-Length: %d\r\n\r\n" % (LIMIT + 1))
        response = b""
        while b"}" not in response:
            chunk = raw.recv(4096)
            if not chunk:
                break
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ")
    assert b'"error":"too_large"' in body


def test_streamed_oversized_body_is_cut_off(tight_server):
    sent = []

    def chunks():  # chunked transfer: no Content-Length to check, the count while reading must catch it
        for _ in range(40):
            sent.append(65536)
            yield b"a" * 65536

    response = httpx.post(tight_server.url + "/v1/scan", content=chunks(), timeout=30,
                          headers={**tight_server.headers, "content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert "content-length" not in response.request.headers
    assert sum(sent) > LIMIT


def test_a_body_just_under_the_limit_is_taken(tight_server):
    text = "x " * ((LIMIT - 100) // 2)
    response = _scan(tight_server, text)
    assert response.status_code == 200 and response.json()["findings"] == []


def _port(server) -> int:
    return int(server.url.rsplit(":", 1)[1])


def _start_slow_scan(server) -> tuple[socket.socket, bytes] | None:
    """A scan whose body is only partly sent, so it holds a slot; None if it got no slot."""
    body = b'{"text": "Rekening BE68 5390 0754 7034."}'
    raw = socket.create_connection(("127.0.0.1", _port(server)), timeout=10)
    raw.sendall(b"POST /v1/scan HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                b"Authorization: Bearer " + server.token.encode() + b"\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
    answered, _, _ = select.select([raw], [], [], 0.3)
    if answered:  # a 503 at once: no slot
        raw.close()
        return None
    return raw, body[10:]


def _finish(raw: socket.socket, rest: bytes) -> tuple[int, dict]:
    raw.sendall(rest)
    data = b""
    while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < _length(data):
        chunk = raw.recv(65536)
        if not chunk:
            break
        data += chunk
    raw.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def _length(data: bytes) -> int:
    for line in data.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def test_a_full_server_answers_503_with_retry_after(tight_server):
    held = []
    for _ in range(20):  # 2 slots (2 per worker), no queue: two unfinished uploads fill it
        slow = _start_slow_scan(tight_server)
        if slow is not None:
            held.append(slow)
        if len(held) == 2:
            break
    assert len(held) == 2
    busy = _scan(tight_server)
    answers = [_finish(raw, rest) for raw, rest in held]
    assert busy.status_code == 503
    assert busy.json()["error"] == "busy"
    assert int(busy.headers["retry-after"]) >= 1
    # The requests that held the slots were answered normally.
    assert [status for status, _ in answers] == [200, 200]
    assert all(body["counts"] == {"IBAN_CODE": 1} for _, body in answers)
    assert _scan(tight_server).status_code == 200


def test_a_hung_worker_gives_504_and_is_replaced(tight_server):
    [worker] = tight_server.wait_for_workers(1)
    worker.suspend()  # it hangs: takes the request and never answers
    response = _scan(tight_server)
    assert response.status_code == 504
    assert response.json()["error"] == "timeout"
    _, alive = psutil.wait_procs([worker], timeout=10)
    assert alive == []  # killed
    [fresh] = tight_server.wait_for_workers(1)
    assert fresh.pid != worker.pid
    assert _scan(tight_server).status_code == 200


def test_a_worker_that_dies_under_a_request_fails_that_request_only(tight_server):
    [worker] = tight_server.wait_for_workers(1)
    worker.suspend()
    with ThreadPoolExecutor(1) as threads:
        pending = threads.submit(_scan, tight_server)
        time.sleep(1)  # the request is on the stopped worker
        worker.kill()
        response = pending.result()
    assert response.status_code == 500
    assert response.json()["error"] == "internal"
    assert _scan(tight_server).status_code == 200


def test_a_worker_killed_while_idle_is_replaced(server):
    workers = server.wait_for_workers(2)
    workers[0].kill()
    psutil.wait_procs([workers[0]], timeout=10)
    for _ in range(4):  # whichever worker takes them, every request is answered
        response = _scan(server)
        assert response.status_code == 200 and response.json()["counts"] == {"IBAN_CODE": 1}
    fresh = server.wait_for_workers(2)
    assert workers[0].pid not in {w.pid for w in fresh}


def test_the_log_says_what_happened_without_values(tight_server):
    log = tight_server.log()
    assert "POST /v1/scan 413 too_large" in log and "POST /v1/scan 504 timeout" in log
    assert "BE68 5390 0754 7034" not in log and "BE68539007547034" not in log
