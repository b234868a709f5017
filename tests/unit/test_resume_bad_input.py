"""Hostile and broken uploads: each one a clear ResumeError (413/415/422), never a crash or a hang.

The corpus is built here at test time so the repository holds no bombs: zip bombs whose
files stay a few KB, a 3000-page PDF sharing one content stream, encrypted and corrupt PDFs,
a macro-enabled .docm, renamed images and executables, and badly encoded text.
"""

from __future__ import annotations

import io
import pickle
import random
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pypdf
import pytest

from talentsync.resume import (
    MAX_RESUME_BYTES,
    ResumeError,
    extract_text,
    parse_resume,
    sniff_resume_type,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from resume_gen import make_pdf

RESUME_LINES = [
    "Sofia Rossi",
    "EXPERIENCE",
    "Platform Engineer — Kestrel Robotics",
    "Jan 2021 – Present",
    "• Reduced build times by 45% by caching Docker layers.",
]
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
ELF_HEAD = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 40


def _valid_docx() -> bytes:
    document = docx.Document()
    for line in RESUME_LINES:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rezip(source: bytes, edit: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = edit(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return out.getvalue()


def _docm() -> bytes:
    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(
                b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                b"application/vnd.ms-word.document.macroEnabled.main+xml",
            )
        return data

    return _rezip(_valid_docx(), edit, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512})


def _bomb(entries: dict[str, int], count_filler: int = 0) -> bytes:
    """A .docx-looking zip whose entries expand to the given sizes of zeros."""
    base = _valid_docx()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        for name, size in entries.items():
            with zout.open(name, "w") as handle:  # streamed: the test never holds the bomb in memory
                chunk = b"\x00" * (1 << 20)
                for _ in range(size >> 20):
                    handle.write(chunk)
        for i in range(count_filler):
            zout.writestr(f"word/media/f{i}.bin", b"")
    return out.getvalue()


def _encrypted_pdf(user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(RESUME_LINES))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _read(data: bytes, filename: str = "resume") -> str:
    return extract_text(data, sniff_resume_type(data[:8192], filename))


def _expect(status: int, data: bytes, filename: str = "resume", words: str = "") -> ResumeError:
    with pytest.raises(ResumeError) as info:
        _read(data, filename)
    assert info.value.status_code == status, info.value.detail
    assert words.lower() in info.value.detail.lower()
    return info.value


# ---------------------------------------------------------------------------- the good ones


def test_valid_files_of_each_kind_are_read() -> None:
    assert "Kestrel Robotics" in _read(make_pdf(RESUME_LINES), "cv.pdf")
    assert "Kestrel Robotics" in _read(_valid_docx(), "cv.docx")
    text = "\n".join(RESUME_LINES)
    assert "Kestrel Robotics" in _read(text.encode("utf-8"), "cv.txt")
    assert "Kestrel Robotics" in _read(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert "Kestrel Robotics" in _read(text.encode("utf-16"))  # UTF-16 with its BOM
    assert "Kestrel Robotics" in _read(text.encode("utf-32"))


def test_extension_is_ignored_for_valid_content() -> None:
    assert sniff_resume_type(make_pdf(RESUME_LINES)[:4096], "resume.docx") == "pdf"
    assert sniff_resume_type(_valid_docx(), "resume.pdf") == "docx"
    assert sniff_resume_type(b"Jane Doe\nEngineer\n", "resume.pdf") == "txt"


# ---------------------------------------------------------------------------- 413 / 415


def test_over_the_size_cap_is_413() -> None:
    with pytest.raises(ResumeError) as info:
        extract_text(b"a" * (MAX_RESUME_BYTES + 1), "txt")
    assert info.value.status_code == 413


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (PNG_HEAD + b"\x00" * 200, "resume.pdf", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100, "resume.pdf", "image/jpeg"),
        (ELF_HEAD, "resume.docx", "unsupported"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "resume.txt", "unsupported"),
    ],
    ids=["png-as-pdf", "jpeg-as-pdf", "elf-as-docx", "exe-as-txt"],
)
def test_wrong_type_by_magic_bytes_is_415(data: bytes, filename: str, words: str) -> None:
    _expect(415, data, filename, words)


def test_a_zip_that_is_not_word_is_415() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("notes.txt", "hello")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    _expect(415, out.getvalue(), "resume.docx", "not a word")


def test_docm_is_415_from_the_whole_file_from_its_head_and_in_extract() -> None:
    docm = _docm()
    _expect(415, docm, "resume.docx", "macro")
    with pytest.raises(ResumeError) as info:
        sniff_resume_type(docm[:2048], "resume.docx")  # only the head: local headers are scanned
    assert info.value.status_code == 415
    with pytest.raises(ResumeError) as info:
        extract_text(docm, "docx")  # a caller that skipped sniffing is still protected
    assert info.value.status_code == 415


# ---------------------------------------------------------------------------- 422


@pytest.mark.parametrize("data", [b"", b"   \n\n\t ", b"\x00\x00\x00"], ids=["empty", "blank", "nuls"])
def test_empty_files_are_422(data: bytes) -> None:
    _expect(422, data, "resume.pdf", "empty")


def test_non_utf8_text_is_422_with_a_clear_message() -> None:
    err = _expect(422, "Zoë Müller\nIngénieure logiciel\n".encode("cp1252"), "cv.txt", "UTF-8")
    assert "position 2" in err.detail


def test_password_protected_pdf_is_422_but_an_owner_only_lock_is_read() -> None:
    _expect(422, _encrypted_pdf("s3cret"), "cv.pdf", "password")
    assert "Kestrel Robotics" in _read(_encrypted_pdf(""), "cv.pdf")


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(random.Random(1).randrange(256) for _ in range(4000)),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        make_pdf(RESUME_LINES)[:300],
    ],
    ids=["garbage-body", "no-pages-object", "truncated"],
)
def test_corrupt_pdfs_are_422(data: bytes) -> None:
    _expect(422, data, "cv.pdf")


