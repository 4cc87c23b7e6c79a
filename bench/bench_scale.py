#!/usr/bin/env python
"""Speed and scale-out of `piiscan scan`: the local process pool, one worker, a Dask LocalCluster.

    python bench/bench_scale.py [--quick] [--text-mb 200] [--mixed-files 20000]
                                [--tiny-files 100000] [--presidio-mb 2] [--workers N]
                                [--seed 0] [--profile typical] [--regen] [--json FILE]

Everything runs the real command line, ``piiscan scan TREE --format jsonl -o FILE
--no-progress``, as a subprocess, on trees from bench/make_tree.py (cached in
bench/out/scale/; generation is not timed):

1. **plain text** (``--text-mb``, default 200 MB of .txt files of a few hundred kB) with
   ``--workers 1``, ``--workers N`` (N = cores) and ``--dask local --workers N``: wall time,
   MB/s, files/s, scaling efficiency = MB/s(N) / (N x MB/s(1)), peak RSS of the whole process
   tree, time to the first finding in the output file;
2. **mixed tree** (``--mixed-files``, default 20,000 .txt/.csv/.pdf/.docx/.xlsx files), the same
   three modes: files/s, MB/s, peak RSS; then the findings of the three runs are compared as
   sorted (path, entity_type, start, hash) lists - the Dask run must equal the local pool;
3. **many tiny files** (``--tiny-files``, default 100,000 files of ~30-600 bytes) with the
   default number of workers: files/s and peak RSS;
4. **Presidio out of the box** (AnalyzerEngine, default recognizers, blank spaCy "en"
   pipeline) on the first ``--presidio-mb`` of the same plain text, in this process: MB/s, and
   piiscan's MB/s from phase 1 divided by it.

Measuring: wall time from starting the command to its exit (start-up, walking the tree and
writing the inventory included); MB = 10^6 bytes of file size on disk. Peak RSS = the largest
sum of RSS over the piiscan process and all its descendants, sampled every 0.2 s with psutil
(forked workers share pages copy-on-write, so the sum over-counts shared memory: an upper
bound). Time to first finding = until the first ``"record": "finding"`` line is in the output
file (JSONL is flushed per record), polled every 20 ms. CPU s = user+system time of the whole
tree (getrusage of waited-for children). Every run gets the same PIISCAN_KEY_FILE, so hashes
are comparable between runs. Each tree is read once before its runs (untimed) so the page
cache is warm for all of them.

On a shared machine the figures move with the neighbours, so the run also says how much it
had: before and after the runs, a CPU-bound loop is timed alone and N copies at once
("capacity": how many cores' worth N processes get; N when nothing else runs), and every run
records "others", the cores other processes kept busy meanwhile (system busy time minus the
scan's own CPU time, over the wall time). A hash of piiscan's source and rules is taken at
every run: if someone edits the checkout during the benchmark, the output says so.

``--quick``: 20 MB / 2,000 / 10,000 files and 0.5 MB for Presidio, for a check in ~1.5 min.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import make_tree  # noqa: E402
from corpus import STRUCTURED  # noqa: E402

MB = 1_000_000
SAMPLE_S = 0.2
POLL_S = 0.02


# --------------------------------------------------------------------------------------------
# Running and watching one `piiscan scan`
# --------------------------------------------------------------------------------------------

def _piiscan_command() -> list[str]:
    exe = shutil.which("piiscan", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "piiscan"]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _tree_rss(proc) -> tuple[int, int, int]:
    """(sum of RSS over the process and its descendants, the process's own RSS, processes)."""
    import psutil

    total, own, count = 0, 0, 0
    try:
        family = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0, 0, 0
    for p in family:
        try:
            rss = p.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        count += 1
        if p is proc:
            own = rss
    return total, own, count


def _system_busy() -> float:
    """CPU seconds the whole machine has spent busy (all processes, all cores)."""
    import psutil

    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "steal", 0.0) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)


