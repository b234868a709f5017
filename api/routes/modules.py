"""Modules and the question bank. Writes start the embedding-sync workflow."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import delete, func, select, text
from temporalio.common import WorkflowIDConflictPolicy

from api.deps import CurrentUser, QuestionWriter, SessionDep, SettingsDep, TemporalDep
from api.errors import COMMON_ERRORS, error_responses
from api.validation import DbId, PathId, SafeLine, SafeText
from talentsync.contracts import SyncQuestionInput, TaskQueues
from talentsync.db.models import FollowUpTemplate, Module, Question
from talentsync.scoring.models import ListeningPointSpec
from workflows.question_sync import QuestionSyncWorkflow

router = APIRouter(tags=["question bank"], responses={**COMMON_ERRORS, **error_responses(403, 404)})

CATEGORIES = ("behavioral", "technical", "system_design", "product", "ml")


class ModuleOut(BaseModel):
    id: int
    slug: str
    name: str
    domain: str
    description: str
    question_count: int


class ListeningPointIn(ListeningPointSpec):
    """A listening point; a plain string is accepted and becomes a point without examples."""

    point: SafeLine = Field(min_length=1, max_length=200)
    listen_for: SafeText = Field(default="", max_length=400)
    examples: list[Annotated[SafeText, Field(min_length=1, max_length=300)]] = Field(default_factory=list, max_length=8)


class FollowUpIn(BaseModel):
    text: SafeText = Field(min_length=5, max_length=1000)
    trigger: SafeText = Field(default="", max_length=1000)
    key_points: list[ListeningPointIn] = Field(default_factory=list, max_length=10)


class QuestionIn(BaseModel):
    module_id: DbId
    text: SafeText = Field(min_length=10, max_length=2000)
    category: str = Field(pattern="^(" + "|".join(CATEGORIES) + ")$")
    difficulty: int = Field(default=2, ge=1, le=3)
    ideal_answer: SafeText = Field(default="", max_length=5000)
    reference_answers: list[Annotated[SafeText, Field(min_length=1, max_length=5000)]] = Field(
        default_factory=list, max_length=6
    )
    paraphrases: list[Annotated[SafeText, Field(min_length=1, max_length=2000)]] = Field(
        default_factory=list, max_length=6
    )
    key_points: list[ListeningPointIn] = Field(default_factory=list, max_length=12)
    keywords: list[Annotated[SafeLine, Field(max_length=100)]] = Field(default_factory=list, max_length=30)
    follow_ups: list[FollowUpIn] = Field(default_factory=list, max_length=10)


class QuestionOut(BaseModel):
    id: int
    module_id: int
    slug: str
    text: str
    category: str
    difficulty: int
    ideal_answer: str | None = None
    reference_answers: list[str] | None = None
    paraphrases: list[str] | None = None
    key_points: list[ListeningPointSpec] | None = None
    keywords: list[str] | None = None
    follow_ups: list[FollowUpIn] | None = None


def question_out(q: Question, full: bool) -> QuestionOut:
    out = QuestionOut(
        id=q.id, module_id=q.module_id, slug=q.slug, text=q.text, category=q.category, difficulty=q.difficulty
    )
    if full:  # ideal answers stay hidden from candidates: they are what answers are scored against
        out.ideal_answer, out.keywords = q.ideal_answer, list(q.keywords)
        out.key_points = [ListeningPointSpec.model_validate(k) for k in q.key_points]
        out.reference_answers, out.paraphrases = list(q.reference_answers or []), list(q.paraphrases or [])
        out.follow_ups = [
            FollowUpIn.model_validate({"text": t.text, "trigger": t.trigger, "key_points": list(t.key_points)})
            for t in q.follow_ups
        ]
    return out


@router.get("/modules", response_model=list[ModuleOut])
async def list_modules(db: SessionDep, user: CurrentUser) -> list[ModuleOut]:
    counts: dict[int, int] = dict(
        (
            await db.execute(
                select(Question.module_id, func.count()).where(Question.is_active).group_by(Question.module_id)
            )
        ).all()
    )
    return [
        ModuleOut(
            id=m.id,
            slug=m.slug,
            name=m.name,
            domain=m.domain,
            description=m.description,
            question_count=int(counts.get(m.id, 0)),
        )
        for m in await db.scalars(select(Module).order_by(Module.name))
    ]


@router.get("/modules/{module_id}/questions", response_model=list[QuestionOut])
async def module_questions(module_id: PathId, db: SessionDep, user: CurrentUser) -> list[QuestionOut]:
    if await db.get(Module, module_id) is None:
        raise HTTPException(404, "No such module.")
    full = "questions:write" in user.permission_codes
    qs = await db.scalars(
        select(Question).where(Question.module_id == module_id, Question.is_active).order_by(Question.position)
    )
    return [question_out(q, full) for q in qs]


@router.get("/questions/search", response_model=list[QuestionOut])
async def search_questions(
    db: SessionDep,
    user: CurrentUser,
    q: Annotated[SafeLine, Query(min_length=2, max_length=200)],
    limit: int = Query(20, ge=1, le=100),
) -> list[QuestionOut]:
    tsq = func.websearch_to_tsquery("english", q)
    rows = await db.scalars(
        select(Question)
        .where(Question.is_active, Question.search.op("@@")(tsq))
        .order_by(func.ts_rank(Question.search, tsq).desc())
        .limit(limit)
    )
    full = "questions:write" in user.permission_codes
    return [question_out(row, full) for row in rows]


async def _start_sync(temporal: TemporalDep, settings: SettingsDep, question: Question) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    await temporal.start_workflow(
        QuestionSyncWorkflow.run,
        SyncQuestionInput(question_id=question.id, queues=TaskQueues.with_prefix(settings.task_queue_prefix)),
        id=f"question-sync-{question.id}-{stamp}",
        task_queue=settings.task_queue("interview"),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )


async def _apply(db: SessionDep, q: Question, body: QuestionIn) -> None:
    q.text, q.category, q.difficulty = body.text.strip(), body.category, body.difficulty
    q.ideal_answer, q.keywords = body.ideal_answer.strip(), body.keywords
    q.key_points = [kp.model_dump() for kp in body.key_points]
    q.reference_answers, q.paraphrases = [a.strip() for a in body.reference_answers], body.paraphrases
    await db.execute(delete(FollowUpTemplate).where(FollowUpTemplate.question_id == q.id))
    await db.flush()
    for i, fu in enumerate(body.follow_ups):
        db.add(
            FollowUpTemplate(
                question_id=q.id,
                slug=f"{q.slug}-fu-custom-{i}-{q.id}",
                text=fu.text,
                trigger=fu.trigger,
                key_points=[kp.model_dump() for kp in fu.key_points],
                source="staff",
            )
        )


async def _reload(db: SessionDep, question_id: int) -> Question:
    # Fresh from the database, follow-ups included: asyncio sessions cannot lazy-load them later.
    stmt = select(Question).where(Question.id == question_id).execution_options(populate_existing=True)
    return (await db.scalars(stmt)).one()


@router.post("/questions", status_code=201, response_model=QuestionOut)
async def create_question(
    body: QuestionIn, db: SessionDep, user: QuestionWriter, temporal: TemporalDep, settings: SettingsDep
) -> QuestionOut:
    module = await db.get(Module, body.module_id)
    if module is None:
        raise HTTPException(404, "No such module.")
    next_pos = await db.scalar(
        select(func.coalesce(func.max(Question.position), -1) + 1).where(Question.module_id == module.id)
    )
    slug_seed = await db.scalar(text("SELECT nextval(pg_get_serial_sequence('questions', 'id'))"))
    q = Question(
        id=slug_seed,
        module_id=module.id,
        slug=f"{module.slug}-custom-{slug_seed}",
        text=body.text,
        category=body.category,
        position=next_pos or 0,
    )
    db.add(q)
    await db.flush()
    await _apply(db, q, body)
    await db.commit()
    q = await _reload(db, q.id)
    await _start_sync(temporal, settings, q)
    return question_out(q, True)


@router.put("/questions/{question_id}", response_model=QuestionOut)
async def update_question(
    question_id: PathId,
    body: QuestionIn,
    db: SessionDep,
    user: QuestionWriter,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> QuestionOut:
    q = await db.get(Question, question_id)
    if q is None:
        raise HTTPException(404, "No such question.")
    if body.module_id != q.module_id and await db.get(Module, body.module_id) is None:
        raise HTTPException(404, "No such module.")
    q.module_id = body.module_id
    await _apply(db, q, body)
    await db.commit()
    q = await _reload(db, q.id)
    await _start_sync(temporal, settings, q)
    return question_out(q, True)
