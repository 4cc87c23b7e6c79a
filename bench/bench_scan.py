#!/usr/bin/env python
"""Throughput and recall of piiscan, side by side with Presidio out of the box.

    python bench/bench_scan.py [--mb 20] [--presidio-mb 1.5] [--profiles dense,typical]
                               [--files 300] [--seed 0] [--regen] [--no-cli] [--json FILE]

Two corpus profiles (bench/corpus.py): ``dense`` (forms, exports, HR files: one inserted
value per ~105 bytes) and ``typical`` (prose-heavy letters, mails, reports: one per ~270).
Phases, each in a fresh process ('spawn'), so that every peak-RSS figure is that phase's own:

1. generate (cached under bench/out/, keyed on the generator sources): ``--mb`` of text per
   profile and a mixed tree of ``--files`` small .txt/.csv/.pdf/.docx/.xlsx files;
2. per profile, piiscan vs Presidio on the first ``--presidio-mb`` of the corpus, interleaved
   per document: each document goes through piiscan's Detector and then Presidio's
   AnalyzerEngine (the order alternates), each call timed with ``time.process_time()``, so
   that both tools see the same machine conditions; MB/s, the speed ratio and recall per
   type for both. In the same phase, the whole tool: the slice written as .txt files and
   ``piiscan scan DIR --format jsonl --no-progress`` run as a subprocess (wall time,
   start-up included) with ``--workers 1`` and ``--workers 2``, twice each, once between
   the two halves of the interleaved loop and once after it (A B / B A), so that those runs,
   too, fall inside the window in which Presidio was measured;
3. per profile, piiscan alone on the whole ``--mb`` corpus: MB/s, recall, noise, misses;
4. the mixed tree through piiscan's runner (``plan`` + ``run``): files/s, MB/s, PDF pages/s.

A finding counts for an inserted identifier when it has the same entity type and overlaps
the inserted span. Noise = findings that overlap no inserted value at all (the corpus also
contains order numbers, amounts, dates, OGM references... that are not personal data).
"""

from __future__ import annotations

import argparse
import bisect
import concurrent.futures
import datetime
import hashlib
import json
import multiprocessing
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # `import corpus`, also in spawned children

from corpus import STRUCTURED  # noqa: E402

OUT = HERE / "out"
MB = 1_000_000
PROFILES = ("dense", "typical")
CLI_WORKERS = (1, 2)

