"""Sentence embeddings behind one small interface.

Everything that needs vectors (follow-up retrieval, scoring, question-bank sync) depends on the
``Embedder`` protocol, never on a backend. Two backends compute all-MiniLM-L6-v2 vectors:
``onnx`` (default: int8 weights through onnxruntime, no torch) and ``torch`` (sentence-transformers,
the reference). Importing this package loads neither; the backends import their runtimes when built.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from talentsync.embeddings.base import EMBEDDING_DIM, MAX_TOKENS, Backend, Embedder, cosine
from talentsync.embeddings.onnx_backend import OnnxEmbedder
from talentsync.embeddings.torch_backend import SentenceTransformerEmbedder, bundled_minilm_path

__all__ = [
    "EMBEDDING_DIM",
    "MAX_TOKENS",
    "Backend",
    "Embedder",
    "OnnxEmbedder",
    "SentenceTransformerEmbedder",
    "bundled_minilm_path",
    "cosine",
    "default_embedder",
    "load_embedder",
]


def load_embedder(backend: Backend, model_path: str | Path | None = None, threads: int = 1) -> Embedder:
    """A new, warmed-up model of the chosen backend."""
    if backend == "onnx":
        return OnnxEmbedder(model_path, threads=threads)
    if backend == "torch":
        return SentenceTransformerEmbedder(model_path, threads=threads)
    raise ValueError(f"unknown embedder backend {backend!r}; choose onnx or torch")


@lru_cache(maxsize=4)
def _cached(backend: Backend, model_path: str | None, threads: int) -> Embedder:
    return load_embedder(backend, model_path, threads)


def default_embedder(
    backend: Backend | None = None, model_path: str | None = None, threads: int | None = None
) -> Embedder:
    """The process-wide model: one per (backend, path, threads), loaded on first use.

    Unset arguments come from Settings (``EMBEDDER``, ``EMBEDDING_MODEL_PATH``, ``EMBEDDER_THREADS``),
    so tests and benchmarks run the backend the product runs unless told otherwise.
    """
    from talentsync.config import get_settings

    settings = get_settings()
    return _cached(
        backend or settings.embedder,
        model_path if model_path is not None else settings.embedding_model_path,
        threads or settings.embedder_threads,
    )
