#!/usr/bin/env python
"""Throughput and recall of piiscan, side by side with Presidio out of the box.

    python bench/bench_scan.py [--mb 20] [--presidio-mb 2] [--files 300] [--json FILE]

Phases, each in a fresh process ('spawn'), so that every peak-RSS figure is that phase's own:

1. generate (cached under bench/out/, keyed on the generator sources): the plain-text corpus
   of bench/corpus.py (``--mb`` of Dutch/French/English business text with labelled
   identifiers) and a mixed tree of ``--files`` small .txt/.csv/.pdf/.docx/.xlsx files;
2. piiscan's Detector on the whole corpus (one Segment per document): MB/s, recall per type,
   noise; then again, timed, on the first ``--presidio-mb`` of it;
3. Presidio's AnalyzerEngine with its default recognizers and a blank English spaCy pipeline,
   ``analyze(text, language="en")`` per document, on that same first slice;
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
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # `import corpus`, also in spawned children

OUT = HERE / "out"
MB = 1_000_000

STRUCTURED = (
    "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "BE_NATIONAL_NUMBER", "NL_BSN",
    "BE_ENTERPRISE_NUMBER", "VAT_NUMBER", "NL_KVK", "CREDIT_CARD", "IP_ADDRESS",
)
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

def phase_gen_corpus(n_bytes: int, seed: int, path: str) -> dict:
    import pickle

    import corpus

    t0 = time.perf_counter()
    docs = corpus.plain_text_corpus(n_bytes, seed)
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


def phase_piiscan_text(corpus_path: str, slice_bytes: int) -> dict:
    from piiscan.detect.engine import Detector
    from piiscan.model import Segment

    docs = _load_corpus(corpus_path)
    t0 = time.perf_counter()
    detector = Detector()
    init = time.perf_counter() - t0
    findings = []
    t0 = time.perf_counter()
    for doc in docs:
        fs = detector.findings(doc.name, [Segment(doc.text)])
        findings.append([(f.entity_type, f.start, f.end, f.score) for f in fs])
    seconds = time.perf_counter() - t0
    n_bytes = sum(len(d.text.encode("utf-8")) for d in docs)
    k = _slice(docs, slice_bytes)
    slice_docs = docs[:k]
    t0 = time.perf_counter()
    for doc in slice_docs:
        detector.findings(doc.name, [Segment(doc.text)])
    slice_seconds = time.perf_counter() - t0
    slice_n = sum(len(d.text.encode("utf-8")) for d in slice_docs)
    return {
        "init_seconds": round(init, 3),
        "docs": len(docs), "bytes": n_bytes, "chars": sum(len(d.text) for d in docs),
        "seconds": round(seconds, 2), "mb_per_s": round(n_bytes / MB / seconds, 3),
        "findings": sum(len(f) for f in findings),
        "eval": evaluate(docs, findings),
        "slice": {"docs": k, "bytes": slice_n, "seconds": round(slice_seconds, 2),
                  "mb_per_s": round(slice_n / MB / slice_seconds, 3),
                  "eval": evaluate(slice_docs, findings[:k], max_examples=0)},
        "rss": _rss(),
    }


def _presidio_analyzer():
    """Presidio with its default recognizers and a blank English spaCy pipeline.

    Two things keep it offline, nothing else is changed: the spaCy model is a blank pipeline
    set on the engine, so ``load()`` never downloads one, and the EmailRecognizer's tldextract
    uses the public-suffix snapshot bundled with tldextract instead of fetching the list."""
    import inspect
    import types

    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    module = inspect.getmodule(EmailRecognizer)
    if hasattr(module, "tldextract"):
        extractor = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)
        module.tldextract = types.SimpleNamespace(extract=extractor)
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm"}])
    engine.nlp = {"en": spacy.blank("en")}
    return AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])


def phase_presidio(corpus_path: str, slice_bytes: int) -> dict:
    import presidio_analyzer

    docs = _load_corpus(corpus_path)
    docs = docs[:_slice(docs, slice_bytes)]
    t0 = time.perf_counter()
    analyzer = _presidio_analyzer()
    init = time.perf_counter() - t0
    n_recognizers = len(analyzer.registry.get_recognizers("en", all_fields=True))
    findings = []
    t0 = time.perf_counter()
    for doc in docs:
        results = analyzer.analyze(doc.text, language="en")
        findings.append([(r.entity_type, r.start, r.end, r.score) for r in results])
    seconds = time.perf_counter() - t0
    n_bytes = sum(len(d.text.encode("utf-8")) for d in docs)
    return {
        "version": getattr(presidio_analyzer, "__version__", ""),
        "recognizers": n_recognizers,
        "init_seconds": round(init, 3),
        "docs": len(docs), "bytes": n_bytes,
        "seconds": round(seconds, 2), "mb_per_s": round(n_bytes / MB / seconds, 3),
        "findings": sum(len(f) for f in findings),
        "eval": evaluate(docs, findings, max_examples=0),
        "rss": _rss(),
    }


def phase_tree(tree: str) -> dict:
    from piiscan.config import Settings
    from piiscan.extract import extract
    from piiscan.model import ExtractionError
    from piiscan.run.runner import build_detector, plan, run

    settings = Settings()
    t0 = time.perf_counter()
    work = plan([tree], settings)
    plan_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    detector = build_detector(settings)
    init = time.perf_counter() - t0
    per = defaultdict(lambda: Counter())
    results = run(work, settings, detector=detector)
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
    for blob in work.blobs:
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
        "skipped": sum(c["skipped"] for c in per.values()) + len(work.skips),
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
    """Generate (or reuse) the corpus and the tree, both at once on two cores."""
    OUT.mkdir(parents=True, exist_ok=True)
    key = _source_key()
    corpus_path = OUT / f"corpus_{int(args.mb * MB)}_s{args.seed}_{key}.pkl"
    tree = OUT / f"tree_{args.files}_s{args.seed}_{key}"
    info = {"corpus_path": str(corpus_path), "tree": str(tree)}
    if args.regen:
        corpus_path.unlink(missing_ok=True)
        shutil.rmtree(tree, ignore_errors=True)
    # Drop caches made from older generator sources (other sizes and seeds are kept).
    for old in list(OUT.glob("corpus_*")) + list(OUT.glob("tree_*")):
        if key not in old.name:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        jobs = {}
        if not corpus_path.exists():
            jobs["corpus"] = pool.submit(phase_gen_corpus, int(args.mb * MB), args.seed, str(corpus_path))
        if not tree.is_dir():
            jobs["tree"] = pool.submit(phase_gen_tree, str(tree), args.files, args.seed)
        for name, job in jobs.items():
            info[f"{name}_generated_seconds"] = job.result()["seconds"]
    info["tree_summary"] = json.loads(Path(str(tree) + ".json").read_text())
    return info


def _pct(r: dict | None) -> str:
    if not r or not r["inserted"]:
        return "-"
    return f"{100 * r['found'] / r['inserted']:5.1f}% ({r['found']}/{r['inserted']})"


def _table(fig: dict) -> str:
    p, ps, pr, tr = fig["piiscan"], fig["piiscan"]["slice"], fig.get("presidio"), fig["tree"]
    lines = []
    add = lines.append
    add(f"piiscan benchmark  {fig['date']}  {fig['machine']}")
    c = fig["corpus"]
    add(f"corpus: {p['bytes'] / MB:.1f} MB, {p['docs']} documents, {c['inserted']} inserted values "
        f"({c['inserted_structured']} structured, one per {p['bytes'] // max(c['inserted'], 1)} bytes); "
        f"seed {fig['args']['seed']}" + (f"; generated in {c['generated_seconds']} s" if c.get("generated_seconds") else "; cached"))
    add("")
    add("PLAIN TEXT                       piiscan            Presidio defaults")
    add(f"  init                           {p['init_seconds']:6.2f} s          " + (f"{pr['init_seconds']:6.2f} s" if pr else "-"))
    add(f"  whole corpus                   {p['mb_per_s']:6.2f} MB/s       "
        f"({p['bytes'] / MB:.1f} MB in {p['seconds']:.1f} s)")
    if pr:
        add(f"  {'same first %.1f MB (%d docs)' % (ps['bytes'] / MB, ps['docs']):<31}{ps['mb_per_s']:6.2f} MB/s       "
            f"{pr['mb_per_s']:6.3f} MB/s  ({pr['seconds']:.1f} s)")
        add(f"  speed ratio piiscan/Presidio   {fig['speed_ratio']:.1f}x  (same text)")
    add(f"  peak RSS (ru_maxrss)           {p['rss']['ru_maxrss_mb']:6.0f} MB          "
        + (f"{pr['rss']['ru_maxrss_mb']:6.0f} MB" if pr else "-"))
    add("")
    cols = [("piiscan whole corpus", p["eval"])]
    if pr:
        cols += [("piiscan slice", ps["eval"]), ("Presidio slice", pr["eval"])]
    add(f"  {'recall (same type, overlap)':<28}" + "".join(f"{name:>24}" for name, _ in cols))
    for t in STRUCTURED + ("STRUCTURED TOTAL",) + EXTRA:
        if t in EXTRA[:1]:
            add("  extra types (not in the total):")
        row = f"  {t:<28}"
        for name, e in cols:
            if t == "STRUCTURED TOTAL":
                cell = _pct(e["structured"])
            elif name.startswith("Presidio") and t not in PRESIDIO_TYPES:
                cell = "no recognizer"
            else:
                cell = _pct(e["recall"].get(t))
            row += f"{cell:>24}"
        add(row)
    add("")
    add(f"  noise: findings overlapping no inserted value")
    add(f"    piiscan whole corpus: {p['eval']['noise']} ({p['findings']} findings) "
        f"{_fmt_counts(p['eval']['noise_by_type'])}")
    if pr:
        add(f"    piiscan slice:        {ps['eval']['noise']} {_fmt_counts(ps['eval']['noise_by_type'])}")
        add(f"    Presidio slice:       {pr['eval']['noise']} ({pr['eval']['noise_score_ge_0_5']} with score >= 0.5; "
            f"{pr['findings']} findings) {_fmt_counts(pr['eval']['noise_by_type'])}")
    add(f"  findings of another type on an inserted value: piiscan {_fmt_counts(p['eval']['other_type_on_inserted'])}"
        + (f"; Presidio {_fmt_counts(pr['eval']['other_type_on_inserted'])}" if pr else ""))
    add("")
    ts = fig["tree_summary"]
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
    add("")
    groups = p["eval"]["miss_groups"]
    if groups:
        add("PIISCAN MISSES on inserted structured values (type | words before | value shape | count):")
        for g in groups[:25]:
            add(f"  {g['type']:<22} {g['label']!r:<34} {g['shape']:<26} {g['count']}")
        add("  examples:")
        for t, exs in p["eval"]["miss_examples"].items():
            for ex in exs[:3]:
                found = f" (found as {', '.join(ex['found_as'])})" if ex["found_as"] else ""
                add(f"  {t:<22} {ex['value']!r}{found}: …{ex['context']}…")
    return "\n".join(lines)


def _fmt_counts(d: dict, n: int = 6) -> str:
    items = list(d.items())
    s = ", ".join(f"{k} {v}" for k, v in items[:n])
    if len(items) > n:
        s += ", …"
    return f"[{s}]" if s else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=20, help="plain-text corpus size in MB (default 20)")
    ap.add_argument("--presidio-mb", type=float, default=2,
                    help="first MB of the corpus also run through Presidio; 0 skips Presidio (default 2)")
    ap.add_argument("--files", type=int, default=300, help="files in the mixed tree (default 300)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--regen", action="store_true", help="regenerate the cached corpus and tree")
    ap.add_argument("--json", metavar="FILE", help="also write all figures as JSON")
    args = ap.parse_args(argv)

    t_start = time.perf_counter()
    print(f"generating / loading corpora under {OUT} ...", file=sys.stderr, flush=True)
    prep = _prepare(args)
    print("piiscan on plain text ...", file=sys.stderr, flush=True)
    piiscan_fig = _in_child(phase_piiscan_text, prep["corpus_path"], int(args.presidio_mb * MB))
    presidio_fig = None
    if args.presidio_mb > 0:
        print("Presidio on the first slice ...", file=sys.stderr, flush=True)
        presidio_fig = _in_child(phase_presidio, prep["corpus_path"], int(args.presidio_mb * MB))
    print("piiscan runner on the mixed tree ...", file=sys.stderr, flush=True)
    tree_fig = _in_child(phase_tree, prep["tree"])

    from piiscan import __version__ as piiscan_version

    ev = piiscan_fig["eval"]
    fig = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}",
        "piiscan_version": piiscan_version,
        "args": vars(args),
        "corpus": {
            "path": prep["corpus_path"],
            "generated_seconds": prep.get("corpus_generated_seconds"),
            "inserted": sum(r["inserted"] for r in ev["recall"].values()),
            "inserted_structured": ev["structured"]["inserted"],
        },
        "tree_summary": prep["tree_summary"] | {"path": prep["tree"],
                                                 "generated_seconds": prep.get("tree_generated_seconds")},
        "piiscan": piiscan_fig,
        "presidio": presidio_fig,
        "tree": tree_fig,
    }
    if presidio_fig:
        fig["speed_ratio"] = round(piiscan_fig["slice"]["mb_per_s"] / presidio_fig["mb_per_s"], 2)
    fig["total_seconds"] = round(time.perf_counter() - t_start, 1)
    print(_table(fig))
    print(f"\n(total run {fig['total_seconds']} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
