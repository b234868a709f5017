"""Who may call what: every (path, method) of the OpenAPI schema × every role, against an explicit
policy table. A new endpoint fails `test_every_endpoint_has_a_policy` until someone decides who may
call it, so none is forgotten.

Roles: anonymous; candidate A (owns the session, resume and report under test); candidate B;
recruiter R1 (A shared that session through R1's pipeline); recruiter R2 (nothing shared); staff; admin.
Expectations: OK = 2xx; DENY = 401 for anonymous, 403/404 for the signed-in, with nothing but a
`detail` sentence in the body; ALLOWED = past authorization but refused by the resource's state or
the input (409/415/422), never 401/403/404 and never a 5xx.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import wait_report
from tests.integration.test_pipelines import model_answers

pytestmark = pytest.mark.integration

ROLES = ("anon", "a", "b", "r1", "r2", "staff", "admin")
OK, DENY, ALLOWED = "ok", "deny", "allowed"
PASSWORD = "correct-horse-42"
WAV = Path(__file__).resolve().parents[1] / "fixtures" / "speech" / "sense_and_sensibility_01_austen_64kb-0870.wav"
RESUME = (
    b"Jane Roe\njane.roe@example.com\n\nExperience\nSenior Backend Engineer, Acme Corp (2019 - 2024)\n"
    b"- Built payment APIs in Python and PostgreSQL serving 2M requests a day\n- Led a team of four engineers\n\n"
    b"Skills\nPython, PostgreSQL, Kubernetes, Redis\n\nEducation\nBSc Computer Science, Example University, 2015\n"
)


def policy(default: str = DENY, **roles: str) -> dict[str, str]:
    return {r: roles.get(r, default) for r in ROLES}


PUBLIC = policy(OK)
SIGNED_IN = policy(OK, anon=DENY)
OWNER = policy(a=OK)  # the candidate alone
OWNER_STAFF = policy(a=OK, staff=OK, admin=OK)  # the candidate, and support staff reading it
SHARED_READ = policy(a=OK, r1=OK, staff=OK, admin=OK)  # ... and the recruiter it is shared with
STAFF = policy(staff=OK, admin=OK)
RECRUITERS = policy(r1=OK, r2=OK, admin=OK)


@dataclass
class Req:
    method: str
    url: str
    json: Any = None
    data: dict[str, str] | None = None
    files: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    after: Callable[[], None] | None = None  # undo what the call started (e.g. end a fresh session)


@dataclass
class World:
    api: Any
    stack: Any
    headers: dict[str, dict[str, str]]
    emails: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)
    module_id: int = 0
    other_module_id: int = 0
    question_body: dict[str, Any] = field(default_factory=dict)
    resume_parsed: dict[str, Any] = field(default_factory=dict)

    def fresh_active(self) -> tuple[str, str, Callable[[], None]]:
        """A new active session of A's and a way to end it (A may hold only a few at once)."""
        r = self.api.post(
            "/api/sessions", json={"module_id": self.module_id, "max_questions": 2}, headers=self.headers["a"]
        )
        assert r.status_code == 201, r.text
        sid = r.json()["id"]
        return sid, r.json()["question"]["id"], lambda: self.end(sid, "a")

    def end(self, sid: str, role: str) -> None:
        self.api.post(f"/api/sessions/{sid}/end", headers=self.headers[role])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.api.get(f"/api/sessions/{sid}/report", headers=self.headers[role]).json().get("status") != "active":
                return
            time.sleep(0.2)

    def user_with_role(self, role: str) -> dict[str, str]:
        """A throw-away account holding the role (for calls that delete the caller)."""
        if role == "anon":
            return {}
        email = f"matrix-{role}-{uuid.uuid4().hex[:8]}@example.com"
        kind = "recruiter" if role in ("r1", "r2") else "candidate"
        body = {"email": email, "password": PASSWORD, "full_name": "Throwaway", "account_type": kind}
        assert self.api.post("/api/auth/register", json=body).status_code == 201
        if role in ("staff", "admin"):
            grant(self.stack, email, role)
        tok = self.api.post("/api/auth/token", data={"username": email, "password": PASSWORD}).json()
        return {"Authorization": f"Bearer {tok['access_token']}"}


