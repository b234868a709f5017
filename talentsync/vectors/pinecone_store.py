"""Pinecone data plane (serverless index) through the official SDK."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from talentsync.vectors.base import VectorMatch, VectorRecord, check_namespace


class PineconeVectorStore:
    name = "pinecone"

    def __init__(self, index: Any) -> None:
        # `index` is `pinecone.Pinecone(api_key=...).Index(host=...)`; built once by the process owner.
        self._index = index

    @classmethod
    def connect(cls, api_key: str, host: str) -> PineconeVectorStore:
        from pinecone import Pinecone

        return cls(Pinecone(api_key=api_key).Index(host=host))

    def upsert(self, namespace: str, records: Sequence[VectorRecord]) -> int:
        check_namespace(namespace)
        vectors: list[dict[str, Any]] = [
            {
                "id": r.id,
                "values": [float(v) for v in r.values],
                "metadata": {**r.metadata, "document": r.document},
            }
            for r in records
        ]
        for start in range(0, len(vectors), 100):  # Pinecone caps request size; batch
            self._index.upsert(vectors=vectors[start : start + 100], namespace=namespace)
        return len(vectors)

    def query(
        self, namespace: str, vector: Sequence[float], top_k: int = 5, where: dict[str, Any] | None = None
    ) -> list[VectorMatch]:
        check_namespace(namespace)
        flt = {k: {"$eq": v} for k, v in (where or {}).items()} or None
        res = self._index.query(
            vector=[float(v) for v in vector],
            top_k=top_k,
            namespace=namespace,
            filter=flt,
            include_metadata=True,
        )
        out = []
        for m in res.matches or []:
            meta = dict(m.metadata or {})
            doc = str(meta.pop("document", ""))
            out.append(VectorMatch(id=m.id, score=float(m.score), metadata=meta, document=doc))
        return out

    def delete(self, namespace: str, ids: Sequence[str]) -> None:
        check_namespace(namespace)
        if ids:
            self._index.delete(ids=list(ids), namespace=namespace)

    def count(self, namespace: str) -> int:
        stats = self._index.describe_index_stats()
        ns = (stats.namespaces or {}).get(namespace)
        return int(ns.vector_count) if ns else 0

    def health(self) -> str:
        try:
            self._index.describe_index_stats()
            return "ok"
        except Exception as exc:
            return f"error: {type(exc).__name__}: {exc}"[:200]
