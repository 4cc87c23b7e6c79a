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
  masked number readable, "KOPIE" readable; photo boxes black);
- face in copy: OpenCV run again on the decoded copy still finds a face (the pixel check of
  the photo without truth boxes);
- name / birth date readable: the surname and the birth date the MRZ truth gives are found
  (one OCR slip allowed; the date in any printed form: 12 08 1974, 12 AUG/AOÛT 74, 12.08.74)
  in the verification's re-OCR of the copy — what must stay readable;
- metadata: the decoded copy carries no EXIF, XMP, ICC profile or text chunk.

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
                    texts = _copy_texts(result)
                    rows.append({
                        "name": f"{kind}/{side}/{variant}/{seed}", "size": list(doc.image.size), "status": result.status,
                        "verified": copy is not None,
                        "masked_ok": all(v >= (0.95 if "photo" in k else 0.88) for k, v in shares.items()),
                        "black_share": shares, "review": result.review,
                        "name_readable": _word_readable(texts, doc.texts["name"]) if "name" in doc.texts else None,
                        "birth_date_readable": _word_readable(texts, doc.texts["birth_date"]) if "birth_date" in doc.texts else None,
                        "no_metadata": _no_metadata(copy, ".png"),
                        "error": result.error.message if result.error else None,
                        "seconds": {k: round(v, 3) for k, v in result.timings.items()},
                    })
                    _progress(rows[-1])
    return rows


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY|MAI|MEI|MAA", "JUN|JUIN", "JUL|JUIL", "AUG|AOU", "SEP", "OCT|OKT", "NOV", "DEC|DEZ")


def _copy_texts(result) -> list[str]:
    return [line.text for views in result.verification_lines for lines in views for line in lines]


def _word_readable(texts: list[str], word: str) -> bool:
    from piiscan.redact.idcard_text import alnum_index, approx_find

    target = alnum_index(word)[0]
    return bool(target) and any(approx_find(alnum_index(t)[0], target, 1 if len(target) > 4 else 0) for t in texts)


def _date_readable(texts: list[str], yymmdd: str) -> bool:
    """The birth date printed in any common form: day, month (number or name, in any of the
    card's languages: "14 MAR/MAR 87", "19 OKT/OCT 1971") and year."""
    import re
    import unicodedata

    yy, mm, dd = yymmdd[:2], yymmdd[2:4], yymmdd[4:]
    if not (mm.isdigit() and 1 <= int(mm) <= 12 and dd.isdigit()):
        return False
    day, month = f"0?{int(dd)}", f"0?{int(mm)}"
    named = rf"(?<!\d){day}[^0-9]{{0,16}}?(?:{_MONTHS[int(mm) - 1]})[^0-9]{{0,16}}?(?:\d\d)?{yy}(?!\d)"
    numeric = rf"(?<!\d){day}[\s./-]*{month}[\s./-]*(?:\d\d)?{yy}(?!\d)"
    pattern = re.compile(f"{named}|{numeric}")
    # OCR may cut a field in two ("01 JAN /JAN", "85"): the lines in reading order, joined, too
    for text in [*texts, " ".join(texts)]:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
        if pattern.search(plain):
            return True
    return False


def _no_metadata(copy: bytes | None, suffix: str) -> bool | None:
    if copy is None:
        return None
    if suffix == ".pdf":
        import pikepdf

        with pikepdf.open(io.BytesIO(copy)) as pdf:
            return not pdf.docinfo.keys() and "/Metadata" not in pdf.Root
    from PIL import Image

    image = Image.open(io.BytesIO(copy))
    return not image.getexif() and not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(image.info)


def _faces_in_copy(copy: bytes | None, suffix: str, original_faces) -> int | None:
    """Faces OpenCV still finds in the copy where the original's faces were (a face found
    elsewhere is a false detection in the text or the watermark)."""
    if copy is None:
        return None
    from piiscan.redact import idcard_io
    from piiscan.redact.idcard_faces import find_faces
    from piiscan.redact.idcard_text import overlap

    pages = idcard_io.read_pages(copy, suffix)
    found = [face.box for page in pages.images for face in find_faces(page)]
    return sum(1 for box in found if any(overlap(box, original) > 0.3 for original in original_faces))


