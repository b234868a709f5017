"""Build the pluggable backends from Settings: offline defaults, cloud services when configured."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from talentsync.config import Settings
from talentsync.embeddings import Embedder, default_embedder, load_embedder
from talentsync.llm.feedback import (
    FeedbackWriter,
    FollowUpRefiner,
    OfflineFeedbackWriter,
    OfflineFollowUpRefiner,
)
from talentsync.speech.engine import SpeechEngine
from talentsync.vectors.base import VectorStore

log = logging.getLogger(__name__)


def build_embedder(settings: Settings, dedicated: bool = False) -> Embedder:
    """The process-wide model of the configured backend (``EMBEDDER``), loaded and warmed on first use.

    dedicated: a private copy, for a caller that must never wait on the shared model's lock. Only
    the torch backend has one; an ONNX session runs calls from many threads at once, so the ONNX
    backend always returns the shared model.
    """
    if dedicated and settings.embedder == "torch":
        return load_embedder("torch", settings.embedding_model_path, settings.embedder_threads)
    return default_embedder(settings.embedder, settings.embedding_model_path, settings.embedder_threads)


def build_vector_store(settings: Settings, engine: Engine) -> VectorStore:
    if settings.pinecone_api_key and settings.pinecone_host:
        from talentsync.vectors.pinecone_store import PineconeVectorStore

        log.info("vector store: Pinecone at %s", settings.pinecone_host)
        return PineconeVectorStore.connect(settings.pinecone_api_key.get_secret_value(), settings.pinecone_host)
    from talentsync.vectors.pgvector_store import PgVectorStore

    return PgVectorStore(engine)


def _openai_client(settings: Settings, timeout: float = 60, max_retries: int = 2):  # type: ignore[no-untyped-def]
    import openai

    assert settings.openai_api_key is not None
    return openai.OpenAI(
        api_key=settings.openai_api_key.get_secret_value(),
        base_url=settings.openai_base_url,
        max_retries=max_retries,
        timeout=timeout,
    )


def build_feedback_writer(settings: Settings) -> FeedbackWriter:
    if settings.openai_api_key:
        from talentsync.llm.openai_writer import OpenAIFeedbackWriter

        return OpenAIFeedbackWriter(_openai_client(settings), settings.openai_model)
    return OfflineFeedbackWriter()


def build_refiner(settings: Settings) -> FollowUpRefiner:
    if settings.openai_api_key:
        from talentsync.llm.openai_writer import OpenAIFollowUpRefiner

        # One short try: the whole follow-up retrieval has 5 s, and the template is a fine fallback.
        client = _openai_client(settings, timeout=settings.openai_refine_timeout_seconds, max_retries=0)
        return OpenAIFollowUpRefiner(client, settings.openai_model)
    return OfflineFollowUpRefiner()


def build_speech_engine(settings: Settings) -> SpeechEngine:
    if settings.assemblyai_api_key and settings.assemblyai_api_key.get_secret_value():
        from talentsync.speech.assemblyai_engine import AssemblyAIEngine

        log.info("speech-to-text: AssemblyAI at %s", settings.assemblyai_base_url)
        return AssemblyAIEngine(
            settings.assemblyai_api_key.get_secret_value(),
            settings.assemblyai_base_url,
            poll_interval=settings.assemblyai_poll_interval_seconds,
            timeout=settings.assemblyai_timeout_seconds,
        )
    from talentsync.speech.whisper import FasterWhisperEngine

    return FasterWhisperEngine(model_path=settings.whisper_model_path)
