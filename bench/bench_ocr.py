"""OCR speed and MRZ detection: seconds per image and per scanned PDF page for each OCR engine,
and how many real specimen MRZs piiscan reads with valid check digits.

    python bench/bench_ocr.py [--specimens DIR] [--engines rapidocr,tesseract] [--pages 3]
                              [--synthetic-seeds 1] [--json FILE]

Engines: rapidocr always; tesseract when it is installed with nld+fra+eng.

1. **Specimens** (default `../shared/realdata/02_id_images`, read at run time and never
   copied into the repository): every image listed in its `expected_mrz.jsonl` goes through
   the scan's image path (`piiscan.ocr.page.page_text`: OCR, rows, MRZ repair) and the
   detector. Reported per engine: seconds per image (wall clock, after one warm-up image),
   `mrz exact` (the truth MRZ lines are among the MRZs read), `ID_DOCUMENT` (the detector
   reports an ID copy), out of the images whose truth MRZ passes piiscan's check-digit test
   (visas, and a specimen whose printed composite digit is wrong, cannot pass it) and out
   of all images.
2. **Synthetic BE/NL documents** (`tests/fixtures/id_documents.py`: Belgian eID back, Dutch
   ID card back, Dutch passport page; clean, scanned askew with JPEG noise, both sides on
   an A4 copy; `--synthetic-seeds` people each): MRZ read exactly, ID_DOCUMENT of the
   right kind, seconds per image.
3. **Scanned PDF pages**: an A4 page of Dutch text with an IBAN, a phone number and a
   national number, rendered to an image at 200 dpi and put into a PDF as its only content
   (`--pages` pages), read by `piiscan.extract.pdf.extract_pdf`. Reported: seconds per page
   and whether the three values were found on every page.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from piiscan.detect.engine import Detector
from piiscan.model import Blob, Location, Segment
from piiscan.ocr.engine import available_engines
from piiscan.ocr.mrz_read import find_mrz
from piiscan.ocr.page import page_text
from piiscan.detect.mrz import valid_mrz

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPECIMENS = ROOT.parent / "shared" / "realdata" / "02_id_images"


def _font(size: int):
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def specimens(folder: Path, engines: list[str], detector: Detector) -> dict:
    rows = [json.loads(line) for line in (folder / "expected_mrz.jsonl").read_text().splitlines() if line.strip()]
    results: dict[str, dict] = {}
    for engine in engines:
        page_text(Image.open(folder / rows[0]["image"]), engine)  # warm-up: model loading
        per_image, times = [], []
        for row in rows:
            image = Image.open(folder / row["image"])
            started = time.perf_counter()
            text = page_text(image, engine)
            seconds = time.perf_counter() - started
            times.append(seconds)
            truth = row.get("mrz_lines") or []
            reads = find_mrz(text.splitlines())
            exact = any(list(read.lines) == truth for read in reads) if truth else None
            findings = detector.findings(row["image"], [Segment(text, Location(page=1, part="ocr"))])
            copies = [f.recognizer.split(":", 1)[1] for f in findings if f.entity_type == "ID_DOCUMENT"]
            per_image.append({
                "image": row["image"], "size": list(image.size), "seconds": round(seconds, 2),
                "checkable": bool(truth) and valid_mrz(truth), "has_mrz": bool(truth),
                "mrz_exact": exact, "mrz_read": len(reads), "id_document": copies,
            })
        checkable = [r for r in per_image if r["checkable"]]
        with_mrz = [r for r in per_image if r["has_mrz"]]
        results[engine] = {
            "images": len(per_image),
            "seconds_per_image_mean": round(statistics.mean(times), 2),
            "seconds_per_image_median": round(statistics.median(times), 2),
            "mrz_exact_checkable": f"{sum(1 for r in checkable if r['mrz_exact'])}/{len(checkable)}",
            "mrz_exact_all_with_mrz": f"{sum(1 for r in with_mrz if r['mrz_exact'])}/{len(with_mrz)}",
            "id_document_checkable": f"{sum(1 for r in checkable if r['id_document'])}/{len(checkable)}",
            "id_document_without_mrz": [r["id_document"] for r in per_image if not r["has_mrz"]],
            "per_image": per_image,
        }
    return results


SYNTHETIC = [
    ("be_eid", "back", "clean"), ("be_eid", "back", "scan"), ("be_eid", "both", "scan"),
    ("nl_id_card", "back", "clean"), ("nl_id_card", "back", "scan"), ("nl_id_card", "both", "scan"),
    ("nl_passport", "front", "clean"), ("nl_passport", "front", "scan"),
]
EXPECTED_KIND = {"be_eid": "BE eID", "nl_id_card": "NL ID card", "nl_passport": "NL passport"}


def synthetic(engines: list[str], detector: Detector, seeds: int) -> dict:
    """The synthetic BE/NL documents of tests/fixtures/id_documents.py (clean, scanned,
    both sides on A4): MRZ read exactly, ID_DOCUMENT of the right kind, seconds."""
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.id_documents import make_document

    docs = [(f"{k}/{side}/{variant}/{seed}", make_document(k, side=side, variant=variant, seed=seed))
            for seed in range(seeds) for k, side, variant in SYNTHETIC]
    results = {}
    for engine in engines:
        per_doc = []
        for name, doc in docs:
            started = time.perf_counter()
            text = page_text(doc.image, engine)
            seconds = time.perf_counter() - started
            reads = find_mrz(text.splitlines())
            findings = detector.findings(name, [Segment(text, Location(page=1, part="ocr"))])
            kinds = [f.recognizer.split(":", 1)[1] for f in findings if f.entity_type == "ID_DOCUMENT"]
            per_doc.append({
                "document": name, "size": list(doc.image.size), "seconds": round(seconds, 2),
                "mrz_exact": any(list(r.lines) == doc.truth["mrz"] for r in reads),
                "kind_ok": kinds == [EXPECTED_KIND[doc.kind]], "id_document": kinds,
            })
        results[engine] = {
            "documents": len(per_doc),
            "seconds_per_image_mean": round(statistics.mean(d["seconds"] for d in per_doc), 2),
            "mrz_exact": f"{sum(d['mrz_exact'] for d in per_doc)}/{len(per_doc)}",
            "id_document_kind_ok": f"{sum(d['kind_ok'] for d in per_doc)}/{len(per_doc)}",
            "per_document": per_doc,
        }
    return results


def _scanned_pdf(pages: int) -> tuple[bytes, list[str]]:
    """An image-only PDF: each page an A4 scan at 200 dpi of a short Dutch letter."""
    import pikepdf

    values = ["BE68 5390 0754 7034", "0470 12 34 56", "85.07.30-033.28"]
    lines = [
        "Zonnewende NV - Klantendienst", "", "Betreft: uw inzageverzoek van 12 maart 2024", "",
        "Geachte heer Peeters,", "",
        "Wij ontvingen uw verzoek en bevestigen de gegevens die wij van u bewaren.",
        f"Rekeningnummer (IBAN): {values[0]}", f"Telefoon: {values[1]}",
        f"Rijksregisternummer: {values[2]}", "",
        "Met vriendelijke groeten,", "De privacydienst",
    ]
    pdf = pikepdf.new()
    width, height = 1654, 2339
    for _ in range(pages):
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        y = 200
        for line in lines:
            draw.text((160, y), line, fill=0, font=_font(34))
            y += 60
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
        xobject = pikepdf.Stream(pdf, buffer.getvalue())
        xobject.Type, xobject.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        xobject.Width, xobject.Height = width, height
        xobject.ColorSpace, xobject.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        xobject.Filter = pikepdf.Name.DCTDecode
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject))
        page.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue(), values


def scanned_pages(engines: list[str], pages: int, detector: Detector) -> dict:
    from piiscan.extract.pdf import extract_pdf

    data, values = _scanned_pdf(pages)
    expected = {f.canonical for f in detector.findings("letter.txt", [Segment("\n".join(f"Rijksregisternummer {v}" for v in values))])}
    assert len(expected) == len(values), expected
    blob = Blob("scan.pdf", len(data), lambda: io.BytesIO(data))
    results = {}
    for engine in engines:
        os.environ["PIISCAN_OCR"] = engine
        try:
            started = time.perf_counter()
            segments = [s for s in extract_pdf(blob) if isinstance(s, Segment)]
            seconds = time.perf_counter() - started
        finally:
            del os.environ["PIISCAN_OCR"]
        # Compared as canonical values: OCR may drop a space inside a number.
        found = {f.canonical for f in detector.findings("scan.pdf", segments)}
        results[engine] = {
            "pages": pages,
            "seconds_per_page": round(seconds / pages, 2),
            "all_values_found": all(v in found for v in expected),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--specimens", type=Path, default=DEFAULT_SPECIMENS)
    parser.add_argument("--engines", default=",".join(available_engines()))
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--synthetic-seeds", type=int, default=1, help="synthetic BE/NL documents: seeds per layout (0: skip)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    detector = Detector()
    report = {"engines": engines}
    # The scanned pages first: their first engine call also loads that engine's model.
    report["scanned_pdf"] = scanned_pages(engines, args.pages, detector)
    if (args.specimens / "expected_mrz.jsonl").exists():
        report["specimens"] = specimens(args.specimens, engines, detector)
    else:
        print(f"no specimens at {args.specimens}: skipped", file=sys.stderr)
    if args.synthetic_seeds:
        report["synthetic"] = synthetic(engines, detector, args.synthetic_seeds)
    for engine in engines:
        syn = report.get("synthetic", {}).get(engine)
        if syn:
            print(f"{engine:10} synthetic BE/NL documents: {syn['seconds_per_image_mean']:.2f} s/image, "
                  f"MRZ read exactly {syn['mrz_exact']}, ID_DOCUMENT of the right kind {syn['id_document_kind_ok']}")
            for d in syn["per_document"]:
                if not (d["mrz_exact"] and d["kind_ok"]):
                    print(f"    -- {d['document']}: mrz_exact={d['mrz_exact']} id={d['id_document']}")
        pdf = report["scanned_pdf"][engine]
        print(f"{engine:10} scanned PDF page: {pdf['seconds_per_page']:.2f} s/page, values found: {pdf['all_values_found']}")
        spec = report.get("specimens", {}).get(engine)
        if spec:
            print(f"{engine:10} specimens: {spec['seconds_per_image_mean']:.2f} s/image (median {spec['seconds_per_image_median']:.2f}), "
                  f"MRZ read exactly {spec['mrz_exact_checkable']} checkable ({spec['mrz_exact_all_with_mrz']} of all with an MRZ), "
                  f"ID_DOCUMENT {spec['id_document_checkable']} checkable, on the image without MRZ: {spec['id_document_without_mrz']}")
            for r in spec["per_image"]:
                mark = "ok " if r["mrz_exact"] else ("-- " if r["has_mrz"] else "   ")
                print(f"    {mark}{r['image']:48} {r['seconds']:5.2f}s checkable={r['checkable']!s:5} id={r['id_document']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
