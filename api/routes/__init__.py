"""All routers, collected in one place."""

from fastapi import APIRouter

from api.routes import admin, auth, health, modules, resumes, score_preview, sessions

router = APIRouter()
for module in (auth, health, modules, score_preview, resumes, sessions, admin):
    router.include_router(module.router)