def code_fingerprint() -> str:
    """A hash of piiscan's source and rules: other people editing the checkout while the
    benchmark runs would otherwise show up as differences between runs."""
    import hashlib

    import piiscan

    package = Path(piiscan.__file__).resolve().parent
    digest = hashlib.sha1()
    for root in (package, package.parent / "rules"):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".txt", ".csv", ".json"):
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _spin(seconds_hint: float) -> float:
    """A fixed amount of pure-Python work; returns how long it took."""
    t0 = time.perf_counter()
    s = 0
    for i in range(int(seconds_hint * 17_000_000)):
        s += i * i
    return time.perf_counter() - t0


def calibrate(n: int) -> dict:
    """What N processes get out of this machine: a CPU-bound loop alone, then N copies at once.
    capacity = sum(t_alone / t_each): N on an idle machine with N real cores, less on a
    shared VM (another tenant, SMT siblings). piiscan cannot scale better than this."""
    import multiprocessing as mp

    alone = min(_spin(2.0) for _ in range(3))
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    with ctx.Pool(n) as pool:
        together = pool.map(_spin, [2.0] * n)
    return {"alone_s": alone, "together_s": together, "capacity": sum(alone / t for t in together)}


def _cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_scan(paths: list[str], extra: list[str], env: dict, out: Path, workdir: Path) -> dict:
    """Run `piiscan scan`, sample the process tree's memory, watch for the first finding."""
    import psutil

    err = out.with_suffix(".stderr")
    cmd = _piiscan_command() + ["scan", *paths, "--format", "jsonl", "-o", str(out), "--no-progress", *extra]
    load = os.getloadavg()[0]
    code = code_fingerprint()
    cpu0, busy0 = _cpu_children(), _system_busy()
    with open(err, "wb") as errfile:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errfile, env=env, cwd=workdir)
        watched = psutil.Process(proc.pid)
        peak, peak_own, peak_procs = 0, 0, 0
        first_line = first_finding = None
        reader, buffer = None, b""
        next_sample = t0
        while proc.poll() is None:
            now = time.perf_counter()
            if now >= next_sample:
                total, own, count = _tree_rss(watched)
                peak, peak_own, peak_procs = max(peak, total), max(peak_own, own), max(peak_procs, count)
                next_sample = now + SAMPLE_S
            if first_finding is None:
                if reader is None and out.exists() and out.stat().st_size > 0:
                    reader = open(out, "rb")
                    first_line = now - t0
                if reader is not None:
                    buffer += reader.read(1 << 16)
                    if b'"record": "finding"' in buffer:
                        first_finding = now - t0
                        reader.close()
                        buffer = b""
                    else:
                        buffer = buffer[buffer.rfind(b"\n") + 1:]
            time.sleep(POLL_S)
        wall = time.perf_counter() - t0
        if reader is not None and not reader.closed:
            reader.close()
    cpu = _cpu_children() - cpu0
    # CPU the rest of the machine used meanwhile (this script's polling included, ~1 %).
    others = max(0.0, _system_busy() - busy0 - cpu) / wall
    stderr = err.read_text(errors="replace").strip()
    err.unlink(missing_ok=True)
    result = {
        "cmd": " ".join(["piiscan", "scan", "TREE", *extra]),
        "exit": proc.returncode,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": peak / 2**20,
        "peak_parent_rss_mb": peak_own / 2**20,
        "peak_processes": peak_procs,
        "first_line_s": first_line,
        "first_finding_s": first_finding,
        "load_before": load,
        "other_cores": others,
        "code": code,
        "summary": stderr.splitlines()[0] if stderr else "",
        "stderr_tail": stderr[-600:] if proc.returncode not in (0, 1) else "",
    }
    if first_finding is None and out.exists():  # a run shorter than one poll
        result["first_finding_s"] = wall if _count(out)[0] else None
    return result


def _count(out: Path) -> tuple[int, int]:
    findings = errors = 0
    with open(out, "rb") as fh:
        for line in fh:
            if b'"record": "finding"' in line:
                findings += 1
            elif b'"record": "error"' in line:
                errors += 1
    return findings, errors


