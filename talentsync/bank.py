"""The question bank: loading packs into PostgreSQL and keeping the vector namespaces in sync."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from talentsync.db.models import FollowUpTemplate, Module, Permission, Question, Role, User
from talentsync.embeddings import Embedder
from talentsync.packs import QuestionPack, pack_checksum
from talentsync.security import PERMISSIONS, ROLE_PERMISSIONS, ROLES, hash_password
from talentsync.vectors.base import VectorRecord, VectorStore

log = logging.getLogger(__name__)


def ensure_roles(db: Session) -> None:
    perms = {p.code: p for p in db.scalars(select(Permission))}
    for code, desc in PERMISSIONS.items():
        if code not in perms:
            perms[code] = Permission(code=code, description=desc)
            db.add(perms[code])
    roles = {r.name: r for r in db.scalars(select(Role))}
    for name, desc in ROLES.items():
        role = roles.get(name) or Role(name=name, description=desc)
        role.permissions = [perms[c] for c in ROLE_PERMISSIONS[name]]
        db.add(role)
    db.flush()


def ensure_admin(db: Session, email: str, password: str) -> None:
    email = email.strip().lower()
    if db.scalar(select(User).where(User.email == email)) is not None:
        return
    admin_role = db.scalar(select(Role).where(Role.name == "admin"))
    staff_role = db.scalar(select(Role).where(Role.name == "staff"))
    user = User(email=email, full_name="Administrator", password_hash=hash_password(password))
    user.roles = [r for r in (admin_role, staff_role) if r is not None]
    db.add(user)
    log.info("created first admin user", extra={"email": email})


def load_pack(db: Session, pack: QuestionPack) -> tuple[Module, bool]:
    """Upsert one pack by slugs. Returns (module, changed). Unchanged packs are skipped by checksum."""
    checksum = pack_checksum(pack)
    module = db.scalar(select(Module).where(Module.slug == pack.slug))
    if module is not None and module.pack_checksum == checksum:
        return module, False
    if module is None:
        module = Module(slug=pack.slug)
        db.add(module)
    module.name, module.domain, module.description = pack.name, pack.domain, pack.description
    module.pack_checksum = checksum
    db.flush()
    existing = {q.slug: q for q in db.scalars(select(Question).where(Question.module_id == module.id))}
    for position, pq in enumerate(pack.questions):
        q = existing.pop(pq.slug, None) or Question(slug=pq.slug, module_id=module.id)
        q.text, q.category, q.difficulty = pq.text, pq.category, pq.difficulty
        q.ideal_answer, q.key_points, q.keywords = (
            pq.ideal_answer.strip(),
            [kp.model_dump() for kp in pq.key_points],
            list(pq.keywords),
        )
        q.reference_answers = [a.strip() for a in pq.reference_answers]
        q.paraphrases = list(pq.paraphrases)
        q.position, q.is_active = position, True
        db.add(q)
        db.flush()
        templates = {t.slug: t for t in q.follow_ups}
        for fu in pq.follow_ups:
            t = templates.pop(fu.slug, None) or FollowUpTemplate(slug=fu.slug, question_id=q.id)
            t.text, t.trigger, t.source = fu.text, fu.trigger, "pack"
            t.key_points = [kp.model_dump() for kp in fu.key_points]
            db.add(t)
    for gone in existing.values():  # removed from the pack: keep history, stop asking it
        gone.is_active = False
    db.flush()
    return module, True


def question_vector_records(q: Question, domain: str, module_slug: str) -> dict[str, list[VectorRecord]]:
    """Texts to embed per namespace; vector ids are deterministic so upserts are idempotent."""
    base = {"question_id": q.id, "domain": domain, "module": module_slug}
    records: dict[str, list[VectorRecord]] = {
        "questions": [VectorRecord(f"q-{q.id}", (), {**base, "type": q.category}, q.text)],
        "ideal-answers": [VectorRecord(f"ia-{q.id}", (), {**base, "type": "ideal_answer"}, q.ideal_answer)],
        "followups": [
            # The trigger says what in an answer makes this follow-up apt; embedding it with the
            # follow-up's text lets the candidate's answer retrieve it.
            VectorRecord(
                f"fu-{t.id}",
                (),
                {**base, "type": "follow_up", "template_id": t.id, "source": t.source},
                f"{t.trigger} {t.text}".strip(),
            )
            for t in q.follow_ups
        ],
    }
    return records


def embed_questions(questions: Iterable[tuple[Question, str, str]], store: VectorStore, embedder: Embedder) -> int:
    """Embed and upsert each question's texts into the three namespaces, batched per namespace."""
    pending: dict[str, list[VectorRecord]] = {"questions": [], "ideal-answers": [], "followups": []}
    for q, domain, slug in questions:
        for ns, recs in question_vector_records(q, domain, slug).items():
            pending[ns].extend(recs)
    total = 0
    for ns, recs in pending.items():
        if not recs:
            continue
        vectors = embedder.embed([r.document for r in recs])
        total += store.upsert(
            ns,
            [VectorRecord(r.id, vec.tolist(), r.metadata, r.document) for r, vec in zip(recs, vectors, strict=True)],
        )
    return total


def seed_bank(
    factory: sessionmaker[Session],
    packs: Sequence[QuestionPack],
    store: VectorStore,
    embedder: Callable[[], Embedder],
    force_embed: bool = False,
) -> dict[str, int]:
    """Load every pack and embed the changed ones. Safe to run on every start.

    `embedder` is a factory: the model loads only when some pack actually changed.
    """
    stats = {"packs": len(packs), "changed": 0, "vectors": 0}
    for pack in packs:
        with factory() as db, db.begin():
            module, changed = load_pack(db, pack)
            if not changed and not force_embed and store.count("questions") > 0:
                continue
            stats["changed"] += int(changed)
            qs = db.scalars(select(Question).where(Question.module_id == module.id, Question.is_active)).all()
            stats["vectors"] += embed_questions(((q, module.domain, module.slug) for q in qs), store, embedder())
    return stats
