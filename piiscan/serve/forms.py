"""multipart/form-data parsed in memory (python-multipart's streaming parser).

Starlette's own form parsing spools files over 1 MB to temporary files; uploads here must
never touch the disk, and the body is already in memory within the size limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header

from piiscan.serve.errors import ApiError

MAX_PARTS = 16  # a form here has a file and a few short fields
MAX_FIELD = 1000  # characters in a text field


@dataclass
class Upload:
    filename: str  # the name without any folder part a client may send ("" when it sent none)
    content_type: str
    data: bytes


@dataclass
class Form:
    parts: dict[str, Upload] = field(default_factory=dict)

    def text(self, name: str, default: str = "") -> str:
        """A text field's value; ApiError when it is not short UTF-8 text."""
        part = self.parts.get(name)
        if part is None:
            return default
        try:
            value = part.data.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError("bad_request", f"form field {name!r} is not UTF-8 text") from None
        if len(value) > MAX_FIELD:
            raise ApiError("bad_request", f"form field {name!r} is longer than {MAX_FIELD} characters")
        return value


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    data: bytearray = field(default_factory=bytearray)


def parse_form(body: bytes, content_type: str) -> Form:
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise ApiError("bad_request", "multipart/form-data without a boundary")
    parts: list[_Part] = []
    header = [b"", b""]

    def on_part_begin() -> None:
        if len(parts) >= MAX_PARTS:
            raise ApiError("bad_request", f"more than {MAX_PARTS} form parts")
        parts.append(_Part())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def on_header_end() -> None:
        parts[-1].headers[header[0].strip().lower()] = header[1].strip()
        header[0] = header[1] = b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        parts[-1].data += data[start:end]

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_part_data": on_part_data,
    })
    try:
        parser.write(body)
        parser.finalize()
    except ApiError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-multipart raises several types for bad input
        raise ApiError("bad_request", f"malformed multipart body ({type(exc).__name__})") from None
    form = Form()
    for part in parts:
        _add(form, part)
    return form


def _add(form: Form, part: _Part) -> None:
    # A part is what its name says: a client need not send a file name with the file.
    _, options = parse_options_header(part.headers.get(b"content-disposition", b""))
    if b"name" not in options:
        raise ApiError("bad_request", "a form part without a name")
    name = _text(options[b"name"])
    if name in form.parts:
        raise ApiError("bad_request", f"form field {name!r} given twice")
    filename = _text(options.get(b"filename", b"")).replace("\\", "/").rsplit("/", 1)[-1]
    content_type = _text(part.headers.get(b"content-type", b"application/octet-stream"))
    form.parts[name] = Upload(filename, content_type, bytes(part.data))


def _text(value: bytes) -> str:
    # Header values travel as bytes; browsers send UTF-8 file names, curl whatever the shell had.
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")
