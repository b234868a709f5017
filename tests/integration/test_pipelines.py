"""Employer pipelines end to end: a recruiter signs up and opens a pipeline, candidates join with the
code and interview for it, the recruiter sees them ranked with their reports, and a withdrawal ends
the recruiter's access on the next request."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import register, wait_report

pytestmark = pytest.mark.integration

STRONG = (
    "In my last role at Acme I led the migration of our payments service. The situation was that latency "
    "had grown to 900 ms at p95; my task was to bring it under 200 ms. I profiled the service, added a Redis "
    "cache, batched database writes and moved PDF generation to a queue. As a result p95 dropped to 140 ms, "
    "error rates fell by 60%, and we saved about $4,000 a month. I learned to measure before changing anything."
)
WEAK = "I am not sure, I would probably just ask someone."


def register_recruiter(api) -> dict[str, str]:  # type: ignore[no-untyped-def]
    email = f"rec-{uuid.uuid4().hex[:10]}@example.com"
    body = {"email": email, "password": "correct-horse-42", "full_name": "Rita Recruiter", "account_type": "recruiter"}
    r = api.post("/api/auth/register", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["roles"] == ["recruiter"]
    tok = api.post("/api/auth/token", data={"username": email, "password": "correct-horse-42"})
    return {"Authorization": f"Bearer {tok.json()['access_token']}"}


def model_answers(api, stack, module_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Question text -> its ideal answer (staff see them), so a test can answer well whatever is asked."""
    s = stack.settings()
    tok = api.post(
        "/api/auth/token", data={"username": s.first_admin_email, "password": s.first_admin_password.get_secret_value()}
    ).json()["access_token"]
    qs = api.get(f"/api/modules/{module_id}/questions", headers={"Authorization": f"Bearer {tok}"}).json()
    return {q["text"]: q["ideal_answer"] for q in qs}


