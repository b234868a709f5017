"""Pinecone data plane (serverless index) through the official SDK.

Behaves like `PgVectorStore` for the same data; where Pinecone differs, this adapter bridges it:

- Pinecone stores metadata numbers as doubles (`5` comes back as `5.0`): integral values are turned
  back into ints on read, so ids in metadata round-trip as they do through JSONB.
- Pinecone strips null metadata values on write; a `where` value of `None` therefore becomes
  `$exists: false`.
- `where` means JSONB containment in pgvector: a scalar is `$eq`, a list means "holds every element".
- The document travels as the `document` metadata field.
- Requests are split under Pinecone's caps (2 MB and 1000 vectors per upsert, 1000 ids per delete).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from talentsync.vectors.base import VectorMatch, VectorRecord, check_namespace

if TYPE_CHECKING:
    from pinecone import Index

log = logging.getLogger(__name__)

DOCUMENT_FIELD = "document"
# Pinecone refuses an upsert over 2 MB or 1000 vectors; stay well under both so the JSON envelope
# and number formatting differences between our estimate and the SDK's encoder never matter.
MAX_UPSERT_BYTES = 1_500_000
MAX_UPSERT_VECTORS = 100
MAX_DELETE_IDS = 1000
_MAX_EXACT_FLOAT_INT = 2**53


class PineconeAuthError(RuntimeError):
    """The index host refused the API key. Retrying cannot help: fix PINECONE_API_KEY / PINECONE_HOST."""


def _from_pinecone_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < _MAX_EXACT_FLOAT_INT:
        return int(value)
    return value


def _to_filter(where: dict[str, Any] | None) -> dict[str, Any] | None:
    """Translate pgvector's JSONB-containment `where` into a Pinecone metadata filter."""
    clauses: list[dict[str, Any]] = []
    for key, value in (where or {}).items():
        if value is None:
            clauses.append({key: {"$exists": False}})
        elif isinstance(value, (list, tuple)):
            # Containment of a list: the stored list holds every element; `$in` on a list field
            # matches when any stored element is in the operand, so one clause per element.
            clauses.extend({key: {"$in": [item]}} for item in value)
            if not value:
                clauses.append({key: {"$exists": True}})
        elif isinstance(value, dict):
            raise ValueError(f"Pinecone metadata is flat: cannot filter on nested object {key!r}")
        else:
            clauses.append({key: {"$eq": value}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _upsert_batches(vectors: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for v in vectors:
        v_size = len(json.dumps(v, separators=(",", ":")))
        if batch and (len(batch) >= MAX_UPSERT_VECTORS or size + v_size > MAX_UPSERT_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(v)
        size += v_size + 1
    if batch:
        yield batch


class PineconeVectorStore:
    name = "pinecone"

    def __init__(self, index: Index) -> None:
        # `index` is `pinecone.Pinecone(api_key=...).Index(host=...)`; built once by the process owner.
        self._index = index

    @classmethod
    def connect(cls, api_key: str, host: str) -> PineconeVectorStore:
        from pinecone import Index, Pinecone

        index = Pinecone(api_key=api_key).Index(host=host)
        if not isinstance(index, Index):  # the legacy `Index()` shim always builds the HTTP client
            raise TypeError(f"expected an HTTP pinecone.Index, got {type(index).__name__}")
        return cls(index)

    @contextmanager
    def _call(self, what: str) -> Iterator[None]:
        from pinecone.errors.exceptions import ForbiddenError, UnauthorizedError

        try:
            yield
        except (UnauthorizedError, ForbiddenError) as exc:
            raise PineconeAuthError(
                f"Pinecone refused the API key for index host {self._index.host} during {what}: {exc}. "
                "Check PINECONE_API_KEY (and that PINECONE_HOST is this project's index)."
            ) from exc

    def upsert(self, namespace: str, records: Sequence[VectorRecord]) -> int:
        check_namespace(namespace)
        vectors: list[dict[str, Any]] = [
            {
                "id": r.id,
                "values": [float(v) for v in r.values],
                "metadata": {**r.metadata, DOCUMENT_FIELD: r.document},
            }
            for r in records
        ]
        upserted = 0
        with self._call("upsert"):
            for batch in _upsert_batches(vectors):
                upserted += self._index.upsert(vectors=batch, namespace=namespace).upserted_count
        return upserted

    def query(
        self, namespace: str, vector: Sequence[float], top_k: int = 5, where: dict[str, Any] | None = None
    ) -> list[VectorMatch]:
        check_namespace(namespace)
        with self._call("query"):
            res = self._index.query(
                vector=[float(v) for v in vector],
                top_k=top_k,
                namespace=namespace,
                filter=_to_filter(where),
                include_metadata=True,
            )
        out = []
        for m in res.matches or []:
            meta = {k: _from_pinecone_value(v) for k, v in (m.metadata or {}).items()}
            doc = str(meta.pop(DOCUMENT_FIELD, ""))
            out.append(VectorMatch(id=m.id, score=float(m.score), metadata=meta, document=doc))
        return out

    def delete(self, namespace: str, ids: Sequence[str]) -> None:
        check_namespace(namespace)
        ids = list(ids)
        with self._call("delete"):
            for start in range(0, len(ids), MAX_DELETE_IDS):
                self._index.delete(ids=ids[start : start + MAX_DELETE_IDS], namespace=namespace)

    def count(self, namespace: str) -> int:
        # Pinecone's stats are eventually consistent: a fresh upsert may take a moment to be counted.
        check_namespace(namespace)
        with self._call("describe_index_stats"):
            stats = self._index.describe_index_stats()
        ns = (stats.namespaces or {}).get(namespace)
        return int(ns.vector_count) if ns else 0

    def clear(self, namespace: str) -> None:
        from pinecone.errors.exceptions import NotFoundError

        check_namespace(namespace)
        # A serverless index may answer 404 for a namespace that holds nothing yet.
        with self._call("delete all"), contextlib.suppress(NotFoundError):
            self._index.delete(delete_all=True, namespace=namespace)

    def health(self) -> str:
        try:
            with self._call("health check"):
                self._index.describe_index_stats()
            return "ok"
        except Exception as exc:  # health reports, never raises
            return f"error: {type(exc).__name__}: {exc}"[:300]

    def close(self) -> None:
        """Release the SDK's HTTP connection pool."""
        self._index.close()
