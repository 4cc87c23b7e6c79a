"""The bearer token: required everywhere but /healthz, read from a private file, generated
when none is given."""

from __future__ import annotations

import stat
import subprocess
import sys

import httpx
import pytest


@pytest.mark.parametrize("path, method", [("/v1/scan", "POST"), ("/v1/redact", "POST"), ("/v1/redact-id", "POST"),
                                          ("/openapi.json", "GET")])
def test_every_endpoint_but_healthz_needs_the_token(server, path, method):
    missing = httpx.request(method, server.url + path, json={"text": "x"})
    assert missing.status_code == 401
    assert missing.json()["error"] == "unauthorized"
    assert missing.headers["www-authenticate"] == 'Bearer realm="piiscan"'

    wrong = httpx.request(method, server.url + path, json={"text": "x"},
                          headers={"Authorization": "Bearer serve-test-token-0123456788"})
    assert wrong.status_code == 401
    assert 'error="invalid_token"' in wrong.headers["www-authenticate"]

    basic = httpx.request(method, server.url + path, json={"text": "x"}, auth=("user", "serve-test-token-0123456789"))
    assert basic.status_code == 401


def test_the_right_token_is_let_in(server):
    response = httpx.post(server.url + "/v1/scan", json={"text": "Geen persoonsgegevens hier."}, headers=server.headers)
    assert response.status_code == 200
    assert response.json()["findings"] == []
    lower = httpx.post(server.url + "/v1/scan", json={"text": "x"},
                       headers={"Authorization": f"bearer {server.token}"})
    assert lower.status_code == 200  # the scheme name is case-insensitive (RFC 7235)


def test_a_token_is_generated_into_the_config_folder_when_none_is_given(tight_server):
    path = tight_server.config_dir / "piiscan" / "serve.token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(tight_server.token) >= 32
    assert f"generated a bearer token in {path}" in tight_server.log()
    assert tight_server.token not in tight_server.log()
    assert httpx.get(tight_server.url + "/openapi.json", headers=tight_server.headers).status_code == 200


def _serve(tmp_path, token_file):
    return subprocess.run([sys.executable, "-m", "piiscan", "serve", "--port", "1", "--token-file", str(token_file)],
                          capture_output=True, text=True, timeout=60,
                          env={"XDG_CONFIG_HOME": str(tmp_path / "config"), "PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644])
def test_the_server_refuses_a_token_file_others_can_read(tmp_path, mode):
    token_file = tmp_path / "token"
    token_file.write_text("a-long-enough-token-for-the-test\n")
    token_file.chmod(mode)
    result = _serve(tmp_path, token_file)
    assert result.returncode == 2
    assert "readable by others" in result.stderr and f"chmod 600 {token_file}" in result.stderr


@pytest.mark.parametrize("content", ["short\n", "two words that are long enough\n", ""])
def test_the_server_refuses_a_token_that_is_no_token(tmp_path, content):
    token_file = tmp_path / "token"
    token_file.write_text(content)
    token_file.chmod(0o600)
    result = _serve(tmp_path, token_file)
    assert result.returncode == 2 and "must hold one token" in result.stderr


def test_the_server_refuses_a_missing_token_file(tmp_path):
    result = _serve(tmp_path, tmp_path / "nothing")
    assert result.returncode == 2 and "does not exist" in result.stderr
