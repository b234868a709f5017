"""All routers, collected in one place."""

from fastapi import APIRouter

from api.routes import (
    admin,
    answers,
    auth,
    bank_sync,
    events,
    health,
    me,
    modules,
    pipelines,
    practice,
    resumes,
    score_preview,
    sessions,
)

router = APIRouter()
for module in (
    auth,
    health,
    modules,
    bank_sync,
    score_preview,
    resumes,
    sessions,
    answers,
    practice,
    pipelines,
    events,
    admin,
    me,
):
    router.include_router(module.router)
