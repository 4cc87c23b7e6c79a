"""The state database: private, WAL, versioned schema with a forward migration, one hash
key, one audit at a time."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing

import pytest

from piiscan.audit.state import MIGRATIONS, SCHEMA_VERSION, State, StateError, migrate
from tests.audit.audit_helpers import KEY, audit, make_share, query


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_its_companions_are_private(tmp_path):
    db = tmp_path / "new-folder" / "audit.db"
    old_umask = os.umask(0)  # a permissive umask must not make the state readable by others
    try:
        with State(db) as state:
            state.lock()
            state.check_key(KEY)  # a write: the -wal and -shm files exist while open
            for companion in ("audit.db-wal", "audit.db-shm", "audit.db.lock"):
                assert _mode(db.with_name(companion)) == 0o600, companion
    finally:
        os.umask(old_umask)
    assert _mode(db) == 0o600
    assert _mode(db.parent) == 0o700


def test_wal_mode_and_current_schema(tmp_path):
    with State(tmp_path / "a.db") as state:
        assert state.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert state.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_a_version_1_database_is_migrated_forward_with_its_data(tmp_path, detector):
    db = tmp_path / "old.db"
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        assert migrate(conn, upto=1) == 1
        conn.execute("INSERT INTO runs (started, finished, complete, paths) VALUES ('2024-01-01T00:00:00Z', '2024-01-01T00:01:00Z', 1, '[]')")
        file_id = conn.execute(
            "INSERT INTO files (path, root, size, mtime_ns, status, first_seen, seen_run) VALUES ('/x/a.zip', '/x', 3, 1, 'ok', '2024-01-01T00:00:00Z', 1)"
        ).lastrowid
        conn.execute(
            "INSERT INTO findings (file_id, member, entity_type, hash, masked, location, first_seen, first_run, last_seen, last_run) "
            "VALUES (?, '!/b.csv', 'IBAN_CODE', 'h', 'BE68 **** **** 7034', '{}', '2024-01-01T00:00:00Z', 1, '2024-01-01T00:00:00Z', 1)",
            (file_id,),
        )
        assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} >= {"files", "findings", "runs"}
        assert "breaches" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    with State(db) as state:
        assert state.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert state.last_complete_run() == 1
    assert query(db, "SELECT COUNT(*) FROM breaches") == [(0,)]
    assert query(db, "SELECT file, path, masked FROM finding_view") == [("/x/a.zip", "/x/a.zip!/b.csv", "BE68 **** **** 7034")]
    # And the migrated database is audited like any other.
    share = make_share(tmp_path / "share")
    outcome = audit(share, db, detector)
    assert outcome.run_id == 2 and outcome.last_complete == 1 and outcome.findings_total == 8


def test_a_database_from_a_newer_piiscan_is_refused(tmp_path):
    db = tmp_path / "new.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StateError, match="newer piiscan"):
        State(db)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    db = tmp_path / "notes.txt"
    db.write_text("not sqlite at all, just some notes\n" * 20)
    with pytest.raises(StateError, match="not a piiscan audit database"):
        State(db)


def test_another_hash_key_is_refused(tmp_path):
    db = tmp_path / "a.db"
    with State(db) as state:
        state.check_key(KEY)
    with State(db) as state:
        state.check_key(KEY)  # the same key: fine
        with pytest.raises(StateError, match="another hash key"):
            state.check_key(bytes(32))


def test_one_audit_at_a_time(tmp_path):
    db = tmp_path / "a.db"
    with State(db) as first:
        first.lock()
        with State(db) as second:
            with pytest.raises(StateError, match="another piiscan audit is running"):
                second.lock()
    with State(db) as third:
        third.lock()  # released with the first


def test_readers_do_not_create_a_database(tmp_path):
    with pytest.raises(StateError, match="no audit database"):
        State(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()
