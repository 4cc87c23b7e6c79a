"""HEIC/HEIF photos (what iPhones take) for Pillow, when a decoder is installed.

Decoding needs libheif with an HEVC decoder: the optional extra `[heic]` installs pi-heif
(decode-only wheels: libheif and libde265, LGPL). pillow-heif reads them too, but its wheels
carry the GPL x265 encoder, so piiscan does not depend on it. Nothing can write HEIC without
such an encoder, so `piiscan redact-id` writes the copy of a HEIC photo as JPEG.
"""

from __future__ import annotations

from functools import cache

SUFFIXES = (".heic", ".heif")
INSTALL_HINT = "reading HEIC photos needs the optional extra: pip install 'piiscan-benelux[heic]'"


@cache
def heif_available() -> bool:
    """Register a HEIF opener with Pillow (once); False when no decoder is installed."""
    for module in ("pi_heif", "pillow_heif"):
        try:
            opener = __import__(module).register_heif_opener
        except ImportError:
            continue
        opener()
        return True
    return False
