"""Redaction throughput per format: files/s, MB/s and PDF pages/s of `piiscan redact`'s
per-file job (redact, verify, write), one process, on the mixed tree of make_tree.py.

    python bench/bench_redact.py [--files 400] [--style label] [--tree PATH]

Each file goes through `piiscan.redact.job.redact_file` as the command runs it; the time
is CPU time of this process per file (redaction + verification + writing the copy), summed
per suffix. Verification (a re-scan of the copy and a raw search) is part of the figure,
because it is part of every redaction.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import make_tree  # noqa: E402

MB = 1_000_000


def _pages(path: Path) -> int:
    import pypdfium2

    with pypdfium2.PdfDocument(str(path)) as pdf:
        return len(pdf)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=400, help="files per run, spread over the formats (default 400)")
    ap.add_argument("--style", default="label")
    ap.add_argument("--tree", help="a folder to redact instead of the generated mixed tree")
    args = ap.parse_args()

    from piiscan.config import Settings
    from piiscan.detect.engine import Detector
    from piiscan.redact.job import Destination, RedactTask, redact_file
    from piiscan.redact.styles import Replacer
    from piiscan.redact.text import TextRedaction
    from piiscan.run.runner import files

    if args.tree:
        root = Path(args.tree)
    else:
        root = Path(make_tree.mixed_tree(2000, 0, make_tree.DEFAULT_PROFILE)["path"])
    blobs = list(files([str(root)], Settings(), lambda item: None))
    by_suffix = defaultdict(list)
    for blob in blobs:
        by_suffix[blob.suffix].append(blob)
    share = max(1, args.files // max(1, len(by_suffix)))
    chosen = [b for suffix in sorted(by_suffix) for b in by_suffix[suffix][:share]]

    key = b"bench-redact-key-0123456789abcdef"
    t0 = time.process_time()
    redaction = TextRedaction(Detector(), Replacer(args.style, key))
    init = time.process_time() - t0
    stats = defaultdict(lambda: {"files": 0, "bytes": 0, "seconds": 0.0, "pages": 0, "values": 0, "failed": 0})
    with tempfile.TemporaryDirectory(prefix="piiscan-bench-redact-") as out:
        destination = Destination(Path(out), force=True)
        for blob in chosen:
            import os

            relative = os.path.relpath(blob.path, root)
            started = time.process_time()
            result = redact_file(RedactTask(blob, relative), redaction, destination, key)
            elapsed = time.process_time() - started
            s = stats[blob.suffix]
            s["files"] += 1
            s["bytes"] += blob.size
            s["seconds"] += elapsed
            s["values"] += len(result.log)
            s["failed"] += result.error is not None or result.status == "not redacted"
            if blob.suffix == ".pdf":
                s["pages"] += _pages(Path(blob.path))
    print(f"piiscan redact, per-file job (redact + verify + write), one process, style {args.style}; "
          f"{len(chosen)} files of {root} (detector and redactors set up in {init:.2f} s)")
    print(f"  {'suffix':<8}{'files':>6}{'MB':>8}{'CPU s':>8}{'files/s':>9}{'MB/s':>7}{'pages/s':>9}{'values':>8}{'failed':>7}")
    total = {"files": 0, "bytes": 0, "seconds": 0.0}
    for suffix, s in sorted(stats.items()):
        pages = f"{s['pages'] / s['seconds']:.1f}" if s["pages"] and s["seconds"] else "–"
        print(f"  {suffix:<8}{s['files']:>6}{s['bytes'] / MB:>8.2f}{s['seconds']:>8.2f}{s['files'] / s['seconds']:>9.1f}"
              f"{s['bytes'] / MB / s['seconds']:>7.2f}{pages:>9}{s['values']:>8}{s['failed']:>7}")
        for k in total:
            total[k] += s[k]
    print(f"  {'all':<8}{total['files']:>6}{total['bytes'] / MB:>8.2f}{total['seconds']:>8.2f}"
          f"{total['files'] / total['seconds']:>9.1f}{total['bytes'] / MB / total['seconds']:>7.2f}")


if __name__ == "__main__":
    main()