def _mrz_person(lines: list[str]) -> tuple[str, str]:
    """Surname and birth date (YYMMDD) from an MRZ's lines (TD1: 3 lines, TD2/TD3: 2)."""
    if len(lines) == 3:
        return lines[2].split("<<")[0].replace("<", " ").strip(), lines[1][:6]
    return lines[0][5:].split("<<")[0].replace("<", " ").strip(), lines[1][13:19]


def _mrz_match(found: list[list[str]], truth: list[str]) -> bool:
    return any(lines == truth for lines in found)


def real(folder: Path, options, detector, save: Path | None = None) -> list[dict]:
    from piiscan.redact.idcard import redact_id_bytes

    rows = []
    for entry in (json.loads(line) for line in (folder / "expected_mrz.jsonl").read_text().splitlines() if line.strip()):
        path = folder / entry["image"]
        data = path.read_bytes()
        copy, result = redact_id_bytes(data, path.suffix.lower(), options, detector)
        if save is not None and copy is not None:
            save.mkdir(parents=True, exist_ok=True)
            (save / entry["image"].replace("/", "_")).write_bytes(copy)
        blocks = [b for page in result.pages for vt in page.located.views for b in vt.blocks]
        faces = [f for page in result.pages for vt in page.located.views for f in vt.faces]
        truth = entry.get("mrz_lines") or []
        texts = _copy_texts(result)
        surname, birth = _mrz_person(truth) if truth else ("", "")
        rows.append({
            "name": entry["image"], "has_mrz": bool(truth), "status": result.status, "kind": result.kind,
            "mrz_found": bool(blocks), "mrz_exact": _mrz_match([b.lines for b in blocks], truth) if truth else None,
            "mrz_valid": any(b.valid for b in blocks), "faces": len(faces), "ghosts": sum(f.ghost for f in faces),
            "verified": copy is not None, "review": result.review,
            "faces_in_copy": _faces_in_copy(copy, path.suffix.lower(), [f.box for f in faces]),
            "name_readable": _word_readable(texts, surname) if copy and surname else None,
            "birth_date_readable": _date_readable(texts, birth) if copy and birth else None,
            "no_metadata": _no_metadata(copy, path.suffix.lower()),
            "error": result.error.message if result.error else None,
            "seconds": {k: round(v, 3) for k, v in result.timings.items()},
        })
        _progress(rows[-1])
    return rows


def _progress(row: dict) -> None:
    seconds = " ".join(f"{k}={v:.2f}" for k, v in row["seconds"].items())
    print(f"  {row['name']:<48} {row['status']:<20} {seconds}", file=sys.stderr, flush=True)


def _rate(rows, key) -> str:
    """How many rows have `key` true, among those where it applies (not None)."""
    rows = [r for r in rows if r.get(key) is not None]
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
    ap.add_argument("--save", type=Path, help="write the specimens' copies into this folder, to look at them")
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
            "name_readable": _rate([r for r in rows if r["verified"]], "name_readable"),
            "birth_date_readable": _rate([r for r in rows if r["verified"]], "birth_date_readable"),
            "no_metadata": _rate(rows, "no_metadata"),
            "seconds_per_image": _times(rows), "rows": rows,
        }
    if (args.realdata / "expected_mrz.jsonl").exists():
        print(f"specimens in {args.realdata}:", file=sys.stderr)
        rows = real(args.realdata, options, detector, args.save)
        with_mrz = [r for r in rows if r["has_mrz"]]
        report["specimens"] = {
            "images": len(rows), "with_mrz": len(with_mrz),
            "mrz_detected": _rate(with_mrz, "mrz_found"), "mrz_read_exactly": _rate(with_mrz, "mrz_exact"),
            "mrz_check_digits_valid": _rate(with_mrz, "mrz_valid"),
            "face_found": _rate(rows, "faces"), "redaction_success": _rate(rows, "verified"),
            "copies_with_a_face_left": f"{sum(1 for r in rows if r['faces_in_copy'])}/{sum(1 for r in rows if r['verified'])}",
            "name_readable": _rate(rows, "name_readable"), "birth_date_readable": _rate(rows, "birth_date_readable"),
            "no_metadata": _rate(rows, "no_metadata"),
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
