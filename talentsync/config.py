"""The one settings class. Read from the environment (and `.env`), never at import time."""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_JWT_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105 - refused in production mode
DEV_ADMIN_PASSWORD = "admin-password-change-me"  # noqa: S105 - refused in production mode
MIN_JWT_SECRET_BYTES = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"
    # "json": one object per line, for log collectors; "text": one readable line with key=value fields.
    # "auto": text in development (`make up`'s log files and crash tails), JSON everywhere else.
    log_format: Literal["auto", "json", "text"] = "auto"
    # Each worker process serves Prometheus metrics on this port (0: off). Processes sharing a host
    # need a port each; the Temporal SDK's own metrics are merged into the same page.
    worker_metrics_port: int = Field(default=9464, ge=0, le=65535)
    worker_metrics_host: str = "127.0.0.1"  # 0.0.0.0 in a container, for a Prometheus on another host

    # Where the embedded stack keeps its state (PostgreSQL, Redis, Temporal sqlite, media).
    data_dir: Path = REPO_ROOT / ".data"

    database_url: str = "postgresql+psycopg://postgres@127.0.0.1:5433/talentsync"
    redis_url: str = "redis://127.0.0.1:6380/0"
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_ui_url: str = "http://127.0.0.1:8233"
    task_queue_prefix: str = ""

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    cors_origins: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:5173", "http://localhost:5173"])
    frontend_dist: Path = REPO_ROOT / "frontend" / "dist"

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_ttl_minutes: int = 60 * 12
    first_admin_email: str = "admin@talentsync.local"
    first_admin_password: SecretStr = SecretStr(DEV_ADMIN_PASSWORD)

    # Abuse limits. Rate limits are `limits` strings; several separated by ";" all apply.
    # Logins per (email, client IP): a stranger elsewhere cannot lock an account out.
    login_rate_limit: str = "10/minute"
    # Failed logins per client IP, across all emails: password spraying from one address.
    login_ip_failure_limit: str = "30/minute;300/hour"
    # Behind a reverse proxy every request comes from the proxy: trust this many X-Forwarded-For hops
    # (1 for deploy/nginx.conf). 0 when clients connect directly, so the header cannot be forged.
    trusted_proxy_hops: int = 0
    upload_rate_limit: str = "20/minute;100/hour"  # per user, resumes and recordings alike
    answer_rate_limit: str = "30/minute"  # per user: text, audio and skips
    # Percentiles are shown only once this many other candidates' answers are comparable.
    percentile_min_population: int = Field(default=5, ge=1)
    session_start_rate_limit: str = "10/minute;60/hour"  # per user
    max_active_sessions_per_user: int = 3
    max_websockets_per_user: int = 5
    ws_ticket_ttl_seconds: int = 30
    ws_ticket_rate_limit: str = "30/minute"  # per user
    # Per user: live-transcript chunks of a recording in progress, about one a second while speaking.
    partial_audio_rate_limit: str = "150/minute"
    # Per user: an export zips every recording, so a loop of them would keep a thread and the disk busy.
    export_rate_limit: str = "10/hour"
    db_pool_size: int = 10
    db_max_overflow: int = 20
    db_pool_timeout_seconds: float = 10.0  # a request waits this long for a connection, then 503
    redis_max_connections: int = 64  # commands; a request waits up to 5 s for one, then 503
    max_websockets_total: int = 2000  # per API process: each open socket holds a Redis pub/sub connection
    max_resume_bytes: int = 5 * 1024 * 1024
    max_audio_bytes: int = 25 * 1024 * 1024
    max_audio_seconds: float = 300.0
    max_answer_chars: int = 20_000

    # Interview shape.
    default_max_questions: int = 8
    max_followups_per_question: int = 1
    followup_min_similarity: float = 0.40  # bench/followup_threshold.py: recall 0.69, off-topic 0.10
    # A follow-up answered in fewer words than this gets one more follow-up (0: never a second one).
    followup_thin_words: int = 40
    session_idle_timeout_minutes: int = 60
    # A session waiting for "Finish" after its last question closes itself (completed) after this.
    session_finish_grace_minutes: int = 5

    # Storage hygiene (talentsync/retention.py; the worker runs the sweep on a Temporal Schedule).
    # Recordings and resume files are deleted this many days after upload, 0 keeps them forever;
    # answer text, transcripts, scores and parsed resumes stay.
    audio_retention_days: int = Field(default=30, ge=0)
    resume_retention_days: int = Field(default=365, ge=0)
    # A stored file no row refers to is deleted once this old; a younger one may be an upload whose
    # answer is still being transcribed.
    media_orphan_grace_hours: int = Field(default=24, ge=1)
    retention_interval_minutes: int = Field(default=60, ge=1)

    pack_dirs: list[Path] = Field(default_factory=list)
    # Sentence embeddings: "onnx" (int8 MiniLM on onnxruntime, ~2x faster, no torch at run time) or
    # "torch" (sentence-transformers, the reference vectors); bench/embedder.py compares them.
    embedder: Literal["onnx", "torch"] = "onnx"
    # A directory (torch: sentence-transformers layout; onnx: *.onnx + tokenizer.json) or .onnx file.
    embedding_model_path: str | None = None
    # Intra-op threads per model. Activity threads already run embeddings in parallel, so more than
    # one per model oversubscribes the cores (bench/embedder.py: 1 vs 2 on two cores).
    embedder_threads: int = Field(default=1, ge=1, le=64)
    # A worker process that serves only background roles (ml: scoring, resumes; feedback: reports) lowers
    # its CPU priority by this much, so on a shared machine the answer path (interview, retrieval) runs
    # first and scoring catches up in the gaps. 0 keeps normal priority.
    background_worker_nice: int = Field(default=10, ge=0, le=19)
    whisper_model_path: str | None = None

    # Cloud backends: used only when configured; offline defaults otherwise.
    pinecone_api_key: SecretStr | None = None
    pinecone_host: str | None = None
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    # Follow-up refinement runs while the candidate waits for the next question, inside a 5 s
    # retrieval activity: one short try, then the retrieved template is asked as written.
    openai_refine_timeout_seconds: float = Field(default=2.5, gt=0, le=4.5)
    # AssemblyAI speech-to-text replaces local Whisper when the key is set. The base URL points the
    # SDK at a proxy or a test fake; polling stops after the timeout (answers are <= 5 minutes).
    assemblyai_api_key: SecretStr | None = None
    assemblyai_base_url: str = "https://api.assemblyai.com"
    assemblyai_poll_interval_seconds: float = Field(default=1.0, gt=0)
    assemblyai_timeout_seconds: float = Field(default=300.0, gt=0)

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def sync_database_url(self) -> str:
        return self.database_url

    def task_queue(self, role: str) -> str:
        return f"{self.task_queue_prefix}{role}"

    @property
    def resolved_log_format(self) -> Literal["json", "text"]:
        if self.log_format == "auto":
            return "text" if self.environment == "development" else "json"
        return self.log_format

    @model_validator(mode="after")
    def _check_pinecone(self) -> Settings:
        # Half a Pinecone configuration would silently fall back to pgvector: say so instead.
        if bool(self.pinecone_api_key and self.pinecone_api_key.get_secret_value()) != bool(self.pinecone_host):
            raise ValueError("set both PINECONE_API_KEY and PINECONE_HOST (the index host URL), or neither")
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        from talentsync.security import password_problems

        admin_password = self.first_admin_password.get_secret_value()
        if self.environment == "production":
            secret = self.jwt_secret.get_secret_value()
            if secret == DEV_JWT_SECRET:
                raise ValueError("JWT_SECRET must be set in production")
            # HS256 keys shorter than the hash output can be brute-forced offline from any token.
            if len(secret.encode()) < MIN_JWT_SECRET_BYTES:
                raise ValueError(
                    f"JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes in production "
                    "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
                )
            if admin_password == DEV_ADMIN_PASSWORD:
                raise ValueError("FIRST_ADMIN_PASSWORD must be set in production")
        # The well-known development default stays usable outside production; any password someone
        # chose for the first admin must pass the same rules as every user's.
        if admin_password != DEV_ADMIN_PASSWORD or self.environment == "production":
            problems = password_problems(admin_password, self.first_admin_email)
            if problems:
                raise ValueError("FIRST_ADMIN_PASSWORD is too weak: use " + ", ".join(problems))
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()


def configure_logging(level: str | None = None, log_format: Literal["json", "text"] | None = None) -> None:
    """Configure logging once per process. Fields in `extra` and the bound log context
    (talentsync/logcontext.py: request_id, session_id, workflow_id, activity) appear on every line."""
    from talentsync.logcontext import install_handler

    root = logging.getLogger()
    if getattr(root, "_talentsync_configured", False):
        return
    if log_format is None:  # callers without a Settings object (scripts): the same rule as Settings
        env = os.environ.get("LOG_FORMAT", "auto")
        development = os.environ.get("ENVIRONMENT", "development") == "development"
        log_format = "json" if env == "json" or (env == "auto" and not development) else "text"
    install_handler(level or os.environ.get("LOG_LEVEL") or "INFO", log_format)
    root._talentsync_configured = True  # type: ignore[attr-defined]
