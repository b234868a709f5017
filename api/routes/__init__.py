"""All routers, collected in one place."""

from fastapi import APIRouter

from api.routes import admin, auth, health, modules, resumes, sessions

router = APIRouter()
for module in (auth, health, modules, resumes, sessions, admin):
    router.include_router(module.router)
