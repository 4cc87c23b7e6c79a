"""Walk folders and shares: which files to scan, which to skip, which cannot be read.

Only regular files are opened: FIFOs and devices would block or never end, and symlinks are
not followed by default because on a share they lead outside the tree or into loops.
Excludes use gitignore syntax (pathspec), from --exclude and from `.piiscanignore` files.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pathspec

from piiscan.model import Blob, ErrorRecord, Skip
from piiscan.sources.blob import file_blob

IGNORE_FILE = ".piiscanignore"


@dataclass(frozen=True)
class WalkOptions:
    excludes: tuple[str, ...] = ()
    max_file_size: int = 200 * 1024 * 1024
    follow_symlinks: bool = False


def _spec(patterns) -> pathspec.PathSpec | None:
    patterns = [p for p in patterns if p.strip() and not p.lstrip().startswith("#")]
    return pathspec.GitIgnoreSpec.from_lines(patterns) if patterns else None


def _read_ignore(folder: Path) -> list[str]:
    try:
        return (folder / IGNORE_FILE).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _display(root_display: str, relative: str) -> str:
    if not relative:
        return root_display
    return f"{root_display.rstrip('/')}/{relative}" if root_display not in ("", ".") else relative


def walk(paths: list[str], options: WalkOptions) -> Iterator[Blob | Skip | ErrorRecord]:
    """Blobs to scan, Skips to count and ErrorRecords to report, in a stable order."""
    cli_spec = _spec(options.excludes)
    for given in paths:
        root = Path(given)
        try:
            st = os.stat(root) if options.follow_symlinks else os.lstat(root)
        except OSError as exc:
            yield ErrorRecord(given, "unreadable", exc.strerror or str(exc))
            continue
        if stat.S_ISDIR(st.st_mode) or (stat.S_ISLNK(st.st_mode) and root.is_dir()):
            yield from _walk_dir(root, given, cli_spec, options)
        else:
            yield from _file(root, given, st, options)


def _walk_dir(root: Path, display_root: str, cli_spec, options: WalkOptions) -> Iterator:
    specs: dict[Path, pathspec.PathSpec | None] = {}
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=options.follow_symlinks):
        for err in errors:
            yield ErrorRecord(_display(display_root, os.path.relpath(err.filename, root)), "unreadable", err.strerror or str(err))
        errors.clear()
        here = Path(folder)
        rel_folder = here.relative_to(root).as_posix()
        rel_folder = "" if rel_folder == "." else rel_folder
        specs[here] = _spec(_read_ignore(here))

        def excluded(rel: str, is_dir: bool) -> bool:
            probe = rel + "/" if is_dir else rel
            if cli_spec and cli_spec.match_file(probe):
                return True
            # .piiscanignore files apply to their folder and everything below it.
            for base, spec in specs.items():
                if spec is None:
                    continue
                try:
                    inner = (root / rel).relative_to(base).as_posix()
                except ValueError:
                    continue
                if spec.match_file(inner + "/" if is_dir else inner):
                    return True
            return False

        dirs.sort()
        for d in list(dirs):
            rel = f"{rel_folder}/{d}" if rel_folder else d
            if not options.follow_symlinks and (here / d).is_symlink():
                dirs.remove(d)  # os.walk would not descend either; say so in the summary
                yield Skip(_display(display_root, rel), "symlink")
            elif excluded(rel, True):
                dirs.remove(d)
                yield Skip(_display(display_root, rel) + "/", "excluded")
        for name in sorted(files):
            rel = f"{rel_folder}/{name}" if rel_folder else name
            display = _display(display_root, rel)
            if name == IGNORE_FILE:
                continue
            if excluded(rel, False):
                yield Skip(display, "excluded")
                continue
            path = here / name
            try:
                st = os.stat(path) if options.follow_symlinks else os.lstat(path)
            except OSError as exc:
                yield ErrorRecord(display, "unreadable", exc.strerror or str(exc))
                continue
            yield from _file(path, display, st, options)
        # Folders we did not descend into are forgotten, keeping `specs` small.
        for base in [b for b in specs if b != here and not str(here).startswith(str(b))]:
            specs.pop(base, None)


def _file(path: Path, display: str, st: os.stat_result, options: WalkOptions) -> Iterator:
    if stat.S_ISLNK(st.st_mode):
        yield Skip(display, "symlink")
    elif not stat.S_ISREG(st.st_mode):
        yield Skip(display, "not a regular file")
    elif st.st_size > options.max_file_size:
        yield ErrorRecord(display, "too_large", f"{st.st_size} bytes exceeds --max-file-size {options.max_file_size}")
    elif not os.access(path, os.R_OK):
        yield ErrorRecord(display, "unreadable", "permission denied")
    else:
        yield file_blob(path, display)
