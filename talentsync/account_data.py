"""Everything TalentSync holds about one account, gathered for an export or a deletion.

``gather_account`` reads PostgreSQL (sync ``Session``: the API runs it in a worker thread);
``write_export_zip`` writes the JSON documents and the media files (audio answers, resumes) into a
zip on any writable stream, including one that cannot seek, so the API can stream it as it is made.
"""

from __future__ import annotations

import json
import logging
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from talentsync.db.models import (
    FeedbackReportRow,
    InterviewSession,
    Module,
    Percentile,
    Response,
    Resume,
    Score,
    SessionQuestion,
    User,
)
from talentsync.media import MediaStore
from talentsync.progress import build_progress, load_answer_rows
from talentsync.scoring.models import ListeningPointSpec
from talentsync.scoring.reference_store import text_sha

log = logging.getLogger(__name__)

README = """TalentSync data export
=====================

Everything TalentSync holds about your account at {when} (UTC):

account.json    your account: id, email, name, roles, when it was created
resumes.json    each uploaded resume: file name, type, status and what was parsed from it
sessions.json   each interview session: the questions asked (in order), your answers with their
                transcripts and delivery analytics, every score with its listening points,
                percentiles and the written feedback
progress.json   your progress across sessions, as the Progress page shows it
files/resumes/  the resume files you uploaded, as uploaded
files/audio/    your recorded answers, as recorded

A file listed in the JSON as "file": null is no longer stored (for example, recordings are kept for
a limited time on some servers).
"""


@dataclass
class AccountData:
    user_id: uuid.UUID
    documents: dict[str, Any]
    # (media key, name inside the zip) for every stored file the account owns.
    files: list[tuple[str, str]] = field(default_factory=list)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _resumes(db: Session, user_id: uuid.UUID, files: list[tuple[str, str]]) -> list[dict[str, Any]]:
    out = []
    for r in db.scalars(select(Resume).where(Resume.user_id == user_id).order_by(Resume.created_at)):
        arcname = f"files/resumes/{r.id}.{r.kind}" if r.storage_key else None
        if arcname:
            files.append((r.storage_key, arcname))
        out.append(
            {
                "id": str(r.id),
                "filename": r.filename,
                "kind": r.kind,
                "size_bytes": r.size_bytes,
                "status": r.status,
                "error": r.error,
                "parsed": r.parsed,
                "created_at": _iso(r.created_at),
                "updated_at": _iso(r.updated_at),
                "file": arcname,
            }
        )
    return out


def _score(s: Score | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "overall": s.overall,
        "dimensions": s.dimensions,
        "key_points": s.key_points,
        "word_count": s.word_count,
        "flags": s.flags,
        "seems_to_answer": s.seems_to_answer,
        "padding_cost": s.padding_cost,
        "scorer_version": s.scorer_version,
        "created_at": _iso(s.created_at),
    }


def _session(db: Session, sess: InterviewSession, modules: dict[int, Module], files: list[tuple[str, str]]) -> dict:
    questions = db.scalars(
        select(SessionQuestion)
        .where(SessionQuestion.session_id == sess.id)
        .order_by(SessionQuestion.asked_index.nulls_last(), SessionQuestion.seed_order)
    ).all()
    rows = db.execute(
        select(Response, Score)
        .outerjoin(Score, Score.response_id == Response.id)
        .where(Response.session_id == sess.id)
        .order_by(Response.created_at, Response.attempt)
    ).all()
    pct = {p.subject_key: p for p in db.scalars(select(Percentile).where(Percentile.session_id == sess.id))}
    fb = db.get(FeedbackReportRow, sess.id)
    answers = []
    for resp, score in rows:
        arcname = None
        if resp.audio_key:
            arcname = f"files/audio/{resp.id}.{resp.audio_key.rsplit('.', 1)[-1]}"
            files.append((resp.audio_key, arcname))
        p = pct.get(str(resp.id))
        answers.append(
            {
                "id": str(resp.id),
                "question_id": str(resp.session_question_id),
                "attempt": resp.attempt,
                "source": resp.source,
                "text": resp.text,
                "transcript": resp.transcript,
                "delivery": resp.delivery,
                "file": arcname,
                "created_at": _iso(resp.created_at),
                "score": _score(score),
                "percentile": {"value": p.value, "population": p.population} if p else None,
            }
        )
    module = modules.get(sess.module_id)
    session_pct = pct.get("session")
    return {
        "id": str(sess.id),
        "module": {"id": sess.module_id, "name": module.name if module else "", "slug": module.slug if module else ""},
        "status": sess.status,
        "created_at": _iso(sess.created_at),
        "ended_at": _iso(sess.ended_at),
        "max_questions": sess.max_questions,
        "overall_score": sess.overall_score,
        "percentile": {"value": session_pct.value, "population": session_pct.population} if session_pct else None,
        "resume_id": str(sess.resume_id) if sess.resume_id else None,
        "resume_used": sess.parsed_resume_data,
        "workflow_id": sess.workflow_id,
        "questions": [
            {
                "id": str(q.id),
                "kind": q.kind,
                "text": q.text,
                "category": q.category,
                "status": q.status,
                "asked_index": q.asked_index,
                "parent_id": str(q.parent_id) if q.parent_id else None,
                "listening_points": q.key_points,
            }
            for q in questions
        ],
        "answers": answers,
        "feedback": (
            {
                "summary": fb.summary,
                "focus_areas": fb.focus_areas,
                "answers": fb.answers,
                "overall_score": fb.overall_score,
                "writer": fb.writer,
                "created_at": _iso(fb.created_at),
            }
            if fb
            else None
        ),
    }


