"""Walking a share: regular files only, links not followed, excludes, stable order."""

from __future__ import annotations

import os

from piiscan.model import Blob, ErrorRecord, Skip
from piiscan.sources.filesystem import WalkOptions, walk


def items(paths, **options):
    return list(walk([str(p) for p in paths], WalkOptions(**options)))


def test_walk_yields_blobs_in_sorted_order_with_display_paths(tmp_path):
    for name in ["b/2.txt", "b/1.txt", "a.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    blobs = [i for i in items([tmp_path]) if isinstance(i, Blob)]
    assert [b.path for b in blobs] == [f"{tmp_path}/a.txt", f"{tmp_path}/b/1.txt", f"{tmp_path}/b/2.txt"]
    with blobs[0].open() as handle:
        assert handle.read() == b"x"


def test_symlinks_are_skipped_not_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    share = tmp_path / "share"
    share.mkdir()
    os.symlink(outside, share / "link.txt")
    os.symlink(tmp_path, share / "loop")
    found = items([share])
    assert all(not isinstance(i, Blob) for i in found)
    assert {(os.path.basename(i.path), i.reason) for i in found} == {("link.txt", "symlink"), ("loop", "symlink")}


def test_fifo_is_skipped_instead_of_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    assert [(type(i), i.reason) for i in items([tmp_path])] == [(Skip, "not a regular file")]


def test_missing_path_is_an_error_record(tmp_path):
    (record,) = items([tmp_path / "nope"])
    assert isinstance(record, ErrorRecord) and record.kind == "unreadable"


def test_too_large(tmp_path):
    (tmp_path / "big.log").write_bytes(b"x" * 2000)
    (record,) = items([tmp_path], max_file_size=1000)
    assert isinstance(record, ErrorRecord) and record.kind == "too_large"


def test_exclude_globs_and_ignore_files_apply_below_their_folder(tmp_path):
    for name in ["keep.txt", "tmp/a.txt", "sub/skip.log", "sub/keep.csv", "other/skip.log"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "sub" / ".piiscanignore").write_text("# logs are rotated\n*.log\n")
    found = items([tmp_path], excludes=("tmp/",))
    scanned = sorted(os.path.relpath(i.path, tmp_path) for i in found if isinstance(i, Blob))
    assert scanned == ["keep.txt", "other/skip.log", "sub/keep.csv"]
    skipped = sorted(os.path.relpath(i.path, tmp_path) for i in found if isinstance(i, Skip))
    assert skipped == ["sub/skip.log", "tmp"]