def grant(stack, email: str, *roles: str) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(stack.database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r "
                "WHERE u.email = :e AND r.name = ANY(:roles) ON CONFLICT DO NOTHING"
            ),
            {"e": email, "roles": list(roles)},
        )
    engine.dispose()


def sign_up(api, role: str) -> str:  # type: ignore[no-untyped-def]
    email = f"matrix-{role}-{uuid.uuid4().hex[:8]}@example.com"
    kind = "recruiter" if role in ("r1", "r2") else "candidate"
    r = api.post(
        "/api/auth/register", json={"email": email, "password": PASSWORD, "full_name": role, "account_type": kind}
    )
    assert r.status_code == 201, r.text
    return email


@pytest.fixture(scope="module")
def world(api, stack) -> World:
    emails, headers = {}, {"anon": {}}
    for role in ROLES[1:]:
        emails[role] = sign_up(api, role)
    grant(stack, emails["staff"], "staff")
    grant(stack, emails["admin"], "staff", "admin")
    for role in ROLES[1:]:
        tok = api.post("/api/auth/token", data={"username": emails[role], "password": PASSWORD})
        headers[role] = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    w = World(api, stack, headers, emails)
    for role in ROLES[1:]:
        w.ids[f"user_{role}"] = api.get("/api/users/me", headers=headers[role]).json()["id"]
    modules = api.get("/api/modules", headers=headers["a"]).json()
    w.module_id = next(m["id"] for m in modules if m["slug"] == "behavioral")
    w.other_module_id = next(m["id"] for m in modules if m["slug"] != "behavioral")

    # A's resume, parsed by the worker.
    r = api.post("/api/resumes", files={"file": ("resume.txt", RESUME, "text/plain")}, headers=headers["a"])
    assert r.status_code == 202, r.text
    w.ids["resume_id"] = r.json()["id"]
    deadline = time.monotonic() + 120
    while (res := api.get(f"/api/resumes/{w.ids['resume_id']}", headers=headers["a"]).json())["status"] == "processing":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert res["status"] == "parsed", res
    w.resume_parsed = res["parsed"]

    # R1's pipeline; A joins and interviews for it: one spoken answer, one typed, then the report.
    p = api.post("/api/pipelines", json={"name": "Matrix", "module_id": w.module_id}, headers=headers["r1"]).json()
    w.ids["pipeline_id"], w.ids["invite_code"] = p["id"], p["invite_code"]
    assert (
        api.post("/api/pipelines/join", json={"invite_code": p["invite_code"]}, headers=headers["a"]).status_code == 200
    )
    join_only = api.post(
        "/api/pipelines", json={"name": "Join", "module_id": w.module_id}, headers=headers["r1"]
    ).json()
    w.ids["join_code"] = join_only["invite_code"]
    answers = model_answers(api, stack, w.module_id)
    body = {"module_id": w.module_id, "max_questions": 2, "pipeline_id": p["id"]}
    s = api.post("/api/sessions", json=body, headers=headers["a"]).json()
    sid, q1 = s["id"], s["question"]
    spoken = api.post(
        f"/api/sessions/{sid}/answers/audio",
        data={"question_id": q1["id"]},
        files={"file": ("answer.wav", WAV.read_bytes(), "audio/wav")},
        headers=headers["a"],
    )
    assert spoken.status_code == 200, spoken.text
    q2 = spoken.json()["question"]
    typed = answers.get(q2["text"], "I would measure first, then change one thing at a time and check the result.")
    assert (
        api.post(
            f"/api/sessions/{sid}/answers", json={"question_id": q2["id"], "text": typed}, headers=headers["a"]
        ).status_code
        == 200
    )
    report = wait_report(api, headers["a"], sid)
    w.ids["session_id"], w.ids["question_id"] = sid, q1["id"]
    w.ids["response_id"] = next(a["response_id"] for a in report["answers"] if a.get("audio_url"))
    assert api.get(f"/api/sessions/{sid}/report", headers=headers["r1"]).status_code == 200

    # A bank question staff may edit (outside the module other tests check sync state on).
    staff_q = api.get(f"/api/modules/{w.other_module_id}/questions", headers=headers["staff"]).json()[0]
    w.ids["bank_question_id"] = str(staff_q["id"])
    w.question_body = {
        k: staff_q[k]
        for k in (
            "module_id",
            "text",
            "category",
            "difficulty",
            "ideal_answer",
            "reference_answers",
            "paraphrases",
            "key_points",
            "keywords",
            "follow_ups",
        )
    }
    return w