def gather_account(db: Session, user_id: uuid.UUID) -> AccountData:
    user = db.get(User, user_id)
    if user is None:
        raise LookupError(f"no user {user_id}")
    files: list[tuple[str, str]] = []
    modules = {m.id: m for m in db.scalars(select(Module))}
    sessions = db.scalars(
        select(InterviewSession).where(InterviewSession.user_id == user_id).order_by(InterviewSession.created_at)
    ).all()
    documents = {
        "account.json": {
            "id": str(user.id),
            "email": user.email,
            "full_name": user.full_name,
            "roles": user.role_names,
            "is_active": user.is_active,
            "created_at": _iso(user.created_at),
        },
        "resumes.json": _resumes(db, user_id, files),
        "sessions.json": [_session(db, s, modules, files) for s in sessions],
        "progress.json": build_progress(load_answer_rows(db, user_id)),
    }
    return AccountData(user_id=user_id, documents=documents, files=files)


def question_side_texts(sq: SessionQuestion) -> set[str]:
    """The texts the scorer embeds for this question and keeps in `reference_vectors` (by hash):
    `fit_profile` (question, paraphrases, strong-answer sentences) and `point_refs` (each point, its
    description, its examples). tests/unit/test_account_texts.py keeps this in step with them."""
    from talentsync.scoring.references import answer_sentences

    texts = {t.strip() for t in (sq.text, *(sq.paraphrases or [])) if t and t.strip()}
    for answer in (sq.ideal_answer, *(sq.reference_answers or [])):
        if answer and answer.strip():
            texts.update(answer_sentences(answer.strip()))
    for kp in sq.key_points or []:
        point = ListeningPointSpec.model_validate(kp)
        texts.update([point.point, point.listen_for or point.point, *point.examples])
    return texts


def personal_reference_shas(db: Session, user_id: uuid.UUID) -> set[str]:
    """Hashes of scoring reference vectors made from the account's own text: questions generated
    from its resume and follow-ups a language model rewrote from its answers. Bank questions are
    shared by everyone and stay (a deleted row would only be embedded again)."""
    rows = db.scalars(
        select(SessionQuestion)
        .join(InterviewSession, InterviewSession.id == SessionQuestion.session_id)
        .where(InterviewSession.user_id == user_id, SessionQuestion.kind != "core")
    )
    return {text_sha(t) for sq in rows for t in question_side_texts(sq)}


def write_export_zip(data: AccountData, media: MediaStore, out: IO[bytes]) -> dict[str, int]:
    """Write the export to ``out`` (may be unseekable). Returns counts for the log."""
    written = missing = 0
    missing_names: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, arcname in data.files:
            try:
                path = media.path(key)
                # Audio and PDFs are compressed already; storing them saves CPU and costs no space.
                zf.write(path, arcname, compress_type=zipfile.ZIP_STORED)
                written += 1
            except (OSError, ValueError):
                missing += 1
                missing_names.add(arcname)
        docs = _mark_missing(data.documents, missing_names)
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
        zf.writestr("README.txt", README.format(when=when))
        for name, doc in docs.items():
            zf.writestr(name, json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    log.info("export written", extra={"user_id": str(data.user_id), "files": written, "missing_files": missing})
    return {"files": written, "missing_files": missing}


def _mark_missing(documents: dict[str, Any], missing: set[str]) -> dict[str, Any]:
    """A file that is gone (retention, a lost disk) is listed as null, never as a dangling name."""
    if not missing:
        return documents

    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (None if k == "file" and v in missing else fix(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    return {name: fix(doc) for name, doc in documents.items()}