def interview(api, headers, module_id: int, answer: str | dict[str, str], pipeline_id: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """A one-question text interview, returning its id once the report is written. `answer` is the
    text, or a map from question text to answer (see `model_answers`)."""
    body: dict = {"module_id": module_id, "max_questions": 1}
    if pipeline_id:
        body["pipeline_id"] = pipeline_id
    r = api.post("/api/sessions", json=body, headers=headers)
    assert r.status_code == 201, r.text
    sid, q = r.json()["id"], r.json()["question"]
    text = answer if isinstance(answer, str) else answer[q["text"]]
    a = api.post(f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": text}, headers=headers)
    assert a.status_code == 200 and a.json()["question"] is None, a.text
    wait_report(api, headers, sid)
    return sid


def test_sign_up_as_staff_is_not_possible(api):
    r = api.post(
        "/api/auth/register",
        json={
            "email": f"x-{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct-horse-42",
            "full_name": "X",
            "account_type": "staff",
        },
    )
    assert r.status_code == 422


def test_pipeline_share_rank_and_withdraw(api, stack):
    recruiter, other_recruiter = register_recruiter(api), register_recruiter(api)
    alice, bob, carol = register(api), register(api), register(api)
    modules = api.get("/api/modules", headers=alice).json()
    module = next(m for m in modules if m["slug"] == "behavioral")
    other_module = next(m for m in modules if m["id"] != module["id"])

    # Candidates cannot open pipelines; recruiters can, with unguessable, distinct codes.
    assert api.post("/api/pipelines", json={"name": "x", "module_id": module["id"]}, headers=alice).status_code == 403
    r = api.post("/api/pipelines", json={"name": "Backend engineer", "module_id": module["id"]}, headers=recruiter)
    assert r.status_code == 201, r.text
    pipeline = r.json()
    pid, code = pipeline["id"], pipeline["invite_code"]
    assert len(code) >= 32
    second = api.post("/api/pipelines", json={"name": "Other", "module_id": module["id"]}, headers=recruiter).json()
    assert second["invite_code"] != code
    assert [p["id"] for p in api.get("/api/pipelines", headers=recruiter).json()] == [second["id"], pid]
    assert api.get("/api/pipelines", headers=other_recruiter).json() == []

    assert (
        api.post("/api/pipelines/join", json={"invite_code": "not-a-real-code-at-all"}, headers=alice).status_code
        == 404
    )
    # Not a member yet: starting an interview for the pipeline is refused like a missing pipeline.
    start = {"module_id": module["id"], "max_questions": 1, "pipeline_id": pid}
    assert api.post("/api/sessions", json=start, headers=alice).status_code == 404
    for who in (alice, bob):
        j = api.post("/api/pipelines/join", json={"invite_code": code}, headers=who)
        assert j.status_code == 200 and j.json()["id"] == pid, j.text
    assert api.post("/api/pipelines/join", json={"invite_code": code}, headers=alice).status_code == 200  # idempotent
    # The pipeline's module only.
    wrong = {"module_id": other_module["id"], "max_questions": 1, "pipeline_id": pid}
    assert api.post("/api/sessions", json=wrong, headers=alice).status_code == 422

    strong = model_answers(api, stack, module["id"])
    alice_shared = interview(api, alice, module["id"], strong, pid)
    alice_private = interview(api, alice, module["id"], strong)  # not for the pipeline: never shared
    bob_shared = interview(api, bob, module["id"], WEAK, pid)
    carol_private = interview(api, carol, module["id"], strong)  # never joined

    ranked = api.get(f"/api/pipelines/{pid}/candidates", headers=recruiter)
    assert ranked.status_code == 200, ranked.text
    rows = ranked.json()
    assert [r["candidate"]["id"] for r in rows] == [
        api.get("/api/users/me", headers=h).json()["id"] for h in (alice, bob)
    ], "ranked by best score: the strong answer first"
    assert rows[0]["rank"] == 1 and rows[1]["rank"] == 2
    assert rows[0]["best_score"] > rows[1]["best_score"]
    assert [s["id"] for s in rows[0]["sessions"]] == [alice_shared], "only the session started for the pipeline"
    assert rows[0]["sessions"][0]["report_url"] == f"/api/sessions/{alice_shared}/report"

    # The recruiter reads the shared reports, nothing else; another recruiter reads none.
    assert api.get(f"/api/sessions/{alice_shared}/report", headers=recruiter).status_code == 200
    assert api.get(f"/api/sessions/{bob_shared}/report", headers=recruiter).status_code == 200
    for sid in (alice_private, carol_private):
        assert api.get(f"/api/sessions/{sid}/report", headers=recruiter).status_code == 404
    assert api.get(f"/api/sessions/{alice_shared}", headers=recruiter).status_code == 404  # live state: no
    assert api.get(f"/api/sessions/{alice_shared}/report", headers=other_recruiter).status_code == 404
    assert api.get(f"/api/pipelines/{pid}/candidates", headers=other_recruiter).status_code == 404
    assert api.get(f"/api/pipelines/{pid}/candidates", headers=alice).status_code == 403

    joined = api.get("/api/pipelines/joined", headers=alice).json()
    assert [(p["id"], [s["id"] for s in p["shared_sessions"]]) for p in joined] == [(pid, [alice_shared])]

    # Withdrawal: access ends on the very next request, and the ranking forgets the candidate.
    assert api.delete(f"/api/pipelines/{pid}/share", headers=alice).status_code == 204
    assert api.get(f"/api/sessions/{alice_shared}/report", headers=recruiter).status_code == 404
    rows = api.get(f"/api/pipelines/{pid}/candidates", headers=recruiter).json()
    assert [r["sessions"][0]["id"] for r in rows] == [bob_shared]
    assert api.get("/api/pipelines/joined", headers=alice).json() == []
    assert api.delete(f"/api/pipelines/{pid}/share", headers=alice).status_code == 404
    # Joining again does not re-share the withdrawn interview: sharing needs a new one.
    assert api.post("/api/pipelines/join", json={"invite_code": code}, headers=alice).status_code == 200
    assert api.get(f"/api/sessions/{alice_shared}/report", headers=recruiter).status_code == 404
    # The candidate still reads their own report.
    assert api.get(f"/api/sessions/{alice_shared}/report", headers=alice).status_code == 200
