"""Tesseract through its command line: TSV word boxes, grouped into lines.

No pytesseract: one subprocess call with the image on stdin and TSV on stdout is all it does.
Tesseract is a Debian package (`tesseract-ocr`, `-nld`, `-fra`), not a pip one, so it is used
only when the binary and the three languages are there (`available()`).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
from functools import lru_cache

from piiscan.ocr.engine import LANGUAGES, OcrLine
# A page that takes longer than this is not a page Tesseract will finish usefully.
TIMEOUT = 120.0


class TesseractError(RuntimeError):
    pass


def _env() -> dict:
    # One thread: Tesseract's OpenMP pool is 4-5x slower on a busy machine (FACTS.md).
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether `tesseract` is on PATH with the nld, fra and eng languages (asked once)."""
    binary = shutil.which("tesseract")
    if binary is None:
        return False
    try:
        done = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30, env=_env())
    except (OSError, subprocess.SubprocessError):
        return False
    # "List of available languages in "...": then one language per line.
    langs = {line.strip() for line in (done.stdout + done.stderr).splitlines()[1:]}
    return done.returncode == 0 and all(lang in langs for lang in LANGUAGES)


def run_tsv(image, languages: tuple[str, ...] = LANGUAGES, extra: tuple[str, ...] = ()) -> str:
    """Tesseract's TSV for a PIL image (sent as PNG on stdin)."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise TesseractError("tesseract is not installed")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    command = [binary, "stdin", "stdout", "-l", "+".join(languages), *extra, "tsv"]
    try:
        done = subprocess.run(command, input=buffer.getvalue(), capture_output=True, timeout=TIMEOUT, env=_env())
    except subprocess.TimeoutExpired as exc:
        raise TesseractError(f"tesseract took more than {TIMEOUT:g} s") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TesseractError(f"tesseract failed: {message[-1] if message else done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str) -> list[OcrLine]:
    """OcrLines from Tesseract TSV: the words (level 5) of each line (page, block, paragraph,
    line), joined with spaces; box = union of the word boxes; confidence = mean word
    confidence / 100. Lines come in Tesseract's reading order."""
    lines: dict[tuple[str, str, str, str], list] = {}
    rows = tsv.splitlines()
    if not rows:
        return []
    header = rows[0].split("\t")
    try:
        col = {name: header.index(name) for name in ("level", "page_num", "block_num", "par_num", "line_num", "left", "top", "width", "height", "conf", "text")}
    except ValueError:
        raise TesseractError("not Tesseract TSV output") from None
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) <= col["text"] or cells[col["level"]] != "5":
            continue
        text = cells[col["text"]].strip()
        if not text:
            continue
        key = tuple(cells[col[name]] for name in ("page_num", "block_num", "par_num", "line_num"))
        left, top = int(cells[col["left"]]), int(cells[col["top"]])
        right, bottom = left + int(cells[col["width"]]), top + int(cells[col["height"]])
        confidence = max(0.0, float(cells[col["conf"]])) / 100
        lines.setdefault(key, []).append((text, (left, top, right, bottom), confidence))
    out = []
    for words in lines.values():
        text = unicodedata.normalize("NFKC", " ".join(w[0] for w in words))
        box = (
            float(min(w[1][0] for w in words)),
            float(min(w[1][1] for w in words)),
            float(max(w[1][2] for w in words)),
            float(max(w[1][3] for w in words)),
        )
        out.append(OcrLine(text, box, sum(w[2] for w in words) / len(words)))
    return out


def ocr_tesseract(image):
    """The lines of text on a PIL image, in Tesseract's reading order."""
    return parse_tsv(run_tsv(image.convert("RGB") if image.mode not in ("L", "RGB") else image))
