"""Decide what an upload is from its bytes, never from its name.

The extension and the browser's Content-Type are attacker-controlled, so only the magic
bytes (and, for OOXML, the package's own content types) decide. Macro-enabled Word files
(``.docm``) are refused: we never want a file with a VBA project sitting in storage.
"""

from __future__ import annotations

import io
import logging
import struct
import zipfile
import zlib
from typing import Literal

import filetype  # type: ignore[import-untyped]

from talentsync.resume.errors import ResumeError

log = logging.getLogger(__name__)

ResumeKind = Literal["pdf", "docx", "txt"]

# Acrobat accepts a PDF header anywhere in the first 1024 bytes; some generators prepend junk.
_PDF_HEADER_WINDOW = 1024
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_DOCX_MAIN = b"wordprocessingml.document.main+xml"
_MACRO_MARKERS = (b"macroEnabled", b"vbaProject")
_UTF_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# Control bytes that never occur in real text (TAB, LF, FF, CR and ESC-free text only).
_BINARY_BYTES = (
    frozenset(range(0x00, 0x09))
    | frozenset({0x0B, 0x0E, 0x0F})
    | frozenset(range(0x10, 0x1B))
    | frozenset(range(0x1C, 0x20))
    | {0x7F}
)


def sniff_resume_type(data_head: bytes, filename: str | None = None) -> ResumeKind:
    """Return ``"pdf"``, ``"docx"`` or ``"txt"`` from the first bytes of an upload.

    ``data_head`` may be the whole file or only its head (a few KB is enough; with a head only
    the ``.docm`` check reads the local zip headers it can see, and ``extract_text`` checks
    again on the whole file). ``filename`` is used for log context only.

    Raises ``ResumeError`` 415 for anything else (images, executables, other zips, macro-enabled
    Word) and 422 for an empty upload.
    """
    if not data_head or not data_head.strip(b" \t\r\n\x00"):
        raise ResumeError(422, "The file is empty.")
    if b"%PDF-" in data_head[:_PDF_HEADER_WINDOW]:
        return "pdf"
    if data_head.startswith(_ZIP_MAGIC) or data_head.startswith(_EMPTY_ZIP_MAGIC):
        _check_word_package(data_head, filename)
        return "docx"
    if _looks_like_text(data_head):
        return "txt"
    raise ResumeError(415, _unsupported_message(data_head))


def _unsupported_message(data_head: bytes) -> str:
    guess = filetype.guess(data_head)
    what = f" (it looks like {guess.mime})" if guess is not None else ""
    return f"Unsupported file type{what}. Upload a PDF, a Word .docx or a plain-text file."


def _looks_like_text(head: bytes) -> bool:
    if head.startswith(_UTF_BOMS):
        return True  # UTF-16 text is full of NULs; the BOM vouches for it
    sample = head[:8192]
    return not any(b in _BINARY_BYTES for b in sample)


def _check_word_package(head: bytes, filename: str | None) -> None:
    """Raise 415 unless ``head`` is (the start of) a Word document without macros."""
    names, content_types = _zip_names_and_content_types(head)
    blob = b"\n".join(names) + b"\n" + content_types
    if any(marker in blob for marker in _MACRO_MARKERS):
        log.info("rejected macro-enabled Word upload", extra={"upload_filename": filename})
        raise ResumeError(
            415,
            "Macro-enabled Word files (.docm) are not accepted. Save the resume as .docx or PDF.",
        )
    if _DOCX_MAIN in content_types or b"word/document.xml" in names:
        return
    raise ResumeError(
        415,
        "This archive is not a Word .docx document. Upload a PDF, a .docx or a plain-text file.",
    )


def _zip_names_and_content_types(head: bytes) -> tuple[list[bytes], bytes]:
    """Entry names and the ``[Content_Types].xml`` text of a zip, from as much of it as we have.

    With the whole file the central directory is authoritative. With only a head, walk the
    local file headers that fit. Decompression is capped so a bomb cannot blow up here.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(head)) as zf:
            infos = zf.infolist()
            names = [i.filename.encode("utf-8", "replace") for i in infos[:5000]]
            ct = b""
            for info in infos:
                if info.filename == "[Content_Types].xml" and info.file_size < 1_000_000:
                    ct = zf.read(info)
                    break
            return names, ct
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        pass  # only a head, or broken: fall back to the local headers
    return _scan_local_headers(head)


def _scan_local_headers(head: bytes) -> tuple[list[bytes], bytes]:
    names: list[bytes] = []
    content_types = b""
    pos = 0
    while len(names) < 5000 and head.startswith(_ZIP_MAGIC, pos) and pos + 30 <= len(head):
        (flags, method, csize, name_len, extra_len) = (
            struct.unpack_from("<H", head, pos + 6)[0],
            struct.unpack_from("<H", head, pos + 8)[0],
            struct.unpack_from("<I", head, pos + 18)[0],
            struct.unpack_from("<H", head, pos + 26)[0],
            struct.unpack_from("<H", head, pos + 28)[0],
        )
        name = head[pos + 30 : pos + 30 + name_len]
        names.append(name)
        data_start = pos + 30 + name_len + extra_len
        data = head[data_start : data_start + csize] if csize else head[data_start:]
        if name == b"[Content_Types].xml":
            content_types = _inflate_prefix(data, method)
        if flags & 0x08 or csize == 0:
            break  # sizes live in a data descriptor after the data: cannot skip reliably
        pos = data_start + csize
    return names, content_types


def _inflate_prefix(data: bytes, method: int) -> bytes:
    if method == zipfile.ZIP_STORED:
        return data[:1_000_000]
    if method != zipfile.ZIP_DEFLATED:
        return b""
    try:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(data, 1_000_000)
    except zlib.error:
        return b""
