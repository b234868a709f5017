"""The embedding interface and helpers shared by every backend; importing this loads no model."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

EMBEDDING_DIM = 384
# The sentence-transformers default for all-MiniLM-L6-v2; longer texts are cut, not rejected.
MAX_TOKENS = 256
WARM_UP_TEXT = "Tell me about a time you had to make a decision with incomplete information."

Backend = Literal["onnx", "torch"]


class Embedder(Protocol):
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalised vectors."""
        ...


def package_dir(module: str, distribution: str) -> Path:
    """Where a data-only wheel put its files, without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {distribution} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two L2-normalised vectors."""
    return float(np.clip(np.dot(a, b), -1.0, 1.0))