def _keys(out: Path) -> tuple[list[tuple], list[tuple]]:
    """Sorted (path, entity_type, start, hash) of the findings, and (path, error) of errors."""
    findings, errors = [], []
    with open(out, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["record"] == "finding":
                findings.append((record["path"], record["entity_type"], record.get("start"), record["hash"],
                                 json.dumps(record.get("location", {}), sort_keys=True)))
            else:
                errors.append((record["path"], record.get("error")))
    return sorted(findings), sorted(errors)


def _warm(path: str) -> None:
    """Read every file once, so that every timed run finds the tree in the page cache."""
    for folder, _, files in os.walk(path):
        for name in files:
            with open(os.path.join(folder, name), "rb") as fh:
                while fh.read(1 << 20):
                    pass


# --------------------------------------------------------------------------------------------
# Phases
# --------------------------------------------------------------------------------------------

def modes(n: int) -> list[tuple[str, list[str]]]:
    return [("workers 1", ["--workers", "1"]),
            (f"workers {n}", ["--workers", str(n)]),
            (f"dask local, {n} workers", ["--dask", "local", "--workers", str(n)])]


def structured_modes(n: int) -> list[tuple[str, list[str]]]:
    """The speed target is for the structured identifiers: the same runs limited to them."""
    only = ["--entities", ",".join(STRUCTURED)]
    return [("workers 1, structured", ["--workers", "1", *only]),
            (f"workers {n}, structured", ["--workers", str(n), *only])]


def phase_runs(label: str, tree: dict, mode_list, env: dict, tmp: Path, keep: bool = False) -> list[dict]:
    _warm(tree["path"])
    runs = []
    for name, extra in mode_list:
        out = tmp / f"{label}_{len(runs)}.jsonl"
        print(f"  {label}: {name} ...", end="", flush=True)
        r = run_scan([tree["path"]], extra, env, out, tmp)
        r["mode"] = name
        r["findings"], r["error_records"] = _count(out) if out.exists() else (0, 0)
        r["mb_s"] = tree["bytes"] / MB / r["wall_s"]
        r["files_s"] = tree["files"] / r["wall_s"]
        r["output"] = str(out) if keep else None
        if not keep:
            out.unlink(missing_ok=True)
        print(f" {r['wall_s']:.1f} s, exit {r['exit']}, peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
        if r["stderr_tail"]:
            print("    stderr: " + r["stderr_tail"].replace("\n", "\n    "))
        runs.append(r)
    for r, (_, extra) in zip(runs, mode_list):
        r["workers"] = int(extra[extra.index("--workers") + 1])
    # Scaling efficiency against the one-worker run of the same tree, when there is one.
    base = runs[0]["mb_s"] if runs[0]["workers"] == 1 else None
    for r in runs:
        r["efficiency"] = r["mb_s"] / (r["workers"] * base) if base else None
    return runs


def compare(runs: list[dict]) -> dict:
    """Findings of every run against the local pool's (runs[1])."""
    keys = {r["mode"]: _keys(Path(r["output"])) for r in runs}
    ref_mode = runs[1]["mode"]
    ref_f, ref_e = keys[ref_mode]
    report = {"reference": ref_mode, "reference_findings": len(ref_f), "reference_errors": len(ref_e), "against": {}}
    for mode, (f, e) in keys.items():
        if mode == ref_mode:
            continue
        a, b = set(ref_f), set(f)
        code = {r["mode"]: r["code"] for r in runs}
        report["against"][mode] = {
            "identical": f == ref_f and e == ref_e,
            "same_code": code[mode] == code[ref_mode],
            "findings": len(f), "errors": len(e),
            "only_in_reference": len(a - b), "only_here": len(b - a),
            "examples_only_in_reference": [list(x[:3]) for x in sorted(a - b)[:5]],
            "examples_only_here": [list(x[:3]) for x in sorted(b - a)[:5]],
            "errors_differ": sorted(set(ref_e) ^ set(e))[:5],
        }
    return report


def _presidio_analyzer():
    from presidio_baseline import presidio_out_of_the_box

    return presidio_out_of_the_box()


def _pieces(text: str, limit: int = 20_000) -> list[str]:
    """Cut at paragraph breaks into pieces of at most ~limit characters (the documents of
    corpus.py are 5-20 kB; a file holds several)."""
    out, current, size = [], [], 0
    for para in text.split("\n\n"):
        if current and size + len(para) > limit:
            out.append("\n\n".join(current))
            current, size = [], 0
        current.append(para)
        size += len(para) + 2
    if current:
        out.append("\n\n".join(current))
    return out


def presidio_phase(tree: dict, mb: float) -> dict:
    from piiscan.detect.engine import Detector
    from piiscan.model import Segment

    files = sorted(str(p) for p in Path(tree["path"]).rglob("*.txt"))
    slice_, size = [], 0
    for path in files:
        text = Path(path).read_text(encoding="utf-8")
        for piece in _pieces(text):
            if size >= mb * MB:
                break
            slice_.append(piece)
            size += len(piece.encode("utf-8"))
        if size >= mb * MB:
            break
    t0 = time.perf_counter()
    analyzer = _presidio_analyzer()
    init = time.perf_counter() - t0
    analyzer.analyze(slice_[0][:3000], language="en")  # warm-up, untimed
    n, t0 = 0, time.perf_counter()
    for piece in slice_:
        n += len(analyzer.analyze(piece, language="en"))
    presidio_s = time.perf_counter() - t0
    # piiscan's detector in this process on the same pieces: a like-for-like reference, with
    # every entity type and with the structured identifiers only.
    out = {"mb": size / MB, "pieces": len(slice_), "init_s": init,
           "presidio_s": presidio_s, "presidio_mb_s": size / MB / presidio_s, "presidio_results": n}
    for label, entities in (("piiscan_inprocess", None), ("piiscan_structured_inprocess", frozenset(STRUCTURED))):
        detector = Detector(entities=entities)
        detector.findings("warm-up", [Segment(slice_[0][:3000])])
        m, t0 = 0, time.perf_counter()
        for i, piece in enumerate(slice_):
            m += len(detector.findings(f"piece{i}", [Segment(piece)]))
        piiscan_s = time.perf_counter() - t0
        out.update({f"{label}_s": piiscan_s, f"{label}_mb_s": size / MB / piiscan_s, f"{label}_findings": m})
    return out


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def _f(x, fmt):
    return "–" if x is None else format(x, fmt)


def print_runs(title: str, runs: list[dict], text: bool) -> None:
    print(f"\n{title}")
    head = f"  {'mode':<24}{'wall s':>8}{'MB/s':>8}{'files/s':>9}{'effic.':>8}{'CPU s':>8}{'others':>7}{'peak RSS MB':>13}{'procs':>6}"
    head += f"{'1st finding s':>15}" if text else ""
    head += f"{'findings':>10}{'errors':>8}{'exit':>6}"
    print(head)
    for r in runs:
        line = (f"  {r['mode']:<24}{r['wall_s']:>8.1f}{r['mb_s']:>8.2f}{r['files_s']:>9.1f}"
                f"{_f(r['efficiency'], '.0%'):>8}{r['cpu_s']:>8.1f}{r['other_cores']:>7.2f}{r['peak_rss_mb']:>13.0f}{r['peak_processes']:>6}")
        line += f"{_f(r['first_finding_s'], '.2f'):>15}" if text else ""
        line += f"{r['findings']:>10}{r['error_records']:>8}{r['exit']:>6}"
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="20 MB / 2,000 / 10,000 files, 0.5 MB for Presidio")
    ap.add_argument("--text-mb", type=float, help="plain-text corpus, MB (default 200)")
    ap.add_argument("--mixed-files", type=int, help="files in the mixed tree (default 20,000)")
    ap.add_argument("--tiny-files", type=int, help="files in the tiny-files tree (default 100,000)")
    ap.add_argument("--presidio-mb", type=float, help="plain text for Presidio, MB (default 2)")
    ap.add_argument("--workers", type=int, default=cores(), help="N for the parallel runs (default: cores)")
    ap.add_argument("--phases", default="text,mixed,tiny,presidio", help="comma-separated subset to run")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profile", default=make_tree.DEFAULT_PROFILE, help="corpus profile of the plain text")
    ap.add_argument("--regen", action="store_true", help="regenerate the cached trees")
    ap.add_argument("--json", metavar="FILE", help="also write all figures as JSON")
    args = ap.parse_args()
    sizes = dict(make_tree.QUICK if args.quick else make_tree.FULL)
    sizes["presidio_mb"] = 0.5 if args.quick else 2
    for key in sizes:
        if getattr(args, key, None) is not None:
            sizes[key] = getattr(args, key)
    phases = set(args.phases.split(","))
    n = args.workers

    import psutil  # noqa: F401  (fail early: pip install psutil)
    from piiscan import __version__
    from piiscan.privacy import load_or_create_key

    started = time.perf_counter()
    print(f"Generating or loading trees in {make_tree.OUT} ...", flush=True)
    trees = {}
    if phases & {"text", "presidio"}:
        trees["text"] = make_tree.text_tree(sizes["text_mb"], args.seed, args.profile, args.regen)
    if "mixed" in phases:
        trees["mixed"] = make_tree.mixed_tree(sizes["mixed_files"], args.seed, args.profile, args.regen)
    if "tiny" in phases:
        trees["tiny"] = make_tree.tiny_tree(sizes["tiny_files"], args.seed, args.profile, args.regen)
    for name, t in trees.items():
        how = "cached" if t.get("cached") else f"generated in {t['generated_in_s']} s"
        print(f"  {name:6} {t['files']:>7} files {t['bytes'] / MB:8.1f} MB ({how})")
    bench_started = time.perf_counter()

    cpu_model = ""
    try:
        cpu_model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    results: dict = {
        "date": datetime.date.today().isoformat(), "cores": cores(), "cpu": cpu_model,
        "python": platform.python_version(), "piiscan": __version__, "workers": n, "sizes": sizes,
        "trees": {k: {kk: vv for kk, vv in v.items() if kk != "cached"} for k, v in trees.items()},
    }
    print(f"Calibrating: a CPU-bound loop alone and {n} at once ...", flush=True)
    results["calibration_before"] = calibrate(n)
    with tempfile.TemporaryDirectory(prefix="piiscan-scale-") as tmpdir:
        tmp = Path(tmpdir)
        key = tmp / "hash.key"
        load_or_create_key(key)
        env = dict(os.environ, PIISCAN_KEY_FILE=str(key))

        if "text" in phases:
            print("Plain text ...", flush=True)
            results["text"] = phase_runs("text", trees["text"], modes(n), env, tmp)
            results["text_structured"] = phase_runs("text-structured", trees["text"], structured_modes(n), env, tmp)
        if "mixed" in phases:
            print("Mixed tree ...", flush=True)
            runs = phase_runs("mixed", trees["mixed"], modes(n), env, tmp, keep=True)
            results["mixed"] = runs
            results["consistency"] = compare(runs)
            for r in runs:
                Path(r.pop("output")).unlink(missing_ok=True)
        if "tiny" in phases:
            print("Many tiny files ...", flush=True)
            results["tiny"] = phase_runs("tiny", trees["tiny"], [(f"default ({cores()} workers)", ["--workers", str(cores())])], env, tmp)
        if "presidio" in phases:
            print("Presidio ...", flush=True)
            results["presidio"] = presidio_phase(trees["text"], sizes["presidio_mb"])
    results["calibration_after"] = calibrate(n)
    results["bench_runtime_s"] = time.perf_counter() - bench_started
    codes = sorted({r["code"] for k in ("text", "mixed", "tiny") for r in results.get(k, [])})
    results["code_fingerprints"] = codes
    results["total_runtime_s"] = time.perf_counter() - started

    # ---- the table
    print(f"\n== piiscan scale benchmark, {results['date']}, {results['cores']} cores ({cpu_model}), "
          f"Python {results['python']}, piiscan {__version__}")
    cb, ca = results["calibration_before"], results["calibration_after"]
    print(f"Machine: {n} CPU-bound processes at once get {cb['capacity']:.2f} cores' worth before the runs, "
          f"{ca['capacity']:.2f} after (ideal {n}). 'others' = cores busy with other processes during a run.")
    if len(codes) > 1:
        print(f"WARNING: piiscan's source or rules changed during the benchmark (fingerprints {', '.join(codes)}): "
              "runs with different fingerprints are not comparable.")
    if "text" in results:
        t = trees["text"]
        print_runs(f"Plain text: {t['bytes'] / MB:.1f} MB in {t['files']} .txt files (profile {t.get('profile_used', '?')})",
                   results["text"], text=True)
        print_runs("The same, structured identifiers only (--entities " + ",".join(STRUCTURED) + ")",
                   results["text_structured"], text=True)
    if "mixed" in results:
        t = trees["mixed"]
        mix = ", ".join(f"{s} {v['files']}" for s, v in t["by_suffix"].items())
        print_runs(f"Mixed tree: {t['files']} files, {t['bytes'] / MB:.1f} MB ({mix})", results["mixed"], text=False)
        c = results["consistency"]
        for mode, d in c["against"].items():
            verdict = "identical" if d["identical"] else (
                f"DIFFERENT: {d['only_in_reference']} findings only with the pool, {d['only_here']} only here, "
                f"{len(d['errors_differ'])}+ error records differ; e.g. {d['examples_only_in_reference'][:2]} / {d['examples_only_here'][:2]}")
            print(f"  {mode} vs {c['reference']}: {d['findings']} vs {c['reference_findings']} findings, "
                  f"{d['errors']} vs {c['reference_errors']} error records, sorted (path, type, start, hash, location): {verdict}"
                  + ("" if d["same_code"] else " (NOT the same piiscan source: it was edited between the runs)"))
    if "tiny" in results:
        t = trees["tiny"]
        print_runs(f"Many tiny files: {t['files']} files, {t['bytes'] / MB:.1f} MB", results["tiny"], text=False)
    if "presidio" in results:
        p = results["presidio"]
        print(f"\nPresidio out of the box (blank spaCy 'en', default recognizers), first {p['mb']:.2f} MB of the "
              f"plain text, {p['pieces']} pieces of <= 20 kB, one process:")
        print(f"  Presidio {p['presidio_mb_s']:.3f} MB/s ({p['presidio_s']:.1f} s, {p['presidio_results']} results)")
        for label, what in (("piiscan_inprocess", "every type"), ("piiscan_structured_inprocess", "structured identifiers")):
            print(f"  piiscan's detector, {what}, same process, same pieces: {p[label + '_mb_s']:.2f} MB/s "
                  f"({p[label + '_mb_s'] / p['presidio_mb_s']:.1f}x), {p[label + '_findings']} findings")
        if "text" in results:
            for key, what in (("text", "every type"), ("text_structured", "structured identifiers")):
                one, alln = results[key][0], results[key][1]
                ratios = {"one_worker": one["mb_s"] / p["presidio_mb_s"], "all_cores": alln["mb_s"] / p["presidio_mb_s"]}
                p[f"{key}_over_presidio"] = ratios
                print(f"  piiscan scan, {what}: workers 1 {one['mb_s']:.2f} MB/s = {ratios['one_worker']:.1f}x Presidio per core; "
                      f"{alln['mode']} {alln['mb_s']:.2f} MB/s = {ratios['all_cores']:.1f}x")
    print(f"\nBenchmark time {results['bench_runtime_s']:.0f} s (tree generation/loading excluded; "
          f"{results['total_runtime_s']:.0f} s in all)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
        print(f"JSON: {args.json}")


if __name__ == "__main__":
    main()
