"""The served /openapi.json against the running server: schemathesis generates requests
from it (valid and invalid) and checks that no answer is a 5xx and that every status,
content type and JSON body is one the description documents."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "negative_data_rejection")


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(server, tmp_path):
    st = Path(sys.executable).with_name("st")
    result = subprocess.run(
        [str(st), "run", f"{server.url}/openapi.json", "-H", f"Authorization: Bearer {server.token}",
         "--checks", CHECKS, "--max-examples", "50", "--seed", "1", "--workers", "2", "--no-color",
         "--generation-database", "none", "--request-timeout", "60",
         "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert generated and int(generated.group(1)) > 100 and generated.group(1) == generated.group(2), result.stdout[-3000:]
