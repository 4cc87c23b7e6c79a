"""Deterministic file trees for the scale benchmark (bench_scale.py), cached in bench/out/scale/.

Three trees, each regenerated only when it is missing (or incomplete) or with ``--regen``:

* ``text_tree(mb)``: plain-text files of a few hundred kB each (150-450 kB), ``mb`` MB in
  total, the documents of ``corpus.plain_text_corpus`` (profile "typical" when corpus.py has
  profiles) concatenated. Every file is generated on its own from its own seed, so memory
  stays at one file per process and the files are the same whatever the number of processes.
* ``mixed_tree(n)``: ``n`` small files - .txt, .csv, .pdf, .docx, .xlsx in corpus.write_tree's
  proportions (30/20/15/20/15) - in folders 1 to 5 levels deep, ~20 files per folder. Every
  .txt (0.5-6 kB of business text: notes, mails) and .csv (3-15 customer rows) is unique;
  the PDFs (one page), Word (1-5 kB of text, 30 % with a 3-6 row table) and Excel files
  (5-15 customer rows) are copies, under other names and in other folders, of 40 distinct files per
  format: what matters here is the number of files and the mix of formats, and making
  thousands of distinct PDFs with reportlab would take longer than scanning them.
* ``tiny_tree(n)``: ``n`` tiny text files (1-3 lines, ~30-600 bytes, many with an identifier)
  in folders of 1,000, to show that memory does not grow with the number of files.

Each tree is a folder ``bench/out/scale/<name>/`` with a manifest ``<name>.json`` next to it
(written last, so an interrupted generation is redone). The cache key is the parameters and
``VERSIONS`` below, not the source of corpus.py: regenerating 200 MB takes minutes, so a change
to corpus.py is picked up only with ``--regen`` (or a change of VERSIONS).

    python bench/make_tree.py [--text-mb 200] [--mixed-files 20000] [--tiny-files 100000]
                              [--seed 0] [--profile typical] [--regen] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import random
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/corpus.py, read-only here)

# Bump one of these when its generator changes: the cached tree is then made again.
VERSIONS = {"text": 2, "mixed": 3, "tiny": 2}
OUT = HERE / "out" / "scale"
DEFAULT_PROFILE = "typical"

_DIRS = ("klanten", "facturen", "2023", "2024", "2025", "hr", "dossiers", "export", "logs",
         "correspondentie", "archief", "projecten", "boekhouding", "contracten", "juridisch",
         "personeel", "offertes", "scans", "gedeeld", "team-a", "team-b", "oud")
_KINDS = tuple(getattr(corpus, "_KINDS", (("txt", 30), ("csv", 20), ("pdf", 15), ("docx", 20), ("xlsx", 15))))
TEMPLATES_PER_KIND = 40


def _pool(processes: int | None = None):
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    return ctx.Pool(processes or os.cpu_count() or 1)


def _texts(n_bytes: int, seed, profile: str) -> tuple[list[str], str]:
    """Documents of corpus.plain_text_corpus; falls back to the profile-less signature."""
    try:
        docs = corpus.plain_text_corpus(n_bytes, seed, profile=profile)
        used = profile
    except TypeError:  # an older corpus.py without profiles
        docs = corpus.plain_text_corpus(n_bytes, seed)
        used = "default"
    return [d.text for d in docs], used


def _seed(*parts) -> int:
    """A stable integer seed from parts (random.Random(str) hashes with SHA-512)."""
    return random.Random(":".join(map(str, parts))).getrandbits(63)


def _cached(name: str, params: dict, regen: bool) -> dict | None:
    version = VERSIONS[name.split("_")[0]]
    manifest = OUT / f"{name}.json"
    if regen or not manifest.exists() or not (OUT / name).is_dir():
        return None
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return None
    if data.get("version") != version or data.get("params") != params:
        return None
    return {**data, "cached": True}


def _start(name: str) -> Path:
    dest = OUT / name
    (OUT / f"{name}.json").unlink(missing_ok=True)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    return dest


def _finish(name: str, params: dict, summary: dict, seconds: float) -> dict:
    data = {"version": VERSIONS[name.split("_")[0]], "params": params, "path": str(OUT / name), "generated_in_s": round(seconds, 1), **summary}
    (OUT / f"{name}.json").write_text(json.dumps(data, indent=1))
    return data


# --------------------------------------------------------------------------------------------
# Plain-text corpus as files
# --------------------------------------------------------------------------------------------

def _text_file(job) -> tuple[int, str]:
    path, size, seed, profile = job
    texts, used = _texts(size, seed, profile)
    data = "\n\n".join(texts)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(data)
    return len(data.encode("utf-8")), used


def text_tree(mb: float = 200, seed: int = 0, profile: str = DEFAULT_PROFILE, regen: bool = False) -> dict:
    name = f"text_{profile}_{mb:g}mb_s{seed}"
    params = {"mb": mb, "seed": seed, "profile": profile}
    if (hit := _cached(name, params, regen)):
        return hit
    t0 = time.perf_counter()
    dest = _start(name)
    rng = random.Random(_seed("text-sizes", seed))
    target, planned, jobs = int(mb * 1_000_000), 0, []
    while planned < target:
        size = min(rng.randint(150_000, 450_000), max(target - planned, 20_000))
        folder = dest / f"d{len(jobs) // 50:02d}"
        folder.mkdir(exist_ok=True)
        jobs.append((str(folder / f"text_{len(jobs):04d}.txt"), size, _seed("text", seed, len(jobs)), profile))
        planned += size
    with _pool() as pool:
        results = pool.map(_text_file, jobs, chunksize=1)
    summary = {"files": len(jobs), "bytes": sum(r[0] for r in results), "profile_used": results[0][1]}
    return _finish(name, params, summary, time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------
# Mixed tree
# --------------------------------------------------------------------------------------------

def _has_writers() -> bool:
    return all(hasattr(corpus, n) for n in ("_rows", "_write_pdf", "_write_docx", "_write_xlsx"))


def _template(job) -> None:
    """One distinct PDF (one page), Word or Excel file."""
    kind, path, seed, profile = job
    rng = random.Random(seed)
    if kind == "pdf":
        texts, _ = _texts(5_000, seed, profile)
        corpus._write_pdf(Path(path), "\n\n".join(texts))
    elif kind == "docx":
        texts, _ = _texts(rng.randint(1_000, 5_000), seed, profile)
        table = corpus._rows(rng, rng.randint(3, 6)) if rng.random() < 0.3 else None
        corpus._write_docx(Path(path), "\n\n".join(texts), table)
    else:
        corpus._write_xlsx(Path(path), corpus._rows(rng, rng.randint(5, 15)))
        _fix_modified(Path(path))


def _fix_modified(path: Path) -> None:
    """openpyxl stamps dcterms:modified with the time of saving, whatever the workbook says:
    pin it, so the same seed gives the same bytes."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data)
            dst.writestr(info, data)


