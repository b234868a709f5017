"""The relational schema. Alembic migrations in `migrations/` create exactly this."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    Boolean,
    Column,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from talentsync.embeddings import EMBEDDING_DIM


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSONB, list[Any]: JSONB, uuid.UUID: UUID(as_uuid=True)}


def _now() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


role_permissions = Table(
    "role_permissions",
    Base.metadata,
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Column("permission_id", ForeignKey("permissions.id", ondelete="CASCADE"), primary_key=True),
)

user_roles = Table(
    "user_roles",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)


class Role(Base):
    __tablename__ = "roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    permissions: Mapped[list[Permission]] = relationship(secondary=role_permissions, lazy="selectin")


class Permission(Base):
    __tablename__ = "permissions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class User(Base):
    __tablename__ = "users"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Test and demo accounts: never part of the populations percentiles are computed over.
    is_test: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    created_at: Mapped[datetime] = _now()
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")
    # Staff find a session from part of an email: a trigram index serves ILIKE '%part%'.
    __table_args__ = (
        Index("ix_users_email_trgm", "email", postgresql_using="gin", postgresql_ops={"email": "gin_trgm_ops"}),
    )

    @property
    def role_names(self) -> list[str]:
        return sorted(r.name for r in self.roles)

    @property
    def permission_codes(self) -> set[str]:
        return {p.code for r in self.roles for p in r.permissions}


class Module(Base):
    __tablename__ = "modules"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    pack_checksum: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = _now()


class Question(Base):
    __tablename__ = "questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    difficulty: Mapped[int] = mapped_column(Integer, default=2)
    ideal_answer: Mapped[str] = mapped_column(Text, default="")
    # More strong answers with other stories/approaches, and other wordings of the question.
    reference_answers: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default="[]")
    paraphrases: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default="[]")
    # Listening points: [{point, listen_for, examples}] (plain strings in rows from before v2).
    key_points: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    keywords: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    search: Mapped[Any] = mapped_column(
        TSVECTOR,
        Computed(
            "setweight(to_tsvector('english', coalesce(text, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(ideal_answer, '')), 'B')",
            persisted=True,
        ),
    )
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    follow_ups: Mapped[list[FollowUpTemplate]] = relationship(
        back_populates="question", lazy="selectin", order_by="FollowUpTemplate.id"
    )

    __table_args__ = (
        Index("ix_questions_search", "search", postgresql_using="gin"),
        Index("ix_questions_keywords", "keywords", postgresql_using="gin"),
    )


class FollowUpTemplate(Base):
    __tablename__ = "follow_up_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    text: Mapped[str] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(Text, default="")
    key_points: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    source: Mapped[str] = mapped_column(String(16), default="pack")  # pack | llm
    question: Mapped[Question] = relationship(back_populates="follow_ups")


class Resume(Base):
    __tablename__ = "resumes"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))
    size_bytes: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="processing")
    error: Mapped[str | None] = mapped_column(Text)
    parsed: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    __table_args__ = (Index("ix_resumes_parsed", "parsed", postgresql_using="gin"),)


class InterviewSession(Base):
    __tablename__ = "sessions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    resume_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("resumes.id", ondelete="SET NULL"))
    parsed_resume_data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    workflow_id: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    max_questions: Mapped[int] = mapped_column(Integer)
    overall_score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = _now()
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the candidate started this interview for an employer pipeline: only such sessions
    # are ever shared, and only while the candidate stays a member (withdrawing clears it).
    pipeline_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pipelines.id", ondelete="SET NULL"), index=True)
    __table_args__ = (
        Index("ix_sessions_parsed_resume", "parsed_resume_data", postgresql_using="gin"),
        # The staff console lists newest first, by default over every session.
        Index("ix_sessions_created_at", "created_at"),
    )


class SessionQuestion(Base):
    """One question in a session's queue. Ids are deterministic (uuid5) so seeding is idempotent."""

    __tablename__ = "session_questions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # core | resume | follow_up
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    follow_up_template_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up_templates.id", ondelete="SET NULL"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("session_questions.id", ondelete="SET NULL"))
    # Answers are ranked against others with the same key (same bank question or template).
    percentile_key: Mapped[str] = mapped_column(String(120), index=True)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    ideal_answer: Mapped[str] = mapped_column(Text, default="")
    reference_answers: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default="[]")
    paraphrases: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default="[]")
    key_points: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    keywords: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    seed_order: Mapped[int] = mapped_column(Integer, default=0)
    asked_index: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | asked | answered | skipped
    created_at: Mapped[datetime] = _now()


