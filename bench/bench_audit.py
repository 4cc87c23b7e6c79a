"""`piiscan audit` on a large tree: the first audit, a second on the unchanged tree, and a
third after 1 % of the files were touched or changed. Issue 7's target: the second audit
takes under 5 % of the first one's time.

    python bench/bench_audit.py [--files 10000] [--workers N] [--profile typical]
                                [--change 0.01] [--seed 0] [--scan] [--json FILE]

The tree is make_tree.py's mixed tree (txt, csv, pdf, docx, xlsx in ~700 folders; cached in
bench/out/scale/), copied to bench/out/audit/tree so that the changes never touch the cache.
Each audit is the real command, `piiscan audit TREE --db DB --no-progress --workers N`, run
as a subprocess and timed from outside (start-up included). The changes for the third run:
half of the chosen files only get a new mtime (same content: hashed, not rescanned), the
other half (.txt and .csv files) get a line with a new e-mail address appended. `--scan`
also times `piiscan scan` on the tree, to show what keeping the state costs the first run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_tree  # noqa: E402  (bench/make_tree.py)

OUT = HERE / "out" / "audit"


def timed(command: list[str], env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and CPU seconds (the command and its scanning processes): on a shared
    machine the wall time moves with the neighbours' load, the CPU time much less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, result


def audit(tree: Path, db: Path, workers: int, env: dict) -> tuple[float, float, int]:
    command = [sys.executable, "-m", "piiscan", "audit", str(tree), "--db", str(db), "--no-progress", "--workers", str(workers)]
    seconds, cpu, result = timed(command, env)
    if result.returncode not in (0, 1):
        raise SystemExit(f"audit failed ({result.returncode}):\n{result.stderr}")
    return seconds, cpu, result.returncode


def last_run(db: Path) -> dict:
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone())


def change(tree: Path, share: float, seed: int) -> tuple[int, int]:
    """Touch half of the chosen files, append a line to the other half (text formats)."""
    rng = random.Random(seed)
    files = sorted(p for p in tree.rglob("*") if p.is_file())
    chosen = rng.sample(files, max(2, round(len(files) * share)))
    touched = modified = 0
    for i, path in enumerate(chosen):
        if i % 2 == 0 or path.suffix not in (".txt", ".csv"):
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 60_000_000_000))
            touched += 1
        else:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(f"\nNieuw e-mailadres: contact{i}@voorbeeld.be\n")
            modified += 1
    return touched, modified


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--profile", default=make_tree.DEFAULT_PROFILE)
    parser.add_argument("--change", type=float, default=0.01, help="share of files changed before the third run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scan", action="store_true", help="also time `piiscan scan` on the same tree (what the state costs)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    source = make_tree.mixed_tree(args.files, args.seed, args.profile)
    OUT.mkdir(parents=True, exist_ok=True)
    tree, db = OUT / "tree", OUT / "audit.db"
    if tree.exists():
        shutil.rmtree(tree)
    for stale in OUT.glob("audit.db*"):
        stale.unlink()
    started = time.perf_counter()
    shutil.copytree(source["path"], tree)  # copy2: the mtimes come along
    copy_seconds = time.perf_counter() - started
    env = {**os.environ, "PIISCAN_KEY_FILE": str(OUT / "hash.key")}

    print(f"piiscan audit benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    kinds = ", ".join(f"{kind} {entry['files']}" for kind, entry in source["by_suffix"].items())
    print(f"tree: {source['files']} files, {source['bytes'] / 1e6:.1f} MB ({kinds}), "
          f"profile {args.profile}; copied in {copy_seconds:.1f} s; --workers {args.workers}")
    rows = []
    for label in ("1 first audit", "2 unchanged", "3 after changes"):
        if label.startswith("3"):
            touched, modified = change(tree, args.change, args.seed)
            print(f"changes before run 3: {touched} files touched (new mtime, same content), {modified} files with a line added")
        seconds, cpu, code = audit(tree, db, args.workers, env)
        run = last_run(db)
        rows.append({"run": label, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "exit": code, **{k: run[k] for k in (
            "files_total", "files_read", "files_unchanged", "files_touched", "findings_total", "new_findings", "resolved_findings")}})
    first, first_cpu = rows[0]["seconds"], rows[0]["cpu_seconds"]
    print()
    print(f"  {'run':<18}{'wall s':>9}{'files/s':>10}{'vs first':>10}{'CPU s':>8}{'vs first':>10}"
          f"{'read':>8}{'unchanged':>11}{'touched':>9}{'findings':>10}{'new':>7}{'exit':>6}")
    for r in rows:
        print(f"  {r['run']:<18}{r['seconds']:>9.2f}{r['files_total'] / r['seconds']:>10.0f}{r['seconds'] / first:>10.1%}"
              f"{r['cpu_seconds']:>8.2f}{r['cpu_seconds'] / first_cpu:>10.1%}"
              f"{r['files_read']:>8}{r['files_unchanged']:>11}{r['files_touched']:>9}{r['findings_total']:>10}{r['new_findings']:>7}{r['exit']:>6}")
    ratio = rows[1]["seconds"] / first
    print(f"\nsecond audit / first audit: {ratio:.1%} wall, {rows[1]['cpu_seconds'] / first_cpu:.1%} CPU (target < 5 %: {'met' if ratio < 0.05 else 'NOT met'})")
    scan_seconds = scan_cpu = None
    if args.scan:
        # Not -o /dev/null: the CLI fchmods its output to 0600, which as root would change /dev/null.
        command = [sys.executable, "-m", "piiscan", "scan", str(tree), "--no-progress", "--workers", str(args.workers), "-o", str(OUT / "scan.jsonl")]
        scan_seconds, scan_cpu, _ = timed(command, env)
        (OUT / "scan.jsonl").unlink(missing_ok=True)
        print(f"piiscan scan of the same tree (jsonl inventory, no state): {scan_seconds:.2f} s wall, {scan_cpu:.2f} s CPU; "
              f"first audit / scan: {first / scan_seconds:.2f} wall, {first_cpu / scan_cpu:.2f} CPU")
    print(f"state database: {sum(p.stat().st_size for p in OUT.glob('audit.db*')) / 1e6:.1f} MB")
    if args.json:
        args.json.write_text(json.dumps({"files": source["files"], "bytes": source["bytes"], "workers": args.workers, "runs": rows, "ratio": ratio, "scan_seconds": scan_seconds, "scan_cpu_seconds": scan_cpu}, indent=1))


if __name__ == "__main__":
    main()
