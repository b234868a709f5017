"""Bounded text extraction from PDF, DOCX and plain-text resumes.

Every path here is written for hostile input: the size, page count, zip directory and text
length are checked *before* the expensive step, and every library exception becomes a
``ResumeError`` so the worker never crashes on an upload.

Text encodings: UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM. Anything else is a
422 asking the user to save as UTF-8: guessing cp1252 silently turns names like "Zoë" into
mojibake that then ends up in questions, which is worse than asking once.
"""

from __future__ import annotations

import io
import logging
import re
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from talentsync.resume.errors import ResumeError
from talentsync.resume.pdf_layout import reading_order
from talentsync.resume.sniff import _MACRO_MARKERS

log = logging.getLogger(__name__)

MAX_RESUME_BYTES = 5 * 1024 * 1024  # the HTTP layer should reject before reading past this
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 50 * 1024 * 1024
MAX_ZIP_RATIO = 100
# Below this size an entry cannot hurt whatever its ratio, and small XML parts of real
# documents (a styles.xml full of repeated attributes) do exceed 100:1.
_RATIO_FLOOR_BYTES = 1024 * 1024
# Wall-clock budget for PDF text extraction; pages after it are skipped (logged), since the
# content that matters in a resume is on its first pages.
PDF_TIME_BUDGET_S = 10.0

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_MANY_BLANKS_RE = re.compile(r"\n{3,}")
_TAB_RE = re.compile(r"(?<=\S)[ ]*\t[\t ]*")
_LEADING_TABS_RE = re.compile(r"^\t+", re.MULTILINE)
_ALIGN_RE = re.compile(r"(?<=\S) {3,}(?=\S)")


def extract_text(
    data: bytes,
    kind: str,
    *,
    max_pages: int = 50,
    max_chars: int = 200_000,
    max_bytes: int = MAX_RESUME_BYTES,
) -> str:
    """Extract normalised plain text (``\\n`` line breaks, NFKC) from a resume file.

    ``kind`` comes from ``sniff_resume_type``. Raises ``ResumeError``: 413 over ``max_bytes``;
    415 for an unknown kind or a macro-enabled package; 422 for empty, encrypted, corrupt,
    too-long (pages) or bomb-like files, undecodable text, or files with no text at all.
    Text beyond ``max_chars`` is cut, not refused.
    """
    if len(data) > max_bytes:
        raise ResumeError(413, f"The file is too large ({len(data) // 1024} KB); the limit is {max_bytes // 1024} KB.")
    if not data:
        raise ResumeError(422, "The file is empty.")
    if kind == "pdf":
        raw = _pdf_text(data, max_pages=max_pages, max_chars=max_chars)
    elif kind == "docx":
        raw = _docx_text(data, max_chars=max_chars)
    elif kind == "txt":
        raw = _decode_text(data)
    else:
        raise ResumeError(415, "Unsupported file type. Upload a PDF, a Word .docx or a plain-text file.")
    text = normalise_text(raw)[:max_chars]
    if len(re.sub(r"\W", "", text)) < 20:
        hint = " It may be a scanned image; upload a text-based PDF." if kind == "pdf" else ""
        raise ResumeError(422, "No readable text was found in the file." + hint)
    return text


def normalise_text(text: str) -> str:
    # NFKC folds ligatures (ﬁ), full-width letters and odd spaces that PDF exporters emit.
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _CONTROL_RE.sub("", text)
    # A tab separates fields ("Engineer<TAB>2019 - 2021"); keep it as a visible separator.
    text = _LEADING_TABS_RE.sub(lambda m: "    " * len(m.group(0)), text)
    text = _TAB_RE.sub(" | ", text)
    lines = [_normalise_line(line) for line in text.split("\n")]
    return _MANY_BLANKS_RE.sub("\n\n", "\n".join(lines)).strip()


