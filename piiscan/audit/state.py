"""The audit's memory: a SQLite database of files, findings, runs and retention breaches.

One file, private (0600), in WAL mode so `piiscan find` can read while an audit writes. The
schema is versioned with `PRAGMA user_version` and grown by the MIGRATIONS below, oldest
first: a database made by an older piiscan is brought forward when it is opened, and one
made by a newer piiscan is refused rather than misread.

Never a raw value: findings are stored as their masked form and keyed hash only, so the
database can sit next to the inventory without becoming a copy of the personal data.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from piiscan.privacy import keyed_hash

# Each migration is a list of statements run in one transaction; after migration N the
# database's user_version is N. Append, never edit a released migration.
MIGRATIONS: list[list[str]] = [
    # 1: files, findings, runs.
    [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started TEXT NOT NULL,
            finished TEXT,
            complete INTEGER NOT NULL DEFAULT 0,
            paths TEXT NOT NULL,              -- JSON list of the roots audited
            files_seen INTEGER, files_read INTEGER, files_unchanged INTEGER,
            files_touched INTEGER, files_deleted INTEGER,
            files_total INTEGER, files_with_findings INTEGER, findings_total INTEGER,
            new_findings INTEGER, resolved_findings INTEGER, id_copies INTEGER, errors INTEGER
        )""",
        """CREATE TABLE files (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,        -- top-level file on disk; members live in findings
            root TEXT NOT NULL,               -- the audited root it was found under
            size INTEGER, mtime_ns INTEGER,
            sha256 TEXT,
            status TEXT NOT NULL,             -- ok | skipped | error | deleted
            error_kind TEXT, error_message TEXT,
            member_errors TEXT,               -- JSON [[path, kind, message], ...]
            findings INTEGER NOT NULL DEFAULT 0,
            fingerprint TEXT,                 -- rules and settings it was read with
            first_seen TEXT NOT NULL,
            last_scanned TEXT,
            scanned_run INTEGER,              -- the run that last read it
            seen_run INTEGER,                 -- the last run that found it on disk
            deleted_run INTEGER
        )""",
        "CREATE INDEX files_seen ON files (seen_run)",
        """CREATE TABLE findings (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file_id INTEGER NOT NULL REFERENCES files (id),
            member TEXT,                      -- NULL: in the file itself; '!/2023/x.csv': in a member
            entity_type TEXT NOT NULL,
            hash TEXT NOT NULL,               -- keyed hash of the canonical value
            masked TEXT NOT NULL,
            location TEXT NOT NULL,           -- JSON, keys sorted
            score REAL,
            recognizer TEXT,
            first_seen TEXT NOT NULL, first_run INTEGER NOT NULL,
            last_seen TEXT NOT NULL, last_run INTEGER NOT NULL,  -- last read that confirmed it
            resolved TEXT, resolved_run INTEGER                  -- NULL while present
        )""",
        "CREATE INDEX findings_file ON findings (file_id, resolved_run)",
        "CREATE INDEX findings_hash ON findings (hash)",
        # Findings with the paths and file state readers need: `file` on disk, `path` where
        # exactly (the file, or a member of it).
        """CREATE VIEW finding_view AS
           SELECT f.*, fl.path AS file,
                  CASE WHEN f.member IS NULL THEN fl.path
                       WHEN substr(f.member, 1, 2) = '!/' THEN fl.path || f.member
                       ELSE f.member END AS path,
                  fl.seen_run AS file_seen_run, fl.status AS file_status, fl.mtime_ns AS mtime_ns, fl.root AS root
           FROM findings f JOIN files fl ON fl.id = f.file_id""",
    ],
    # 2: retention breaches.
    [
        """CREATE TABLE breaches (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            path TEXT NOT NULL,               -- top-level file
            rule TEXT NOT NULL,
            max_age_days INTEGER NOT NULL,
            age_days INTEGER NOT NULL,        -- as of last_run
            first_seen TEXT NOT NULL, first_run INTEGER NOT NULL,
            last_run INTEGER NOT NULL,
            resolved TEXT, resolved_run INTEGER
        )""",
        "CREATE INDEX breaches_open ON breaches (resolved_run, path)",
        "ALTER TABLE runs ADD COLUMN breaches INTEGER",
        "ALTER TABLE runs ADD COLUMN new_breaches INTEGER",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)

_KEY_CHECK = ("piiscan-audit", "key-check")