def _mixed_chunk(job) -> None:
    """Write the .txt and .csv files of one chunk and copy the templates for the others."""
    items, profile = job
    for kind, path, seed, template in items:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if template is not None:
            shutil.copyfile(template, path)
        elif kind == "txt":
            rng = random.Random(seed)
            texts, _ = _texts(rng.randint(500, 6_000), seed, profile)
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write("\n\n".join(texts))
        else:  # csv
            rng = random.Random(seed)
            header, rows = corpus._rows(rng, rng.randint(3, 15))
            with open(path, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, delimiter=rng.choice(";,"))
                writer.writerow(header)
                writer.writerows(rows)


def mixed_tree(n_files: int = 20_000, seed: int = 0, profile: str = DEFAULT_PROFILE, regen: bool = False) -> dict:
    name = f"mixed_{n_files}_s{seed}"
    params = {"files": n_files, "seed": seed, "profile": profile}
    if (hit := _cached(name, params, regen)):
        return hit
    t0 = time.perf_counter()
    dest = _start(name)
    templates_dir = OUT / f"{name}.templates"
    if templates_dir.exists():
        shutil.rmtree(templates_dir)
    templates_dir.mkdir(parents=True)
    templates: dict[str, list[str]] = {}
    writers = _has_writers()
    with _pool() as pool:
        if writers:
            jobs = []
            for kind in ("pdf", "docx", "xlsx"):
                templates[kind] = [str(templates_dir / f"{kind}_{i:02d}.{kind}") for i in range(TEMPLATES_PER_KIND)]
                jobs += [(kind, p, _seed("template", seed, kind, i), profile) for i, p in enumerate(templates[kind])]
            pool.map(_template, jobs, chunksize=4)
        else:  # corpus.py without its private writers: copy everything from a write_tree() tree
            corpus.write_tree(templates_dir, 300, seed)
            for path in sorted(templates_dir.rglob("*")):
                if path.is_file():
                    templates.setdefault(path.suffix.lstrip("."), []).append(str(path))

        rng = random.Random(_seed("mixed", seed))
        kinds, weights = zip(*_KINDS)
        # n/15 folder paths drawn, 1 to 5 levels deep; after duplicates ~20 files per folder.
        folders = sorted({"/".join(rng.choice(_DIRS) for _ in range(rng.choices((1, 2, 3, 4, 5), (15, 30, 28, 17, 10))[0]))
                          for _ in range(max(1, n_files // 15))})
        items = []
        for i in range(n_files):
            kind = rng.choices(kinds, weights)[0]
            folder = rng.choice(folders)
            path = dest / folder / f"{rng.choice(('doc', 'bestand', 'export', 'scan', 'brief', 'fiche'))}_{i:05d}.{kind}"
            unique = kind in ("txt", "csv") and writers
            template = None if unique else rng.choice(templates[kind])
            items.append((kind, str(path), _seed("mixed-file", seed, i), template))
        chunks = [(items[k:k + 250], profile) for k in range(0, len(items), 250)]
        pool.map(_mixed_chunk, chunks, chunksize=1)
    shutil.rmtree(templates_dir)
    by_suffix: dict[str, dict] = {}
    for kind, path, _, _ in items:
        entry = by_suffix.setdefault(kind, {"files": 0, "bytes": 0})
        entry["files"] += 1
        entry["bytes"] += os.path.getsize(path)
    summary = {"files": n_files, "bytes": sum(e["bytes"] for e in by_suffix.values()),
               "by_suffix": dict(sorted(by_suffix.items())),
               "distinct_templates_per_binary_format": TEMPLATES_PER_KIND if writers else "from write_tree(300)",
               "folders": len({os.path.dirname(p) for _, p, _, _ in items})}
    return _finish(name, params, summary, time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------
# Many tiny files
# --------------------------------------------------------------------------------------------

_LINES: list[str] = []


def _tiny_chunk(job) -> int:
    folder, first, count, seed = job
    Path(folder).mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(first, first + count):
        rng = random.Random(_seed("tiny", seed, i))
        text = "\n".join(rng.choice(_LINES) for _ in range(rng.randint(1, 3))) + "\n"
        data = text.encode("utf-8")
        with open(os.path.join(folder, f"note_{i:06d}.txt"), "wb") as fh:
            fh.write(data)
        total += len(data)
    return total


def tiny_tree(n_files: int = 100_000, seed: int = 0, profile: str = DEFAULT_PROFILE, regen: bool = False) -> dict:
    global _LINES
    name = f"tiny_{n_files}_s{seed}"
    params = {"files": n_files, "seed": seed, "profile": profile}
    if (hit := _cached(name, params, regen)):
        return hit
    t0 = time.perf_counter()
    dest = _start(name)
    # A pool of lines from 1 MB of business text: short ones, most with an identifier nearby.
    texts, _ = _texts(1_000_000, _seed("tiny-lines", seed), profile)
    _LINES = [line.strip() for t in texts for line in t.splitlines() if 20 <= len(line.strip()) <= 200]
    per_folder = 1_000
    jobs = [(str(dest / f"f{k // per_folder:03d}"), k, min(per_folder, n_files - k), seed)
            for k in range(0, n_files, per_folder)]
    with _pool() as pool:  # forked after _LINES is set: the children inherit it
        sizes = pool.map(_tiny_chunk, jobs, chunksize=1)
    summary = {"files": n_files, "bytes": sum(sizes), "folders": len(jobs)}
    return _finish(name, params, summary, time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------

QUICK = {"text_mb": 20, "mixed_files": 2_000, "tiny_files": 10_000}
FULL = {"text_mb": 200, "mixed_files": 20_000, "tiny_files": 100_000}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--text-mb", type=float)
    ap.add_argument("--mixed-files", type=int)
    ap.add_argument("--tiny-files", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profile", default=DEFAULT_PROFILE)
    ap.add_argument("--quick", action="store_true", help="20 MB / 2,000 / 10,000 files")
    ap.add_argument("--regen", action="store_true", help="regenerate even if cached")
    args = ap.parse_args()
    sizes = dict(QUICK if args.quick else FULL)
    for key in sizes:
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    for label, fn, n in (("text", text_tree, sizes["text_mb"]), ("mixed", mixed_tree, sizes["mixed_files"]),
                         ("tiny", tiny_tree, sizes["tiny_files"])):
        info = fn(n, args.seed, args.profile, args.regen)
        how = "cached" if info.get("cached") else f"generated in {info['generated_in_s']} s"
        print(f"{label:6} {info['files']:>7} files {info['bytes'] / 1e6:8.1f} MB  {info['path']}  ({how})")


if __name__ == "__main__":
    main()