def _active_for(w: World, role: str, extra: Callable[[str, str], Req]) -> Req:
    """Owner calls act on a fresh active session (ended after); others try A's shared one."""
    if role == "a":
        sid, qid, done = w.fresh_active()
        req = extra(sid, qid)
        req.after = done
        return req
    return extra(w.ids["session_id"], w.ids["question_id"])


def _own_resume(w: World, role: str) -> str:
    if role != "a":
        return w.ids["resume_id"]
    r = w.api.post("/api/resumes", files={"file": ("r.txt", RESUME, "text/plain")}, headers=w.headers["a"])
    return r.json()["id"]


def _share_to_withdraw(w: World, role: str) -> str:
    if role != "a":
        return w.ids["pipeline_id"]
    p = w.api.post(
        "/api/pipelines", json={"name": "Withdraw", "module_id": w.module_id}, headers=w.headers["r1"]
    ).json()
    w.api.post("/api/pipelines/join", json={"invite_code": p["invite_code"]}, headers=w.headers["a"])
    return p["id"]


def _start(w: World, role: str) -> Req:
    req = Req("POST", "/api/sessions", json={"module_id": w.module_id, "max_questions": 1})

    def end_it() -> None:
        mine = w.api.get("/api/sessions", headers=w.headers[role]).json() if role != "anon" else []
        for s in mine:
            if s["status"] == "active":
                w.end(s["id"], role)

    req.after = end_it
    return req


def _delete_me(w: World, role: str) -> Req:
    return Req("DELETE", "/api/me")