class StateError(Exception):
    """The database cannot be used: newer schema, another hash key, another audit running."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def migrate(conn: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Apply the migrations the database lacks, up to `upto`; returns the version reached."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StateError(
            f"the database has schema version {version}; this piiscan knows up to {SCHEMA_VERSION}: use a newer piiscan"
        )
    for number in range(version + 1, upto + 1):
        # One transaction per step: a failure leaves the database at the previous version.
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[number - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        version = number
    return version


def _create_private(path: Path) -> None:
    """Create the database file 0600 before SQLite opens it (SQLite would use the umask);
    its -wal and -shm files take the database's mode."""
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def connect(path: str | os.PathLike, create: bool = True) -> sqlite3.Connection:
    """A connection with the schema brought up to date. `create=False` for readers
    (`piiscan find`): a missing database is an error, not an empty new one."""
    path = Path(path)
    if create:
        _create_private(path)
    elif not path.is_file():
        raise StateError(f"no audit database at {path}: run `piiscan audit PATH --db {path}` first")
    # isolation_level=None: transactions are explicit (BEGIN/COMMIT below), so what is one
    # file's atomic write is visible in the code, not left to the driver's implicit BEGINs.
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode survives a killed process (not a power cut mid-commit), at a
        # fraction of FULL's cost per commit.
        conn.execute("PRAGMA synchronous = NORMAL")
        # Checkpoint (and fsync) every ~40 MB of log rather than every 4 MB: an audit commits
        # once per file, and frequent checkpoints doubled the cost of the first run.
        conn.execute("PRAGMA wal_autocheckpoint = 10000")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StateError(f"{path}: not a piiscan audit database ({exc})") from exc
    except BaseException:
        conn.close()
        raise
    return conn


class State:
    """The open database, with the few operations every caller needs."""

    def __init__(self, path: str | os.PathLike, create: bool = True):
        self.path = Path(path)
        self.conn = connect(self.path, create=create)
        self._lock_fd: int | None = None
        self._in_tx = False

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        if self._in_tx:
            self.conn.execute("ROLLBACK")
            self._in_tx = False
        if self._lock_fd is not None:
            try:  # the writer leaves no large -wal file behind between runs
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
        self.conn.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> "State":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def lock(self) -> None:
        """One audit at a time per database (cron runs can overlap). A lock file beside the
        database, not a lock on it: closing any descriptor of the database file would drop
        SQLite's own locks."""
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StateError(f"another piiscan audit is running on {self.path}") from None
        self._lock_fd = fd

    # -- transactions ------------------------------------------------------------------

    def begin(self) -> None:
        if not self._in_tx:
            self.conn.execute("BEGIN IMMEDIATE")
            self._in_tx = True

    def commit(self) -> None:
        if self._in_tx:
            self.conn.execute("COMMIT")
            self._in_tx = False

    def rollback(self) -> None:
        if self._in_tx:
            self.conn.execute("ROLLBACK")
            self._in_tx = False

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Everything inside commits together or not at all."""
        self.begin()
        try:
            yield self.conn
        except BaseException:
            self.rollback()
            raise
        self.commit()

    # -- meta --------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def check_key(self, key: bytes, adopt: bool = True) -> None:
        """Hashes from two keys never match: an audit with another key would report every
        finding as new and `find` would find nothing. The first audit records a check value
        (a keyed hash of a constant, which reveals nothing about the key)."""
        check = keyed_hash(key, *_KEY_CHECK)
        stored = self.meta("key_check")
        if stored is None:
            if adopt:
                with self.transaction():
                    self.set_meta("key_check", check)
            return
        if stored != check:
            raise StateError(
                "this database was built with another hash key; use the key of the earlier audits "
                "(PIISCAN_KEY_FILE, or ~/.config/piiscan/hash.key of the account that ran them)"
            )

    # -- runs --------------------------------------------------------------------------

    def last_complete_run(self, before: int | None = None) -> int:
        """Id of the last run that finished (0 when none): "new" means new since then, so a
        run killed half-way hands its news on to the run that completes it."""
        sql = "SELECT MAX(id) FROM runs WHERE complete = 1"
        args: tuple = ()
        if before is not None:
            sql += " AND id < ?"
            args = (before,)
        return self.conn.execute(sql, args).fetchone()[0] or 0

    def latest_run(self) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()

    def run(self, run_id: int) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
