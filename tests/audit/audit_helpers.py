"""Shared by the audit tests: a synthetic share, an in-process audit, the state read back."""

from __future__ import annotations

import random
import sqlite3
import zipfile
from collections import Counter
from contextlib import closing
from pathlib import Path

from piiscan import synth
from piiscan.audit.auditor import AuditOutcome, run_audit
from piiscan.audit.incremental import scan_fingerprint
from piiscan.audit.state import State
from piiscan.config import Settings

KEY = bytes(range(32))
# In-process, one file after another: what the tests check does not depend on the pool.
SETTINGS = Settings(workers=1, timeout=None)

RNG = random.Random(7)
IBAN_A = synth.iban(RNG, "BE", spaced=True)
IBAN_B = synth.iban(RNG, "NL", spaced=True)
NN = synth.be_national_number(RNG)
EMAIL_A = "sophie.peeters@voorbeeld.be"
EMAIL_B = "jan.devries@example.nl"
EMAIL_C = "lotte.claes@voorbeeld.be"


def make_share(root: Path) -> Path:
    """Four files with personal data (one a zip), one without, in two folders."""
    (root / "hr").mkdir(parents=True)
    (root / "finance").mkdir()
    (root / "hr" / "brief.txt").write_text(
        f"Geachte mevrouw,\nRijksregisternummer: {NN}\nIBAN: {IBAN_A}\nE-mail: {EMAIL_A}\n", encoding="utf-8"
    )
    (root / "hr" / "notities.txt").write_text(f"Contact: {EMAIL_B}\n", encoding="utf-8")
    (root / "finance" / "betaling.txt").write_text(f"Terugbetaling op rekening {IBAN_A}.\n", encoding="utf-8")
    (root / "finance" / "agenda.txt").write_text("Vergadering maandag om tien uur.\n", encoding="utf-8")
    with zipfile.ZipFile(root / "finance" / "export.zip", "w") as archive:
        archive.writestr("2023/klanten.csv", f"naam;email;iban\nJan de Vries;{EMAIL_B};{IBAN_B}\n")
    return root


def audit(roots, db: Path, detector, settings: Settings = SETTINGS, rules=(), key: bytes = KEY) -> AuditOutcome:
    roots = [str(r) for r in (roots if isinstance(roots, (list, tuple)) else [roots])]
    with State(db) as state:
        state.lock()
        state.check_key(key)
        return run_audit(state, roots, settings, detector, key, scan_fingerprint(settings), list(rules))


def present(db: Path) -> Counter:
    """Findings present now, by identity: (path, type, hash, location)."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT path, entity_type, hash, location FROM finding_view WHERE resolved_run IS NULL AND file_status != 'deleted'"
        ).fetchall()
    return Counter(map(tuple, rows))


def query(db: Path, sql: str, *args) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, args).fetchall()