EXTRA = ("PERSON", "POSTAL_ADDRESS", "DATE_OF_BIRTH")
# Types Presidio's default recognizers have under the same name (PERSON needs an NER model,
# which a blank pipeline does not have; it is shown anyway).
PRESIDIO_TYPES = {"EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "CREDIT_CARD", "IP_ADDRESS", "PERSON"}


# --------------------------------------------------------------------------------------------
# Helpers run in the children
# --------------------------------------------------------------------------------------------

def _rss() -> dict:
    """Peak resident set size of this process in MB: ru_maxrss, and VmHWM as a cross-check."""
    out = {"ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                out["vmhwm_mb"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return out


def _load_corpus(path: str):
    import pickle

    from corpus import Document, Span

    with open(path, "rb") as fh:
        raw = pickle.load(fh)
    return [Document(name, locale, text, [Span(*s) for s in spans]) for name, locale, text, spans in raw]


def _slice(docs, n_bytes: int) -> int:
    """How many leading documents make up the first n_bytes (at least one)."""
    total = 0
    for i, doc in enumerate(docs):
        total += len(doc.text.encode("utf-8"))
        if total >= n_bytes:
            return i + 1
    return len(docs)


def _shape(value: str) -> str:
    """'85.07.30-033.28' -> '99.99.99-999.99'; letters A/a, lower-case runs collapsed."""
    s = re.sub(r"\d", "9", value)
    s = re.sub(r"[A-Z]", "A", s)
    s = re.sub(r"[a-zà-ÿ]+", "a", s)
    return s


def _label(text: str, start: int) -> str:
    """The words right before a value, on its line: 'Rijksregisternummer:'."""
    head = text[max(0, start - 40):start]
    head = head.rsplit("\n", 1)[-1]
    return re.sub(r"\d", "9", head.strip())[-30:]


def _snippet(text: str, start: int, end: int, before: int = 60, after: int = 25) -> str:
    s = text[max(0, start - before):start] + "[" + text[start:end] + "]" + text[end:end + after]
    return s.replace("\n", "⏎")


def evaluate(docs, findings_per_doc, types=STRUCTURED + EXTRA, max_examples: int = 8) -> dict:
    """Recall per inserted type, findings that overlap nothing inserted (noise), misses.

    ``findings_per_doc``: per document a list of (entity_type, start, end, score)."""
    total, found = Counter(), Counter()
    noise, noise_05, cross = Counter(), Counter(), Counter()
    missed_as = defaultdict(Counter)  # inserted type -> type of an overlapping finding
    groups = Counter()  # (type, label, shape) of misses
    examples = defaultdict(list)
    noise_examples = defaultdict(list)
    for doc, findings in zip(docs, findings_per_doc):
        fs = sorted(findings, key=lambda f: f[1])
        f_starts = [f[1] for f in fs]
        max_flen = max((f[2] - f[1] for f in fs), default=0)
        spans = sorted(doc.spans, key=lambda s: s.start)
        s_starts = [s.start for s in spans]
        max_slen = max((s.end - s.start for s in spans), default=0)
        for span in spans:
            if span.entity_type not in types:
                continue
            total[span.entity_type] += 1
            lo = bisect.bisect_left(f_starts, span.start - max_flen)
            hi = bisect.bisect_left(f_starts, span.end)
            overlapping = [f for f in fs[lo:hi] if f[2] > span.start]
            if any(f[0] == span.entity_type for f in overlapping):
                found[span.entity_type] += 1
                continue
            for f in overlapping:
                missed_as[span.entity_type][f[0]] += 1
            if span.entity_type in STRUCTURED:
                groups[(span.entity_type, _label(doc.text, span.start), _shape(span.value))] += 1
                if len(examples[span.entity_type]) < max_examples:
                    examples[span.entity_type].append({
                        "doc": doc.name, "value": span.value,
                        "found_as": sorted({f[0] for f in overlapping}),
                        "context": _snippet(doc.text, span.start, span.end),
                    })
        for f in fs:
            lo = bisect.bisect_left(s_starts, f[1] - max_slen)
            hi = bisect.bisect_left(s_starts, f[2])
            overlapping = [s for s in spans[lo:hi] if s.end > f[1]]
            if not overlapping:
                noise[f[0]] += 1
                if len(noise_examples[f[0]]) < max_examples:
                    noise_examples[f[0]].append(_snippet(doc.text, f[1], f[2], 40, 20))
                if f[3] >= 0.5:
                    noise_05[f[0]] += 1
            elif not any(s.entity_type == f[0] for s in overlapping):
                cross[f[0]] += 1
    structured_total = sum(total[t] for t in STRUCTURED)
    structured_found = sum(found[t] for t in STRUCTURED)
    return {
        "recall": {t: {"inserted": total[t], "found": found[t],
                       "recall": round(found[t] / total[t], 4) if total[t] else None}
                   for t in types},
        "structured": {"inserted": structured_total, "found": structured_found,
                       "recall": round(structured_found / structured_total, 4) if structured_total else None},
        "noise": sum(noise.values()),
        "noise_by_type": dict(noise.most_common()),
        "noise_score_ge_0_5": sum(noise_05.values()),
        "other_type_on_inserted": dict(cross.most_common()),
        "missed_found_as": {t: dict(c.most_common()) for t, c in missed_as.items()},
        "miss_groups": [{"type": t, "label": label, "shape": shape, "count": n}
                        for (t, label, shape), n in groups.most_common(40)],
        "miss_examples": dict(examples),
        "noise_examples": dict(noise_examples),
    }


# --------------------------------------------------------------------------------------------
# Phases (each runs in a fresh spawned process)
# --------------------------------------------------------------------------------------------

def phase_gen_corpus(n_bytes: int, seed: int, path: str, profile: str) -> dict:
    import pickle

    import corpus

    t0 = time.perf_counter()
    docs = corpus.plain_text_corpus(n_bytes, seed, profile)
    seconds = time.perf_counter() - t0
    raw = [(d.name, d.locale, d.text, [tuple(s) for s in d.spans]) for d in docs]
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        pickle.dump(raw, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return {"seconds": round(seconds, 1)}


def phase_gen_tree(dest: str, n_files: int, seed: int) -> dict:
    import corpus

    t0 = time.perf_counter()
    tmp = Path(dest + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    summary = corpus.write_tree(tmp, n_files, seed)
    os.replace(tmp, dest)
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    Path(dest + ".json").write_text(json.dumps(summary, indent=1))
    return summary


def _clear_piiscan_caches() -> None:
    """Empty the phone validator's cache (and the e-mail suffix cache), so that values seen
    in a warm-up or an earlier pass are not answered from memory in a timed one."""
    from piiscan.detect import validators

    validators.phone.cache_clear()
    known_suffix = getattr(validators, "_known_suffix", None)
    if hasattr(known_suffix, "cache_clear"):
        known_suffix.cache_clear()


def phase_piiscan_text(corpus_path: str) -> dict:
    """piiscan alone on the whole corpus of one profile: MB/s at scale, recall, noise."""
    from piiscan.detect.engine import Detector
    from piiscan.model import Segment

    docs = _load_corpus(corpus_path)
    t0 = time.perf_counter()
    detector = Detector()
    init = time.perf_counter() - t0
    _clear_piiscan_caches()
    raw = []
    cpu0, t0 = time.process_time(), time.perf_counter()
    for doc in docs:
        raw.append(detector.findings(doc.name, [Segment(doc.text)]))
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    findings = [[(f.entity_type, f.start, f.end, f.score) for f in fs] for fs in raw]
    del raw
    n_bytes = sum(len(d.text.encode("utf-8")) for d in docs)
    return {
        "init_seconds": round(init, 3),
        "docs": len(docs), "bytes": n_bytes, "chars": sum(len(d.text) for d in docs),
        "cpu_seconds": round(cpu, 2), "mb_per_cpu_s": round(n_bytes / MB / cpu, 3),
        "seconds": round(seconds, 2), "mb_per_s": round(n_bytes / MB / seconds, 3),
        "findings": sum(len(f) for f in findings),
        "eval": evaluate(docs, findings),
        "rss": _rss(),
    }


def _presidio_analyzer():
    from presidio_baseline import presidio_out_of_the_box

    return presidio_out_of_the_box()


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return ""


def _piiscan_command() -> list[str]:
    """The `piiscan` console script of this interpreter's environment (else `python -m`)."""
    exe = shutil.which("piiscan", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "piiscan"]


def cli_has_workers() -> bool:
    """Whether `piiscan scan --help` lists --workers (the option is newer than this script)."""
    out = subprocess.run(_piiscan_command() + ["scan", "--help"], capture_output=True, text=True)
    return "--workers" in out.stdout


def _cli_run(folder: str, workers: int | None) -> dict:
    """`piiscan scan FOLDER --format jsonl --no-progress`, wall time including start-up.

    The inventory goes to stdout, discarded (subprocess.DEVNULL) - not ``-o /dev/null``: the
    CLI fchmods its output file to 0600, and run as root that changes /dev/null itself."""
    cmd = _piiscan_command() + ["scan", folder, "--format", "jsonl", "--no-progress"]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-2000:]}")
    summary = proc.stderr.strip().splitlines()
    return {"workers": workers, "seconds": round(seconds, 3), "summary": summary[0] if summary else ""}


def phase_compare(corpus_path: str, slice_bytes: int, cli_workers: list, cli: bool) -> dict:
    """piiscan and Presidio on the same documents, interleaved per document (CPU time), and
    the whole `piiscan scan` CLI on the same documents as files (wall time), A B / B A."""
    from piiscan.detect.engine import Detector
    from piiscan.model import Segment

    docs = _load_corpus(corpus_path)
    docs = docs[:_slice(docs, slice_bytes)]
    n_bytes = sum(len(d.text.encode("utf-8")) for d in docs)

    t0 = time.perf_counter()
    detector = Detector()
    init_piiscan = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyzer = _presidio_analyzer()
    init_presidio = time.perf_counter() - t0
    n_recognizers = len(analyzer.registry.get_recognizers("en", all_fields=True))

    # Warm-up, untimed: first calls compile patterns and fill lazy tables in both tools.
    warm = docs[0].text[:3000]
    detector.findings("warm-up", [Segment(warm)])
    analyzer.analyze(warm, language="en")
    _clear_piiscan_caches()

    folder = tempfile.mkdtemp(prefix="piiscan-bench-")
    tiny = tempfile.mkdtemp(prefix="piiscan-bench-startup-")
    cli_runs: list[dict] = []
    startup_runs: list[dict] = []

    def cli_block(order: list) -> None:
        if not cli:
            return
        for workers in order:
            startup_runs.append(_cli_run(tiny, workers))
            cli_runs.append(_cli_run(folder, workers))

    raw_p, raw_q = [], []
    cpu = {"piiscan": 0.0, "presidio": 0.0}
    wall = {"piiscan": 0.0, "presidio": 0.0}

    def piiscan_one(doc):
        w0, c0 = time.perf_counter(), time.process_time()
        fs = detector.findings(doc.name, [Segment(doc.text)])
        cpu["piiscan"] += time.process_time() - c0
        wall["piiscan"] += time.perf_counter() - w0
        raw_p.append(fs)

    def presidio_one(doc):
        w0, c0 = time.perf_counter(), time.process_time()
        results = analyzer.analyze(doc.text, language="en")
        cpu["presidio"] += time.process_time() - c0
        wall["presidio"] += time.perf_counter() - w0
        raw_q.append(results)

    try:
        for doc in docs:
            (Path(folder) / f"{doc.name}.txt").write_text(doc.text, encoding="utf-8")
        (Path(tiny) / "tiny.txt").write_text(docs[0].text[:200], encoding="utf-8")
        half = len(docs) // 2
        for i, doc in enumerate(docs):
            if i == half:
                cli_block(list(cli_workers))
            if i % 2 == 0:  # alternate who goes first, so neither always runs on a warm cache
                piiscan_one(doc)
                presidio_one(doc)
            else:
                presidio_one(doc)
                piiscan_one(doc)
        cli_block(list(reversed(cli_workers)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(tiny, ignore_errors=True)

    findings_p = [[(f.entity_type, f.start, f.end, f.score) for f in fs] for fs in raw_p]
    findings_q = [[(r.entity_type, r.start, r.end, r.score) for r in rs] for rs in raw_q]
    mb = n_bytes / MB
    out = {
        "docs": len(docs), "bytes": n_bytes,
        "presidio_version": _version("presidio-analyzer"),
        "spacy_version": _version("spacy"),
        "presidio_recognizers": n_recognizers,
        "init_seconds": {"piiscan": round(init_piiscan, 3), "presidio": round(init_presidio, 3)},
        "cpu_seconds": {k: round(v, 3) for k, v in cpu.items()},
        "wall_seconds": {k: round(v, 3) for k, v in wall.items()},
        "mb_per_cpu_s": {k: round(mb / v, 3) for k, v in cpu.items()},
        "mb_per_wall_s": {k: round(mb / v, 3) for k, v in wall.items()},
        "ratio_cpu": round(cpu["presidio"] / cpu["piiscan"], 2),
        "ratio_wall": round(wall["presidio"] / wall["piiscan"], 2),
        "findings": {"piiscan": sum(map(len, findings_p)), "presidio": sum(map(len, findings_q))},
        "eval": {"piiscan": evaluate(docs, findings_p, max_examples=0),
                 "presidio": evaluate(docs, findings_q, max_examples=0)},
        "rss_both_tools": _rss(),
    }
    if cli:
        presidio_mb_s = mb / cpu["presidio"]
        piiscan_mb_s = mb / cpu["piiscan"]
        rows = {}
        for workers in cli_workers:
            runs = [r for r in cli_runs if r["workers"] == workers]
            seconds = statistics.mean(r["seconds"] for r in runs)
            startup = statistics.mean(r["seconds"] for r in startup_runs if r["workers"] == workers)
            rows[str(workers) if workers else "default"] = {
                "runs_seconds": [r["seconds"] for r in runs],
                "seconds": round(seconds, 3),
                "startup_seconds": round(startup, 3),
                "mb_per_s": round(mb / seconds, 3),
                "ratio_vs_presidio": round(mb / seconds / presidio_mb_s, 2),
                "ratio_vs_piiscan_in_process": round(mb / seconds / piiscan_mb_s, 2),
                "summary": runs[-1]["summary"],
            }
        out["cli"] = {
            "command": " ".join(_piiscan_command() + ["scan", "DIR", "--format", "jsonl", "--no-progress"]),
            "files": len(docs),
            "by_workers": rows,
        }
    return out


def phase_tree(tree: str) -> dict:
    from piiscan.config import Settings
    from piiscan.extract import extract
    from piiscan.model import ExtractionError
    from piiscan.run.runner import build_detector, files, run

    settings = Settings()
    t0 = time.perf_counter()
    walk_skips: list = []
    work = list(files([tree], settings, report=walk_skips.append))
    plan_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    detector = build_detector(settings)
    init = time.perf_counter() - t0
    per = defaultdict(lambda: Counter())
    results = run(work, settings, detector=detector)  # one process, file order
    t_all = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        try:
            result = next(results)
        except StopIteration:
            break
        dt = time.perf_counter() - t0
        suffix = Path(result.path).suffix.lower().lstrip(".")
        c = per[suffix]
        c["files"] += 1
        c["bytes"] += result.size
        c["chars"] += result.chars
        c["pages"] += result.pages
        c["findings"] += len(result.findings)
        c["seconds"] += dt
        c["errors"] += result.error is not None
        c["skipped"] += result.skipped is not None
    seconds = time.perf_counter() - t_all
    # Extraction alone, to split the time between reading the formats and detecting.
    for blob in work:
        suffix = Path(blob.path).suffix.lower().lstrip(".")
        t0 = time.perf_counter()
        try:
            for _ in extract(blob):
                pass
        except ExtractionError:
            pass
        per[suffix]["extract_seconds"] += time.perf_counter() - t0
    files = sum(c["files"] for c in per.values())
    n_bytes = sum(c["bytes"] for c in per.values())
    pdf = per.get("pdf", Counter())
    return {
        "plan_seconds": round(plan_seconds, 3), "init_seconds": round(init, 3),
        "files": files, "bytes": n_bytes, "seconds": round(seconds, 2),
        "files_per_s": round(files / seconds, 1), "mb_per_s": round(n_bytes / MB / seconds, 3),
        "pdf_pages": pdf["pages"], "pdf_seconds": round(pdf["seconds"], 2),
        "pdf_pages_per_s": round(pdf["pages"] / pdf["seconds"], 1) if pdf["seconds"] else None,
        "pdf_pages_per_s_extract_only": (round(pdf["pages"] / pdf["extract_seconds"], 1)
                                         if pdf["extract_seconds"] else None),
        "errors": sum(c["errors"] for c in per.values()),
        "skipped": sum(c["skipped"] for c in per.values()) + len(walk_skips),
        "by_suffix": {k: {kk: (round(v, 3) if isinstance(v, float) else v) for kk, v in c.items()}
                      for k, c in sorted(per.items())},
        "rss": _rss(),
    }


def _in_child(fn, *args):
    """Run fn(*args) in a fresh interpreter (spawn) and return its result."""
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx) as pool:
        return pool.submit(fn, *args).result()


# --------------------------------------------------------------------------------------------
# Parent: orchestration and the table
# --------------------------------------------------------------------------------------------

def _source_key() -> str:
    """Caches are keyed on the generator sources: a change in synth.py or corpus.py
    regenerates the corpus."""
    import importlib.util

    h = hashlib.sha256()
    spec = importlib.util.find_spec("piiscan.synth")
    for path in (HERE / "corpus.py", Path(spec.origin)):
        h.update(path.read_bytes())
    return h.hexdigest()[:10]


def _prepare(args) -> dict:
    """Generate (or reuse) the corpora of each profile and the tree, two at a time."""
    OUT.mkdir(parents=True, exist_ok=True)
    key = _source_key()
    paths = {p: OUT / f"corpus_{p}_{int(args.mb * MB)}_s{args.seed}_{key}.pkl" for p in args.profiles}
    tree = OUT / f"tree_{args.files}_s{args.seed}_{key}"
    info = {"corpus_paths": {p: str(path) for p, path in paths.items()}, "tree": str(tree),
            "generated_seconds": {}}
    if args.regen:
        for path in paths.values():
            path.unlink(missing_ok=True)
        shutil.rmtree(tree, ignore_errors=True)
    # Drop caches made from older generator sources (other sizes and seeds are kept).
    for old in list(OUT.glob("corpus_*")) + list(OUT.glob("tree_*")):
        if key not in old.name:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        jobs = {}
        if not tree.is_dir():  # the slowest, first
            jobs["tree"] = pool.submit(phase_gen_tree, str(tree), args.files, args.seed)
        for profile, path in paths.items():
            if not path.exists():
                jobs[profile] = pool.submit(phase_gen_corpus, int(args.mb * MB), args.seed, str(path), profile)
        for name, job in jobs.items():
            info["generated_seconds"][name] = job.result()["seconds"]
    info["tree_summary"] = json.loads(Path(str(tree) + ".json").read_text())
    return info


def _pct(r: dict | None, counts: bool = True) -> str:
    if not r or not r["inserted"]:
        return "-"
    if not counts:
        return f"{100 * r['found'] / r['inserted']:5.1f}%"
    return f"{100 * r['found'] / r['inserted']:5.1f}% ({r['found']}/{r['inserted']})"


def _fmt_counts(d: dict, n: int = 6) -> str:
    items = list(d.items())
    s = ", ".join(f"{k} {v}" for k, v in items[:n])
    if len(items) > n:
        s += ", …"
    return f"[{s}]" if s else "none"


def _table(fig: dict) -> str:
    lines = []
    add = lines.append
    profs = fig["profiles"]
    add(f"piiscan benchmark  {fig['date']}  {fig['machine']}  piiscan {fig['piiscan_version']}"
        + (f", presidio-analyzer {fig['presidio_version']}" if fig.get("presidio_version") else "")
        + (f", spaCy {fig['spacy_version']}" if fig.get("spacy_version") else ""))
    add("")
    add("CORPORA (seed %d)" % fig["args"]["seed"])
    add(f"  {'profile':<9}{'MB':>7}{'docs':>7}{'inserted':>10}{'structured':>12}{'bytes/value':>13}"
        f"{'bytes/structured':>18}  generated")
    for name, pf in profs.items():
        s, c = pf["scale"], pf["corpus"]
        gen = fig["generated_seconds"].get(name)
        add(f"  {name:<9}{s['bytes'] / MB:>7.1f}{s['docs']:>7}{c['inserted']:>10}{c['inserted_structured']:>12}"
            f"{s['bytes'] // max(c['inserted'], 1):>13}{s['bytes'] // max(c['inserted_structured'], 1):>18}  "
            + (f"{gen} s" if gen else "cached"))
    add("")

    cmp_ = {n: pf["compare"] for n, pf in profs.items() if pf.get("compare")}
    if cmp_:
        add("SPEED, piiscan vs Presidio, interleaved per document (same slice, CPU time = process_time)")
        add(f"  {'profile':<9}{'slice':>16}{'piiscan':>12}{'Presidio':>12}{'ratio':>8}   "
            f"{'wall: piiscan':>14}{'Presidio':>10}{'ratio':>8}")
        for name, c in cmp_.items():
            add(f"  {name:<9}{'%.2f MB, %d docs' % (c['bytes'] / MB, c['docs']):>16}"
                f"{c['mb_per_cpu_s']['piiscan']:>7.2f} MB/s{c['mb_per_cpu_s']['presidio']:>7.3f} MB/s"
                f"{c['ratio_cpu']:>7.1f}x   {c['mb_per_wall_s']['piiscan']:>9.2f} MB/s"
                f"{c['mb_per_wall_s']['presidio']:>10.3f}{c['ratio_wall']:>7.1f}x")
        c0 = next(iter(cmp_.values()))
        add(f"  init: piiscan {c0['init_seconds']['piiscan']:.2f} s, Presidio {c0['init_seconds']['presidio']:.2f} s "
            f"({c0['presidio_recognizers']} recognizers, blank English spaCy pipeline); "
            f"phone cache cleared before the loop; ratio = Presidio time / piiscan time")
        add("")

    cli = {n: c["cli"] for n, c in cmp_.items() if c.get("cli")}
    if fig.get("cli_note"):
        add(f"WHOLE TOOL: {fig['cli_note']}")
        if not cli:
            add("")
    if cli:
        add("WHOLE TOOL, `piiscan scan DIR --format jsonl --no-progress` on the slice as .txt files "
            "(wall time incl. start-up, mean of 2 runs)")
        add(f"  {'profile':<9}{'workers':>8}{'s':>8}{'MB/s':>8}{'vs Presidio':>13}{'vs in-process':>15}"
            f"{'start-up s':>12}   runs (s)")
        for name, c in cli.items():
            for workers, row in c["by_workers"].items():
                add(f"  {name:<9}{workers:>8}{row['seconds']:>8.2f}{row['mb_per_s']:>8.2f}"
                    f"{row['ratio_vs_presidio']:>12.1f}x{row['ratio_vs_piiscan_in_process']:>14.2f}x"
                    f"{row['startup_seconds']:>12.2f}   " + ", ".join(f"{s:.2f}" for s in row["runs_seconds"]))
        add("  vs Presidio = CLI MB/s / Presidio's interleaved MB/s (CPU) above; vs in-process = CLI MB/s /")
        add("  piiscan's interleaved MB/s (CPU); start-up = the same command on one 200-byte file")
        add("")

    add("PIISCAN AT SCALE (whole --mb corpus per profile, one process)")
    add(f"  {'profile':<9}{'MB':>7}{'MB/s CPU':>10}{'MB/s wall':>11}{'findings':>10}{'structured recall':>19}"
        f"{'noise':>7}{'peak RSS':>10}")
    for name, pf in profs.items():
        s = pf["scale"]
        add(f"  {name:<9}{s['bytes'] / MB:>7.1f}{s['mb_per_cpu_s']:>10.2f}{s['mb_per_s']:>11.2f}{s['findings']:>10}"
            f"{_pct(s['eval']['structured'], False):>19}{s['eval']['noise']:>7}{s['rss']['ru_maxrss_mb']:>7.0f} MB")
    add("")

    for name, pf in profs.items():
        s, c = pf["scale"], pf.get("compare")
        cols = [("piiscan whole corpus", s["eval"])]
        if c:
            cols += [("piiscan slice", c["eval"]["piiscan"]), ("Presidio slice", c["eval"]["presidio"])]
        add(f"RECALL, {name} profile (same type, overlap)")
        add(f"  {'':<24}" + "".join(f"{n:>26}" for n, _ in cols))
        for t in STRUCTURED + ("STRUCTURED TOTAL",) + EXTRA:
            if t == EXTRA[0]:
                add("  extra types (not in the total):")
            row = f"  {t:<24}"
            for col, e in cols:
                if t == "STRUCTURED TOTAL":
                    cell = _pct(e["structured"])
                elif col.startswith("Presidio") and t not in PRESIDIO_TYPES:
                    cell = "no recognizer"
                else:
                    cell = _pct(e["recall"].get(t))
                row += f"{cell:>26}"
            add(row)
        add("  noise (findings overlapping no inserted value):")
        add(f"    piiscan whole corpus: {s['eval']['noise']} of {s['findings']} findings"
            + (f" {_fmt_counts(s['eval']['noise_by_type'])}" if s["eval"]["noise"] else ""))
        if c:
            ep, eq = c["eval"]["piiscan"], c["eval"]["presidio"]
            add(f"    piiscan slice: {ep['noise']} of {c['findings']['piiscan']} findings"
                + (f" {_fmt_counts(ep['noise_by_type'])}" if ep["noise"] else ""))
            add(f"    Presidio slice: {eq['noise']} ({eq['noise_score_ge_0_5']} with score >= 0.5) of "
                f"{c['findings']['presidio']} findings {_fmt_counts(eq['noise_by_type'])}")
        add(f"  another type on an inserted value: piiscan {_fmt_counts(s['eval']['other_type_on_inserted'])}"
            + (f"; Presidio slice {_fmt_counts(c['eval']['presidio']['other_type_on_inserted'])}" if c else ""))
        add("")

    tr, ts = fig["tree"], fig["tree_summary"]
    add(f"MIXED TREE ({tr['files']} files, {tr['bytes'] / MB:.1f} MB: "
        + ", ".join(f"{v['files']} {k}" for k, v in sorted(ts["by_suffix"].items())) + ")")
    add(f"  files/s {tr['files_per_s']:.1f}   MB/s {tr['mb_per_s']:.2f}   PDF pages/s {tr['pdf_pages_per_s']} "
        f"({tr['pdf_pages']} pages in {tr['pdf_seconds']} s; extraction alone {tr['pdf_pages_per_s_extract_only']} pages/s)")
    add(f"  total {tr['seconds']} s (plan {tr['plan_seconds']} s, detector init {tr['init_seconds']} s not included); "
        f"errors {tr['errors']}, skipped {tr['skipped']}; peak RSS {tr['rss']['ru_maxrss_mb']:.0f} MB")
    add(f"  {'suffix':<7}{'files':>6}{'MB':>8}{'s':>8}{'files/s':>9}{'MB/s':>8}{'extract s':>11}{'findings':>10}")
    for k, v in tr["by_suffix"].items():
        add(f"  {k:<7}{v['files']:>6}{v['bytes'] / MB:>8.2f}{v['seconds']:>8.2f}{v['files'] / v['seconds']:>9.1f}"
            f"{v['bytes'] / MB / v['seconds']:>8.2f}{v.get('extract_seconds', 0):>11.2f}{v['findings']:>10}")

    for name, pf in profs.items():
        ev = pf["scale"]["eval"]
        if not ev["miss_groups"]:
            continue
        add("")
        add(f"PIISCAN MISSES, {name} profile, whole corpus (type | words before | value shape | count):")
        for g in ev["miss_groups"][:20]:
            add(f"  {g['type']:<22} {g['label']!r:<34} {g['shape']:<26} {g['count']}")
        add("  examples:")
        for t, exs in ev["miss_examples"].items():
            for ex in exs[:2]:
                found = f" (found as {', '.join(ex['found_as'])})" if ex["found_as"] else ""
                add(f"  {t:<22} {ex['value']!r}{found}: …{ex['context']}…")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=20,
                    help="plain-text corpus size per profile in MB, for piiscan alone (default 20)")
    ap.add_argument("--presidio-mb", type=float, default=1.5,
                    help="first MB of each profile's corpus for the interleaved piiscan/Presidio comparison "
                         "and the CLI runs; 0 skips both (default 1.5)")
    ap.add_argument("--profiles", default=",".join(PROFILES),
                    help="comma-separated corpus profiles (default: dense,typical)")
    ap.add_argument("--no-cli", action="store_true", help="skip the `piiscan scan` subprocess runs")
    ap.add_argument("--files", type=int, default=300, help="files in the mixed tree (default 300)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--regen", action="store_true", help="regenerate the cached corpora and tree")
    ap.add_argument("--json", metavar="FILE", help="also write all figures as JSON")
    args = ap.parse_args(argv)
    args.profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    unknown = set(args.profiles) - set(PROFILES)
    if unknown or not args.profiles:
        ap.error(f"--profiles: expected some of {', '.join(PROFILES)}")

    t_start = time.perf_counter()
    print(f"generating / loading corpora under {OUT} ...", file=sys.stderr, flush=True)
    prep = _prepare(args)

    cli = args.presidio_mb > 0 and not args.no_cli
    cli_workers: list = list(CLI_WORKERS)
    cli_note = None
    if cli and not cli_has_workers():
        cli_workers = [None]
        cli_note = ("`piiscan scan --help` does not list --workers in this build: the --workers 1/2 rows "
                    "are skipped; one row without the option instead")
    elif args.no_cli:
        cli_note = "skipped (--no-cli)"

    profiles: dict = {}
    for profile in args.profiles:
        path = prep["corpus_paths"][profile]
        profiles[profile] = {}
        if args.presidio_mb > 0:
            print(f"[{profile}] piiscan vs Presidio, interleaved per document"
                  + (" + piiscan scan runs" if cli else "") + " ...", file=sys.stderr, flush=True)
            profiles[profile]["compare"] = _in_child(phase_compare, path, int(args.presidio_mb * MB),
                                                     cli_workers, cli)
        print(f"[{profile}] piiscan alone on the whole corpus ...", file=sys.stderr, flush=True)
        scale = _in_child(phase_piiscan_text, path)
        ev = scale["eval"]
        profiles[profile]["scale"] = scale
        profiles[profile]["corpus"] = {
            "path": path,
            "inserted": sum(r["inserted"] for r in ev["recall"].values()),
            "inserted_structured": ev["structured"]["inserted"],
        }
    print("piiscan runner on the mixed tree ...", file=sys.stderr, flush=True)
    tree_fig = _in_child(phase_tree, prep["tree"])

    from piiscan import __version__ as piiscan_version

    compares = [pf["compare"] for pf in profiles.values() if pf.get("compare")]
    fig = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}",
        "piiscan_version": piiscan_version,
        "presidio_version": compares[0]["presidio_version"] if compares else None,
        "spacy_version": compares[0]["spacy_version"] if compares else None,
        "args": vars(args),
        "generated_seconds": prep["generated_seconds"],
        "cli_note": cli_note,
        "profiles": profiles,
        "tree_summary": prep["tree_summary"] | {"path": prep["tree"]},
        "tree": tree_fig,
    }
    fig["total_seconds"] = round(time.perf_counter() - t_start, 1)
    print(_table(fig))
    print(f"\n(total run {fig['total_seconds']} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
