"""The vector-store interface: pgvector by default, Pinecone when configured."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

NAMESPACES = ("questions", "followups", "ideal-answers")


@dataclass(frozen=True)
class VectorRecord:
    id: str
    values: Sequence[float]
    metadata: dict[str, Any] = field(default_factory=dict)
    document: str = ""


@dataclass(frozen=True)
class VectorMatch:
    id: str
    score: float  # cosine similarity, higher is closer
    metadata: dict[str, Any]
    document: str = ""


class VectorStore(Protocol):
    name: str

    def upsert(self, namespace: str, records: Sequence[VectorRecord]) -> int: ...

    def query(
        self, namespace: str, vector: Sequence[float], top_k: int = 5, where: dict[str, Any] | None = None
    ) -> list[VectorMatch]: ...

    def delete(self, namespace: str, ids: Sequence[str]) -> None: ...

    def count(self, namespace: str) -> int: ...

    def clear(self, namespace: str) -> None:
        """Delete every vector in the namespace (a re-sync from PostgreSQL starting clean)."""
        ...

    def health(self) -> str: ...


def check_namespace(namespace: str) -> None:
    if namespace not in NAMESPACES:
        raise ValueError(f"unknown vector namespace {namespace!r}; expected one of {NAMESPACES}")