def _normalise_line(line: str) -> str:
    # Leading indentation is kept (capped): a wrapped bullet's tail is indented deeper than the
    # bullet, and that is how a continuation is told from a new line. Inside the line, a run of
    # three or more spaces aligns a field (a date pushed right) and becomes a separator like a tab.
    body = line.lstrip(" \u00a0")
    indent = min(len(line) - len(body), 12)
    body = _SPACES_RE.sub(" ", _ALIGN_RE.sub(" | ", body)).strip(" |")
    return " " * indent + body if body else ""


# ---------------------------------------------------------------------------- plain text


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        codec = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    else:
        codec = "utf-8-sig"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ResumeError(
            422,
            f"The text file is not valid {codec.removesuffix('-sig').upper()} (bad byte at position "
            f"{exc.start}). Save it as UTF-8 and upload it again.",
        ) from None


# ---------------------------------------------------------------------------- PDF


def _pdf_text(data: bytes, *, max_pages: int, max_chars: int) -> str:
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    # Lower pypdf's resource limits well below its defaults: a resume has no reason to hold a
    # 75 MB stream, and the jbig2dec binary must never be run on an upload.
    limits: dict[str, Any] = {
        "zlib_maximum_output_length": 20_000_000,
        "lzw_maximum_output_length": 20_000_000,
        "run_length_maximum_output_length": 20_000_000,
        "array_based_stream_maximum_output_length": 20_000_000,
        "stream_decoding_work_maximum_length": 60_000_000,
        "stream_parsing_work_maximum_count": 1_000_000,
        "page_tree_maximum_entries": 20_000,
        "page_tree_maximum_page_entries": 50_000,
        "xform_maximum_invocations_per_extraction": 500,
        "jbig2dec_binary": None,
    }
    corrupt = ResumeError(422, "The PDF is damaged or not a valid PDF. Export it again and re-upload.")
    try:
        with pypdf.apply_configuration(**limits):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                _decrypt_or_refuse(reader)
            declared = _declared_page_count(reader)
            if declared is not None and declared > max_pages:
                raise _too_many_pages(declared, max_pages)
            n_pages = len(reader.pages)
            if n_pages > max_pages:
                raise _too_many_pages(n_pages, max_pages)
            if n_pages == 0:
                raise ResumeError(422, "The PDF has no pages.")
            return "\n".join(_pdf_pages_text(reader, n_pages, max_chars))
    except ResumeError:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise ResumeError(422, "The PDF is password-protected. Remove the password and upload it again.") from None
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        AssertionError,
        UnicodeError,
        ArithmeticError,
        LookupError,
        zlib.error,
        EOFError,
        MemoryError,
    ) as exc:
        log.info("unreadable PDF upload: %s: %s", type(exc).__name__, exc)
        raise corrupt from None


def _decrypt_or_refuse(reader: Any) -> None:
    # "Secured" PDFs with an owner password but an empty user password open in every viewer
    # without a prompt; refusing them would reject many exported resumes for no reason.
    from pypdf import PasswordType

    try:
        result = reader.decrypt("")
    except Exception:
        result = PasswordType.NOT_DECRYPTED
    if result == PasswordType.NOT_DECRYPTED:
        raise ResumeError(422, "The PDF is password-protected. Remove the password and upload it again.")


def _declared_page_count(reader: Any) -> int | None:
    # /Count is read before flattening the page tree, so a file claiming millions of pages is
    # refused without walking it.
    try:
        count = reader.trailer["/Root"]["/Pages"]["/Count"]
        return int(count)
    except Exception:
        return None


def _too_many_pages(n: int, max_pages: int) -> ResumeError:
    return ResumeError(422, f"The PDF has {n} pages; a resume may have at most {max_pages}.")


def _pdf_pages_text(reader: Any, n_pages: int, max_chars: int) -> Iterator[str]:
    started = time.monotonic()
    total = 0
    for index in range(n_pages):
        if time.monotonic() - started > PDF_TIME_BUDGET_S:
            log.warning("PDF text extraction over budget; skipped pages from %d of %d", index + 1, n_pages)
            return
        page_text = _page_text(reader.pages[index])
        yield page_text
        total += len(page_text)
        if total >= max_chars:
            return


