"""An audit killed half-way (SIGKILL, no clean-up at all) resumes on the next run: the files
it recorded are not read again, the rest are, and the final state equals that of one clean
run — no finding lost, none duplicated, all still reported as new."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest
from click.testing import CliRunner

from piiscan.cli import main
from tests.audit.audit_helpers import present, query
from tests.fixtures.id_documents import make_document

SMALL = 80  # files before and after the slow one


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """a_*.txt, then two ID-card images (OCR takes a while: the audit is killed while it
    reads them), then z_*.txt. The walk reads in name order and one worker keeps that order."""
    import random

    from piiscan import synth

    root = tmp_path_factory.mktemp("resume") / "tree"
    root.mkdir()
    rng = random.Random(11)
    for prefix in ("a", "z"):
        for i in range(SMALL):
            first, last = synth.person(rng, "nl_BE")
            (root / f"{prefix}_{i:03d}.txt").write_text(
                f"Klant: {first} {last}\nE-mail: {synth.email(rng, first, last)}\nIBAN: {synth.iban(rng)}\n", encoding="utf-8"
            )
    make_document("be_eid", seed=5, side="back").image.save(root / "m_scan1.png")
    make_document("nl_id_card", seed=6, side="back").image.save(root / "m_scan2.png")
    return root


def _count(db, like: str) -> int:
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
            return conn.execute("SELECT COUNT(*) FROM files WHERE path LIKE ? AND scanned_run IS NOT NULL", (like,)).fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # not created yet


def test_a_killed_audit_resumes_without_losing_or_duplicating_findings(tree, tmp_path):
    env = {"PIISCAN_KEY_FILE": str(tmp_path / "hash.key")}
    db = tmp_path / "audit.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "piiscan", "audit", str(tree), "--db", str(db), "--workers", "1", "--no-progress"],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while _count(db, f"{tree}/a_%") < SMALL and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert process.poll() is None, "the audit finished before it could be killed: " + process.stderr.read().decode()
        os.killpg(process.pid, signal.SIGKILL)  # the audit and its scanning process
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    # Killed while reading the images: every a_ file is recorded, no z_ file is.
    assert query(db, "SELECT id, complete, finished FROM runs") == [(1, 0, None)]
    recorded = {p.rsplit("/", 1)[-1] for (p,) in query(db, "SELECT path FROM files")}
    assert {p[:2] for p in recorded} <= {"a_", "m_"} and len([p for p in recorded if p[:2] == "a_"]) == SMALL

    resumed = CliRunner().invoke(main, ["audit", str(tree), "--db", str(db), "--workers", "1", "--no-progress", "--format", "jsonl"], env=env)
    assert resumed.exit_code == 1, resumed.output
    total_files = 2 * SMALL + 2
    # Only what the killed run had not recorded is read: the image(s) left and the z_ files.
    assert f"{total_files - len(recorded)} read, {len(recorded)} unchanged" in resumed.output
    # "New" counts since the last complete run: none, so everything the killed run found too.
    [(new, total, complete)] = query(db, "SELECT new_findings, findings_total, complete FROM runs WHERE id = 2")
    assert complete == 1 and new == total

    clean_db = tmp_path / "clean.db"
    clean = CliRunner().invoke(main, ["audit", str(tree), "--db", str(clean_db), "--workers", "1", "--no-progress"], env=env)
    assert clean.exit_code == 1, clean.output
    assert present(db) == present(clean_db)
    assert sum(present(db).values()) == total >= 2 * SMALL * 3
    assert max(present(db).values()) == 1  # nothing twice
