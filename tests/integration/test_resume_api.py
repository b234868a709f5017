"""Resume intake through the API: upload, parse in its workflow, review, interview questions from it."""

from __future__ import annotations

import time

import pytest

from tests.conftest import register
from tests.fixtures.resume_gen import generate_resumes, make_pdf
from tests.unit.test_resume_bad_input import ELF_HEAD, PNG_HEAD, RESUME_LINES, _bomb, _docm, _encrypted_pdf

pytestmark = pytest.mark.integration


def _upload(api, headers, data: bytes, filename: str):
    return api.post("/api/resumes", files={"file": (filename, data, "application/octet-stream")}, headers=headers)


def _wait_parsed(api, headers, rid: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = api.get(f"/api/resumes/{rid}", headers=headers).json()
        if body["status"] != "processing":
            return body
        time.sleep(0.2)
    raise AssertionError("resume not parsed in time")


def test_upload_parse_review_and_interview_about_it(api):
    headers = register(api)
    resume = generate_resumes(3)[0]
    r = _upload(api, headers, resume.data, resume.filename)
    assert r.status_code == 202, r.text
    body = _wait_parsed(api, headers, r.json()["id"])
    assert body["status"] == "parsed", body
    parsed = body["parsed"]
    employers = {role["employer"] for role in parsed["roles"]}
    assert set(resume.employers) <= employers

    # The candidate corrects a mistake before the interview uses it.
    parsed["skills"] = [*parsed["skills"], "Erlang"]
    fixed = api.put(f"/api/resumes/{body['id']}", json={"parsed": parsed}, headers=headers)
    assert fixed.status_code == 200 and "Erlang" in fixed.json()["parsed"]["skills"]
    bad = api.put(f"/api/resumes/{body['id']}", json={"parsed": {"roles": "nope"}}, headers=headers)
    assert bad.status_code == 422

    # Someone else cannot read or use it.
    other = register(api)
    assert api.get(f"/api/resumes/{body['id']}", headers=other).status_code == 404

    module = next(m for m in api.get("/api/modules", headers=headers).json() if m["slug"] == "backend-python")
    start = api.post(
        "/api/sessions",
        json={"module_id": module["id"], "resume_id": body["id"], "max_questions": 4},
        headers=headers,
    )
    assert start.status_code == 201, start.text
    sid, q = start.json()["id"], start.json()["question"]
    kinds = []
    while q is not None:
        kinds.append((q["kind"], q["text"]))
        nxt = api.post(
            f"/api/sessions/{sid}/answers",
            json={"question_id": q["id"], "text": "I measured it with p95."},
            headers=headers,
        )
        assert nxt.status_code == 200, nxt.text
        q = nxt.json()["question"]
    resume_qs = [text for kind, text in kinds if kind == "resume"]
    assert resume_qs, f"a resume question is mixed in after the opening questions: {kinds}"
    assert kinds[0][0] != "resume"
    assert any(e in " ".join(resume_qs) for e in resume.employers) or any(
        s in " ".join(resume_qs) for s in parsed["skills"]
    ), "resume questions are grounded in the candidate's own items"


@pytest.mark.parametrize(
    ("name", "data", "filename", "status"),
    [
        ("png renamed pdf", PNG_HEAD + b"\x00" * 100, "cv.pdf", 415),
        ("elf renamed docx", ELF_HEAD, "cv.docx", 415),
        ("docm", None, "cv.docm", 415),
        ("empty", b"", "cv.txt", 422),
        ("non-utf8 text", "Jos\u00e9 M\u00fcller, Ingenieur".encode("cp1252"), "cv.txt", 422),
        ("corrupt pdf", b"%PDF-1.7\n1 0 obj<<>>garbage\n%%EOF", "cv.pdf", 422),
        ("encrypted pdf", None, "cv.pdf", 422),
        ("3000 pages", None, "cv.pdf", 422),
        ("docx zip bomb", None, "cv.docx", 422),
    ],
)
def test_bad_resumes_are_clear_4xx(api, name, data, filename, status):
    headers = register(api)
    if data is None:
        data = {
            "docm": _docm,
            "encrypted pdf": lambda: _encrypted_pdf("user-secret"),
            "3000 pages": lambda: make_pdf(RESUME_LINES, extra_pages=3000),
            "docx zip bomb": lambda: _bomb({"word/media/big.bin": 60 << 20}),
        }[name]()
    r = _upload(api, headers, data, filename)
    assert r.status_code == status, (name, r.text)
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]
    # The failure is stored, visible in the candidate's list.
    listing = api.get("/api/resumes", headers=headers).json()
    assert listing and listing[0]["status"] == "failed" and listing[0]["error"]


def test_oversized_resume_is_413_before_reading(api):
    headers = register(api)
    r = _upload(api, headers, b"a" * (6 * 1024 * 1024), "big.txt")
    assert r.status_code == 413


def test_resume_upload_needs_a_file(api):
    headers = register(api)
    assert api.post("/api/resumes", headers=headers).status_code == 422
    assert api.post("/api/resumes", files={"file": ("a.txt", b"x", "text/plain")}).status_code == 401


def test_delete_resume_removes_row_and_file_and_keeps_session_snapshots(api, stack):
    from sqlalchemy import create_engine, text

    owner = register(api)
    resume = generate_resumes(3)[1]
    rid = _upload(api, owner, resume.data, resume.filename).json()["id"]
    parsed = _wait_parsed(api, owner, rid)["parsed"]
    module = next(m for m in api.get("/api/modules", headers=owner).json() if m["slug"] == "backend-python")
    start = api.post(
        "/api/sessions", json={"module_id": module["id"], "resume_id": rid, "max_questions": 3}, headers=owner
    )
    assert start.status_code == 201, start.text
    sid = start.json()["id"]

    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as conn:
            key = conn.execute(text("SELECT storage_key FROM resumes WHERE id = :id"), {"id": rid}).scalar_one()
        path = stack.data_dir / "media" / key
        assert path.exists()

        # Another user's id is not theirs to delete, nor to learn about: 404, and nothing changes.
        stranger = register(api)
        assert api.delete(f"/api/resumes/{rid}", headers=stranger).status_code == 404
        assert api.delete(f"/api/resumes/{rid}").status_code == 401
        assert api.delete("/api/resumes/not-a-uuid", headers=owner).status_code in (404, 422)
        assert api.get(f"/api/resumes/{rid}", headers=owner).status_code == 200

        gone = api.delete(f"/api/resumes/{rid}", headers=owner)
        assert gone.status_code == 204 and gone.content == b""
        assert api.get(f"/api/resumes/{rid}", headers=owner).status_code == 404
        assert rid not in {r["id"] for r in api.get("/api/resumes", headers=owner).json()}
        assert not path.exists()
        assert api.delete(f"/api/resumes/{rid}", headers=owner).status_code == 404  # already gone

        # The session that used it keeps its own copy of the parsed resume.
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT resume_id, parsed_resume_data FROM sessions WHERE id = :id"), {"id": sid}
            ).one()
        assert row.resume_id is None
        assert row.parsed_resume_data["roles"] == parsed["roles"]
        assert api.get(f"/api/sessions/{sid}", headers=owner).status_code == 200
    finally:
        engine.dispose()