def _page_text(page: Any) -> str:
    """Layout-mode text put in reading order (two columns, right-aligned dates); the plain
    content-stream text when layout mode cannot place the page's text."""
    try:
        layout = page.extract_text(extraction_mode="layout") or ""
    except Exception as exc:  # layout mode is stricter about fonts than plain mode
        log.info("PDF layout extraction failed (%s); using plain text for the page", type(exc).__name__)
        layout = ""
    if layout.strip():
        return reading_order(layout)
    return page.extract_text() or ""


# ---------------------------------------------------------------------------- DOCX


def check_docx_package(data: bytes) -> None:
    """Inspect the zip central directory only; refuse bombs and macros before any XML is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ResumeError(422, "The Word document is damaged. Save it again as .docx and re-upload.") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ResumeError(422, f"The Word document has too many parts ({len(infos)}); it is not a normal resume.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise ResumeError(422, "The Word document is encrypted. Remove the password and upload it again.")
        if info.file_size >= _RATIO_FLOOR_BYTES and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise ResumeError(422, "The Word document contains an abnormally compressed part; it was refused.")
        name = info.filename.encode("utf-8", "replace")
        if any(marker in name for marker in _MACRO_MARKERS):
            raise ResumeError(415, "Macro-enabled Word files (.docm) are not accepted. Save as .docx or PDF.")
    if total > MAX_ZIP_UNCOMPRESSED:
        raise ResumeError(422, "The Word document expands to more than 50 MB; it was refused.")


def _docx_text(data: bytes, *, max_chars: int) -> str:
    check_docx_package(data)
    import docx
    from docx.opc.exceptions import OpcError

    try:
        document = docx.Document(io.BytesIO(data))
        main_type = document.part.content_type
        if "macroEnabled" in main_type:
            raise ResumeError(415, "Macro-enabled Word files (.docm) are not accepted. Save as .docx or PDF.")
        parts: list[str] = []
        total = 0
        for section in document.sections:
            for paragraph in section.header.paragraphs:
                parts.append(paragraph.text)
        for chunk in _docx_body_text(document.element.body, depth=0):
            parts.append(chunk)
            total += len(chunk)
            if total >= max_chars:
                break
        return "\n".join(parts)
    except ResumeError:
        raise
    except (
        OpcError,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        RecursionError,
        UnicodeError,
        LookupError,
    ) as exc:
        log.info("unreadable DOCX upload: %s: %s", type(exc).__name__, exc)
        raise ResumeError(422, "The Word document is damaged. Save it again as .docx and re-upload.") from None
    except Exception as exc:  # lxml.etree.XMLSyntaxError and friends
        if type(exc).__module__.startswith("lxml"):
            raise ResumeError(422, "The Word document is damaged. Save it again as .docx and re-upload.") from None
        raise


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_body_text(element: Any, depth: int) -> Iterator[str]:
    """Paragraph and table text in document order (resume templates love layout tables)."""
    if depth > 8:  # nested tables deeper than this are not layout, they are an attack
        return
    for child in element.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield _paragraph_text(child)
        elif tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                cells: list[str] = []
                for cell in row.iterchildren(f"{_W}tc"):
                    cell_text = "\n".join(_docx_body_text(cell, depth + 1)).strip()
                    if cell_text:
                        cells.append(cell_text)
                # Cells of a row side by side usually are one line ("Title | Dates").
                if all("\n" not in c for c in cells):
                    yield " | ".join(cells)
                else:
                    yield from cells
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _docx_body_text(content, depth + 1)


def _paragraph_text(p: Any) -> str:
    out: list[str] = []
    # Word draws list bullets from numbering definitions, not from characters in the text;
    # put a visible bullet back so the parser sees the same structure as in a PDF.
    ppr = p.find(f"{_W}pPr")
    if ppr is not None:
        style = ppr.find(f"{_W}pStyle")
        style_name = style.get(f"{_W}val", "") if style is not None else ""
        if ppr.find(f"{_W}numPr") is not None or style_name.startswith("List"):
            out.append("• ")
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if node.tag == f"{_W}t":
            out.append(node.text or "")
        elif node.tag == f"{_W}tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)