S = "/api/sessions/{session_id}"
# (method, path) -> (policy, request builder). Builders get the world and the calling role.
CASES: dict[tuple[str, str], tuple[dict[str, str], Callable[[World, str], Req]]] = {
    ("POST", "/api/auth/register"): (
        PUBLIC,
        lambda w, r: Req(
            "POST",
            "/api/auth/register",
            json={"email": f"m-{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "full_name": "M"},
        ),
    ),
    ("POST", "/api/auth/token"): (
        PUBLIC,
        lambda w, r: Req("POST", "/api/auth/token", data={"username": w.emails["a"], "password": PASSWORD}),
    ),
    ("GET", "/api/users/me"): (SIGNED_IN, lambda w, r: Req("GET", "/api/users/me")),
    ("GET", "/api/health"): (PUBLIC, lambda w, r: Req("GET", "/api/health")),
    ("GET", "/api/config"): (PUBLIC, lambda w, r: Req("GET", "/api/config")),
    ("GET", "/api/modules"): (SIGNED_IN, lambda w, r: Req("GET", "/api/modules")),
    ("GET", "/api/modules/{module_id}/questions"): (
        SIGNED_IN,
        lambda w, r: Req("GET", f"/api/modules/{w.module_id}/questions"),
    ),
    ("GET", "/api/questions/search"): (
        SIGNED_IN,
        lambda w, r: Req("GET", "/api/questions/search", params={"q": "team"}),
    ),
    ("POST", "/api/questions"): (STAFF, lambda w, r: Req("POST", "/api/questions", json=w.question_body)),
    ("PUT", "/api/questions/{question_id}"): (
        STAFF,
        lambda w, r: Req("PUT", f"/api/questions/{w.ids['bank_question_id']}", json=w.question_body),
    ),
    ("GET", "/api/admin/questions/sync-status"): (
        STAFF,
        lambda w, r: Req("GET", "/api/admin/questions/sync-status", params={"module_id": w.other_module_id}),
    ),
    ("POST", "/api/questions/{question_id}/score-preview"): (
        STAFF,
        lambda w, r: Req(
            "POST",
            f"/api/questions/{w.ids['bank_question_id']}/score-preview",
            json={"answer": "I would listen first."},
        ),
    ),
    ("GET", "/api/resumes"): (SIGNED_IN, lambda w, r: Req("GET", "/api/resumes")),
    ("POST", "/api/resumes"): (
        SIGNED_IN,
        lambda w, r: Req("POST", "/api/resumes", files={"file": ("r.txt", RESUME, "text/plain")}),
    ),
    ("GET", "/api/resumes/{resume_id}"): (OWNER, lambda w, r: Req("GET", f"/api/resumes/{w.ids['resume_id']}")),
    ("PUT", "/api/resumes/{resume_id}"): (
        OWNER,
        lambda w, r: Req("PUT", f"/api/resumes/{w.ids['resume_id']}", json={"parsed": w.resume_parsed}),
    ),
    ("DELETE", "/api/resumes/{resume_id}"): (OWNER, lambda w, r: Req("DELETE", f"/api/resumes/{_own_resume(w, r)}")),
    ("POST", "/api/sessions"): (SIGNED_IN, _start),
    ("GET", "/api/sessions"): (SIGNED_IN, lambda w, r: Req("GET", "/api/sessions")),
    ("GET", S): (OWNER_STAFF, lambda w, r: Req("GET", f"/api/sessions/{w.ids['session_id']}")),
    ("POST", S + "/end"): (
        OWNER,
        lambda w, r: _active_for(w, r, lambda sid, q: Req("POST", f"/api/sessions/{sid}/end")),
    ),
    ("GET", S + "/report"): (SHARED_READ, lambda w, r: Req("GET", f"/api/sessions/{w.ids['session_id']}/report")),
    ("GET", S + "/responses/{response_id}/audio"): (
        SHARED_READ,
        lambda w, r: Req("GET", f"/api/sessions/{w.ids['session_id']}/responses/{w.ids['response_id']}/audio"),
    ),
    ("POST", S + "/answers"): (
        OWNER,
        lambda w, r: _active_for(
            w,
            r,
            lambda sid, q: Req(
                "POST",
                f"/api/sessions/{sid}/answers",
                json={"question_id": q, "text": "I would write it down and ask."},
            ),
        ),
    ),
    # Not audio: the owner gets past authorization to the type check (415).
    ("POST", S + "/answers/audio"): (
        policy(a=ALLOWED),
        lambda w, r: _active_for(
            w,
            r,
            lambda sid, q: Req(
                "POST",
                f"/api/sessions/{sid}/answers/audio",
                data={"question_id": q},
                files={"file": ("a.webm", b"not audio at all", "audio/webm")},
            ),
        ),
    ),
    ("POST", S + "/answers/audio/partial"): (
        policy(a=ALLOWED),
        lambda w, r: _active_for(
            w,
            r,
            lambda sid, q: Req(
                "POST",
                f"/api/sessions/{sid}/answers/audio/partial",
                data={"recording_id": str(uuid.uuid4()), "chunk_index": "0"},
                files={"file": ("c.webm", b"nope", "audio/webm")},
            ),
        ),
    ),
    ("POST", S + "/skip"): (
        OWNER,
        lambda w, r: _active_for(
            w, r, lambda sid, q: Req("POST", f"/api/sessions/{sid}/skip", json={"question_id": q})
        ),
    ),
    ("GET", S + "/questions/{question_id}/model-answer"): (
        OWNER,
        lambda w, r: Req("GET", f"/api/sessions/{w.ids['session_id']}/questions/{w.ids['question_id']}/model-answer"),
    ),
    # The session is over: the owner is authorized and told so (409).
    ("POST", S + "/questions/{question_id}/answer-again"): (
        policy(a=ALLOWED),
        lambda w, r: Req("POST", f"/api/sessions/{w.ids['session_id']}/questions/{w.ids['question_id']}/answer-again"),
    ),
    ("POST", S + "/events/ticket"): (
        OWNER_STAFF,
        lambda w, r: Req("POST", f"/api/sessions/{w.ids['session_id']}/events/ticket"),
    ),
    ("GET", "/api/pipelines"): (RECRUITERS, lambda w, r: Req("GET", "/api/pipelines")),
    ("POST", "/api/pipelines"): (
        RECRUITERS,
        lambda w, r: Req("POST", "/api/pipelines", json={"name": "P", "module_id": w.module_id}),
    ),
    ("GET", "/api/pipelines/joined"): (SIGNED_IN, lambda w, r: Req("GET", "/api/pipelines/joined")),
    # R1 owns the pipeline: joining it is a conflict, not a permission question.
    ("POST", "/api/pipelines/join"): (
        policy(OK, anon=DENY, r1=ALLOWED),
        lambda w, r: Req("POST", "/api/pipelines/join", json={"invite_code": w.ids["join_code"]}),
    ),
    ("DELETE", "/api/pipelines/{pipeline_id}/share"): (
        OWNER,
        lambda w, r: Req("DELETE", f"/api/pipelines/{_share_to_withdraw(w, r)}/share"),
    ),
    ("GET", "/api/pipelines/{pipeline_id}/candidates"): (
        policy(r1=OK),
        lambda w, r: Req("GET", f"/api/pipelines/{w.ids['pipeline_id']}/candidates"),
    ),
    ("GET", "/api/admin/sessions"): (
        STAFF,
        lambda w, r: Req("GET", "/api/admin/sessions", params={"email": w.emails["a"]}),
    ),
    ("GET", "/api/admin/sessions/{session_id}"): (
        STAFF,
        lambda w, r: Req("GET", f"/api/admin/sessions/{w.ids['session_id']}"),
    ),
    ("POST", "/api/admin/sessions/retry-scoring"): (
        STAFF,
        lambda w, r: Req("POST", "/api/admin/sessions/retry-scoring", params={"limit": 5}),
    ),
    # A's session is completed: staff are authorized and told it cannot be retried (409).
    ("POST", "/api/admin/sessions/{session_id}/retry-scoring"): (
        policy(staff=ALLOWED, admin=ALLOWED),
        lambda w, r: Req("POST", f"/api/admin/sessions/{w.ids['session_id']}/retry-scoring"),
    ),
    ("PATCH", "/api/admin/users/{user_id}"): (
        policy(admin=OK),
        lambda w, r: Req("PATCH", f"/api/admin/users/{w.ids['user_b']}", json={"is_test": False}),
    ),
    ("GET", "/api/me/progress"): (SIGNED_IN, lambda w, r: Req("GET", "/api/me/progress")),
    ("GET", "/api/me/export"): (SIGNED_IN, lambda w, r: Req("GET", "/api/me/export")),
    # Deletes the caller: run as a throw-away account holding the role.
    ("DELETE", "/api/me"): (SIGNED_IN, _delete_me),
}
SELF_DESTRUCTIVE = {("DELETE", "/api/me")}


def schema_endpoints(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {
        (method.upper(), path)
        for path, ops in app.openapi()["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_endpoint_has_a_policy(api):
    endpoints = schema_endpoints(api.app)
    missing = sorted(endpoints - set(CASES))
    assert not missing, f"endpoints without a policy in {__file__}: decide who may call them: {missing}"
    stale = sorted(set(CASES) - endpoints)
    assert not stale, f"policies for endpoints that no longer exist: {stale}"


def _check(status: int, body: bytes, expect: str, role: str, private: list[str]) -> str | None:
    if status >= 500:
        return f"server error {status}"
    if expect == OK:
        return None if 200 <= status < 300 else f"expected 2xx, got {status}"
    if expect == ALLOWED:
        return None if status < 300 or status in (409, 415, 422) else f"expected to pass authorization, got {status}"
    allowed = (401,) if role == "anon" else (403, 404)
    if status not in allowed:
        return f"LEAK: expected {'/'.join(map(str, allowed))}, got {status}"
    try:
        detail = json.loads(body)
    except ValueError:
        detail = None
    if not (isinstance(detail, dict) and list(detail) == ["detail"] and isinstance(detail["detail"], str)):
        return f"denial carries more than a sentence: {body[:200]!r}"
    if any(p.lower() in detail["detail"].lower() for p in private):
        return f"denial names private data: {body[:200]!r}"
    return None


def test_role_matrix(api, world):
    # What a denial must never contain: A's email, resume, ids of what they own.
    private = [world.emails["a"], "Jane Roe", "Acme Corp", world.ids["response_id"]]
    problems, calls = [], 0
    for (method, path), (expected, build) in sorted(CASES.items()):
        for role in ROLES:
            req = build(world, role)
            assert req.method == method, (method, path, req)
            headers = world.user_with_role(role) if (method, path) in SELF_DESTRUCTIVE else world.headers[role]
            r = api.request(
                req.method, req.url, json=req.json, data=req.data, files=req.files, params=req.params, headers=headers
            )
            calls += 1
            if req.after:
                req.after()
            if problem := _check(r.status_code, r.content, expected[role], role, private):
                problems.append(f"{role:>5} {method:6} {path}: {problem} — {r.text[:160]}")
    print(f"\nrole matrix: {calls} calls over {len(CASES)} endpoints × {len(ROLES)} roles, {len(problems)} problems")
    assert not problems, "\n".join(problems)