class Response(Base):
    __tablename__ = "responses"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    session_question_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("session_questions.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(8), default="text")  # text | audio
    audio_key: Mapped[str | None] = mapped_column(String(255))
    transcript: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    delivery: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = _now()
    __table_args__ = (UniqueConstraint("session_question_id", "attempt", name="uq_responses_question_attempt"),)


class Score(Base):
    __tablename__ = "scores"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), unique=True)
    percentile_key: Mapped[str] = mapped_column(String(120), index=True)
    overall: Mapped[float] = mapped_column(Float)
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSONB)
    key_points: Mapped[list[Any]] = mapped_column(JSONB)
    word_count: Mapped[int] = mapped_column(Integer)
    scorer_version: Mapped[str] = mapped_column(String(32), index=True)
    flags: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default="[]")
    seems_to_answer: Mapped[str | None] = mapped_column(Text)
    padding_cost: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    created_at: Mapped[datetime] = _now()


class Percentile(Base):
    __tablename__ = "percentiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(16))  # answer | session
    subject_key: Mapped[str] = mapped_column(String(120))  # response id or "session"
    value: Mapped[float | None] = mapped_column(Float)  # None: nobody to compare with yet
    population: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = _now()
    __table_args__ = (UniqueConstraint("session_id", "scope", "subject_key", name="uq_percentiles_subject"),)


class FeedbackReportRow(Base):
    __tablename__ = "feedback_reports"
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    overall_score: Mapped[float] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text)
    focus_areas: Mapped[list[Any]] = mapped_column(JSONB)
    answers: Mapped[list[Any]] = mapped_column(JSONB)
    writer: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = _now()


def _vector_table(name: str) -> type[Base]:
    """pgvector tables, one per namespace (questions, followups, ideal-answers)."""
    attrs: dict[str, Any] = {
        "__tablename__": name,
        "id": mapped_column(String(200), primary_key=True),
        "embedding": mapped_column(Vector(EMBEDDING_DIM), nullable=False),
        "metadata_": mapped_column("metadata", JSONB, nullable=False, default=dict),
        "document": mapped_column(Text, nullable=False, default=""),
        "updated_at": mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now()),
        "__table_args__": (
            Index(
                f"ix_{name}_embedding_hnsw",
                "embedding",
                postgresql_using="hnsw",
                postgresql_with={"m": 16, "ef_construction": 64},
                postgresql_ops={"embedding": "vector_cosine_ops"},
            ),
            Index(f"ix_{name}_metadata", "metadata", postgresql_using="gin"),
        ),
    }
    annotations = {
        "id": Mapped[str],
        "embedding": Mapped[Any],
        "metadata_": Mapped[dict[str, Any]],
        "document": Mapped[str],
        "updated_at": Mapped[datetime],
    }
    attrs["__annotations__"] = annotations
    cls_name = "Vec" + "".join(p.capitalize() for p in name.split("_"))
    return type(cls_name, (Base,), attrs)


VECTOR_NAMESPACES = {
    "questions": "vec_questions",
    "followups": "vec_followups",
    "ideal-answers": "vec_ideal_answers",
}
VECTOR_TABLES: dict[str, type[Base]] = {ns: _vector_table(table) for ns, table in VECTOR_NAMESPACES.items()}


class ReferenceVector(Base):
    """A question-side text's embedding (question, paraphrase, strong-answer sentence, listening-point
    example), keyed by model and text hash. Never holds a candidate's words."""

    __tablename__ = "reference_vectors"
    model: Mapped[str] = mapped_column(String(64), primary_key=True)
    text_sha: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = _now()


class Pipeline(Base):
    """An employer's hiring pipeline for one role: candidates join with its invite code and the
    interviews they start for it (that module) are shared with the recruiter who owns it."""

    __tablename__ = "pipelines"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    recruiter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    invite_code: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = _now()


class PipelineMember(Base):
    """A candidate who joined a pipeline. The row is the consent: deleting it withdraws sharing."""

    __tablename__ = "pipeline_members"
    pipeline_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pipelines.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = _now()