def test_pdf_without_text_is_422() -> None:
    _expect(422, make_pdf([]), "cv.pdf", "no readable text")


def test_three_thousand_page_pdf_is_refused_quickly() -> None:
    data = make_pdf(RESUME_LINES, extra_pages=3000)
    assert len(data) < 600_000
    started = time.monotonic()
    _expect(422, data, "cv.pdf", "3001 pages")
    assert time.monotonic() - started < 5


def test_pdf_lying_about_its_page_count_is_still_bounded() -> None:
    data = make_pdf(RESUME_LINES, extra_pages=120).replace(b"/Count 121", b"/Count 1  ")
    _expect(422, data, "cv.pdf", "121 pages")


def test_docx_zip_bomb_is_refused_from_the_central_directory() -> None:
    bomb = _bomb({"word/media/image1.bin": 60 << 20})
    assert len(bomb) < 200_000  # the file is small; it expands to 60 MB
    started = time.monotonic()
    _expect(422, bomb, "cv.docx", "abnormally compressed")
    assert time.monotonic() - started < 2


def test_docx_over_total_uncompressed_size_is_422() -> None:
    # 60 parts just under the per-entry ratio floor: each looks harmless, together 60 MB.
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_valid_docx())) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        for i in range(60):
            zout.writestr(f"word/media/part{i}.bin", b"\x00" * 1_000_000)
    assert len(out.getvalue()) < 200_000
    _expect(422, out.getvalue(), "cv.docx", "more than 50 MB")


def test_docx_with_a_forged_central_directory_is_422() -> None:
    data = bytearray(_valid_docx())
    eocd = data.rfind(b"PK\x05\x06")
    cd_offset = int.from_bytes(data[eocd + 16 : eocd + 20], "little")
    data[cd_offset + 24 : cd_offset + 28] = (60 << 20).to_bytes(4, "little")  # claimed uncompressed size
    _expect(422, bytes(data), "cv.docx")


def test_docx_with_too_many_entries_is_422() -> None:
    _expect(422, _bomb({}, count_filler=2500), "cv.docx", "too many parts")


def test_corrupt_docx_is_422() -> None:
    broken = _rezip(_valid_docx(), lambda name, data: b"<w:document" if name == "word/document.xml" else data)
    _expect(422, broken, "cv.docx", "damaged")
    missing = _rezip(_valid_docx(), lambda name, data: None if name == "word/document.xml" else data)
    _expect(422, missing, "cv.docx", "damaged")  # declared as Word, main part missing
    _expect(422, _valid_docx()[:1500], "cv.docx")


def test_billion_laughs_in_docx_is_not_expanded() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "hahahahahahahahahaha">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&e;&e;&e;&e;&e;&e;&e;&e;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = _rezip(_valid_docx(), lambda name, d: laughs if name == "word/document.xml" else d)
    started = time.monotonic()
    with pytest.raises(ResumeError) as info:
        _read(data, "cv.docx")
    assert info.value.status_code == 422
    assert time.monotonic() - started < 2


def test_resume_error_survives_pickling() -> None:
    err = pickle.loads(pickle.dumps(ResumeError(415, "nope")))
    assert (err.status_code, err.detail) == (415, "nope")


def test_fuzzed_files_never_crash_the_worker() -> None:
    """Byte-level mutations of valid PDF/DOCX/TXT: only text or a ResumeError may come out."""
    rng = random.Random(20250601)
    seeds = [make_pdf(RESUME_LINES * 3), _valid_docx(), "\n".join(RESUME_LINES).encode()]
    outcomes = {"text": 0, "error": 0}
    for i in range(90):
        data = bytearray(seeds[i % 3])
        for _ in range(rng.randint(1, 20)):
            pos = rng.randrange(len(data))
            data[pos] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        try:
            text = _read(bytes(data))
        except ResumeError as err:
            assert err.status_code in (413, 415, 422)
            outcomes["error"] += 1
        else:
            parse_resume(text)  # parsing what came out must not crash either
            outcomes["text"] += 1
    assert outcomes["text"] and outcomes["error"]
