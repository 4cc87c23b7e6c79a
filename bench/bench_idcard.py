"""`piiscan redact-id` on synthetic ID documents and on real specimen images: seconds per
image for each step, MRZ detection, face detection and redaction success.

    python bench/bench_idcard.py [--seeds 2] [--realdata DIR] [--json FILE] [--no-synthetic]

Synthetic: tests/fixtures/id_documents.py, every kind, side and variant ("clean", "scan":
askew, noisy JPEG; "both" + "scan" is an A4 page), `--seeds` people each. A copy counts as
correct when it passed verification and the truth boxes say so: the photo and ghost boxes
at least 95% black, the document number, national number and MRZ boxes at least 88% (on
a scan the truth box is the upright bounding box of a turned field, and the mask is turned
with the field: the box's corners may stay light).

Real: the specimen images in ../shared/realdata/02_id_images (read where they are, never
copied), listed in its expected_mrz.jsonl with their MRZ. Reported per image and in total:
- MRZ detected: a block of MRZ lines was found (and whether its reading equals the truth,
  and whether its check digits hold);
- face found: OpenCV found at least one face;
- redaction success: a copy was produced and passed verification (re-OCR: no MRZ line, no
  masked number readable, "KOPIE" readable; photo boxes black).

Each image goes through `piiscan.redact.idcard.redact_id_bytes` as the command runs it, in
this process; times are wall-clock seconds: locate (documents, straightening, OCR, faces,
rules), mask (watermark, masks, encoding), verify (decode, re-OCR, pixel check; a second
round when the first found something to mask). OCR as the command runs it: rapidocr
locates, every installed engine verifies (idcard_verify.engines); PIISCAN_OCR forces one.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_REALDATA = ROOT.parent / "shared" / "realdata" / "02_id_images"
MUST_BE_BLACK = ("photo", "ghost_photo", "document_number", "national_number", "mrz")


def _black_share(image, box) -> float:
    import numpy as np

    pixels = np.asarray(image.convert("L").crop(box))
    return float((pixels < 48).mean()) if pixels.size else 1.0


def synthetic(seeds: int, options, detector) -> list[dict]:
    from tests.fixtures.id_documents import KINDS, make_document

    from piiscan.redact.idcard import redact_id_bytes

    rows = []
    for kind in KINDS:
        for side in ("front",) if kind == "nl_passport" else ("front", "back", "both"):
            for variant in ("clean", "scan"):
                for seed in range(seeds):
                    doc = make_document(kind, seed=seed, side=side, variant=variant)
                    buffer = io.BytesIO()
                    doc.image.save(buffer, "PNG")
                    copy, result = redact_id_bytes(buffer.getvalue(), ".png", options, detector)
                    out = result.pages[0].image
                    shares = {k: round(_black_share(out, b), 3) for k, b in doc.boxes.items() if k in MUST_BE_BLACK}
                    rows.append({
                        "name": f"{kind}/{side}/{variant}/{seed}", "size": list(doc.image.size), "status": result.status,
                        "verified": copy is not None,
                        "masked_ok": all(v >= (0.95 if "photo" in k else 0.88) for k, v in shares.items()),
                        "black_share": shares, "review": result.review,
                        "error": result.error.message if result.error else None,
                        "seconds": {k: round(v, 3) for k, v in result.timings.items()},
                    })
                    _progress(rows[-1])
    return rows


def _mrz_match(found: list[list[str]], truth: list[str]) -> bool:
    return any(lines == truth for lines in found)


def real(folder: Path, options, detector) -> list[dict]:
    from piiscan.redact.idcard import redact_id_bytes

    rows = []
    for entry in (json.loads(line) for line in (folder / "expected_mrz.jsonl").read_text().splitlines() if line.strip()):
        path = folder / entry["image"]
        data = path.read_bytes()
        copy, result = redact_id_bytes(data, path.suffix.lower(), options, detector)
        blocks = [b for page in result.pages for vt in page.located.views for b in vt.blocks]
        faces = [f for page in result.pages for vt in page.located.views for f in vt.faces]
        truth = entry.get("mrz_lines") or []
        rows.append({
            "name": entry["image"], "has_mrz": bool(truth), "status": result.status, "kind": result.kind,
            "mrz_found": bool(blocks), "mrz_exact": _mrz_match([b.lines for b in blocks], truth) if truth else None,
            "mrz_valid": any(b.valid for b in blocks), "faces": len(faces), "ghosts": sum(f.ghost for f in faces),
            "verified": copy is not None, "review": result.review,
            "error": result.error.message if result.error else None,
            "seconds": {k: round(v, 3) for k, v in result.timings.items()},
        })
        _progress(rows[-1])
    return rows


def _progress(row: dict) -> None:
    seconds = " ".join(f"{k}={v:.2f}" for k, v in row["seconds"].items())
    print(f"  {row['name']:<48} {row['status']:<20} {seconds}", file=sys.stderr, flush=True)


def _rate(rows, key) -> str:
    n = sum(1 for r in rows if r[key])
    return f"{n}/{len(rows)} ({100 * n / len(rows):.0f}%)" if rows else "-"


def _times(rows) -> dict:
    steps = ("locate", "mask", "verify")
    out = {}
    for step in steps:
        values = [r["seconds"].get(step, 0.0) for r in rows if step in r["seconds"]]
        if values:
            out[step] = {"mean": round(statistics.mean(values), 3), "max": round(max(values), 3)}
    totals = [sum(r["seconds"].get(s, 0.0) for s in ("read",) + steps) for r in rows]
    if totals:
        out["total"] = {"mean": round(statistics.mean(totals), 3), "max": round(max(totals), 3)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=2, help="synthetic people per kind/side/variant (default 2)")
    ap.add_argument("--realdata", type=Path, default=DEFAULT_REALDATA, help="the specimen folder (default: %(default)s)")
    ap.add_argument("--no-synthetic", action="store_true")
    ap.add_argument("--json", help="write the figures and the per-image rows here")
    args = ap.parse_args()

    from piiscan.detect.engine import Detector
    from piiscan.redact.idcard_verify import engines
    from piiscan.redact.idcard import IdOptions
    from piiscan.redact.idcard_command import ENTITIES

    detector = Detector(entities=ENTITIES)
    options = IdOptions(purpose="Benchmark", recipient="piiscan", date="2026-11-22")
    locate_engine, verify_engines = engines()
    report = {"ocr": {"locate": locate_engine, "verify": verify_engines}}
    if not args.no_synthetic:
        print("synthetic documents:", file=sys.stderr)
        rows = synthetic(args.seeds, options, detector)
        report["synthetic"] = {
            "images": len(rows), "verified": _rate(rows, "verified"), "masked_ok": _rate(rows, "masked_ok"),
            "seconds_per_image": _times(rows), "rows": rows,
        }
    if (args.realdata / "expected_mrz.jsonl").exists():
        print(f"specimens in {args.realdata}:", file=sys.stderr)
        rows = real(args.realdata, options, detector)
        with_mrz = [r for r in rows if r["has_mrz"]]
        report["specimens"] = {
            "images": len(rows), "with_mrz": len(with_mrz),
            "mrz_detected": _rate(with_mrz, "mrz_found"), "mrz_read_exactly": _rate(with_mrz, "mrz_exact"),
            "mrz_check_digits_valid": _rate(with_mrz, "mrz_valid"),
            "face_found": _rate(rows, "faces"), "redaction_success": _rate(rows, "verified"),
            "review": sum(1 for r in rows if r["status"] == "review"),
            "seconds_per_image": _times(rows), "rows": rows,
        }
    else:
        print(f"no specimens at {args.realdata} (expected_mrz.jsonl missing): skipped", file=sys.stderr)
    summary = {k: ({kk: vv for kk, vv in v.items() if kk != "rows"} if isinstance(v, dict) else v) for k, v in report.items()}
    print(json.dumps(summary, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
