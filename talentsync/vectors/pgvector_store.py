"""pgvector tables (HNSW, cosine), one per namespace; metadata filters use JSONB containment."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from talentsync.db.models import VECTOR_NAMESPACES
from talentsync.vectors.base import VectorMatch, VectorRecord, check_namespace


def _vec_literal(values: Sequence[float]) -> str:
    return "[" + ",".join(f"{float(v):.7g}" for v in values) + "]"


class PgVectorStore:
    name = "pgvector"

    def __init__(self, engine: Engine, ef_search: int = 64) -> None:
        self._engine = engine
        self._ef_search = ef_search

    def upsert(self, namespace: str, records: Sequence[VectorRecord]) -> int:
        check_namespace(namespace)
        if not records:
            return 0
        table = VECTOR_NAMESPACES[namespace]
        rows = [
            {
                "id": r.id,
                "embedding": _vec_literal(r.values),
                "metadata": json.dumps(r.metadata),
                "document": r.document,
            }
            for r in records
        ]
        # Deterministic ids make re-runs (activity retries, re-seeding) overwrite, never duplicate.
        sql = text(
            f"INSERT INTO {table} (id, embedding, metadata, document, updated_at) "  # noqa: S608 - fixed table names
            "VALUES (:id, CAST(:embedding AS vector), CAST(:metadata AS jsonb), :document, now()) "
            "ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding, metadata = EXCLUDED.metadata, "
            "document = EXCLUDED.document, updated_at = now()"
        )
        with self._engine.begin() as conn:
            conn.execute(sql, rows)
        return len(rows)

    def query(
        self, namespace: str, vector: Sequence[float], top_k: int = 5, where: dict[str, Any] | None = None
    ) -> list[VectorMatch]:
        check_namespace(namespace)
        table = VECTOR_NAMESPACES[namespace]
        params: dict[str, Any] = {"q": _vec_literal(vector), "k": top_k}
        clause = ""
        if where:
            clause = "WHERE metadata @> CAST(:where AS jsonb)"
            params["where"] = json.dumps(where)
        sql = text(
            f"SELECT id, 1 - (embedding <=> CAST(:q AS vector)) AS score, metadata, document FROM {table} "  # noqa: S608
            f"{clause} ORDER BY embedding <=> CAST(:q AS vector) LIMIT :k"
        )
        with self._engine.begin() as conn:
            # Filtered HNSW scans can return too few rows; iterative scan keeps searching (pgvector >= 0.8).
            conn.execute(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
            conn.execute(text(f"SET LOCAL hnsw.ef_search = {int(self._ef_search)}"))
            rows = conn.execute(sql, params).all()
        return [
            VectorMatch(id=r.id, score=float(r.score), metadata=dict(r.metadata), document=r.document) for r in rows
        ]

    def delete(self, namespace: str, ids: Sequence[str]) -> None:
        check_namespace(namespace)
        if not ids:
            return
        with self._engine.begin() as conn:
            conn.execute(
                text(f"DELETE FROM {VECTOR_NAMESPACES[namespace]} WHERE id = ANY(:ids)"),  # noqa: S608
                {"ids": list(ids)},
            )

    def count(self, namespace: str) -> int:
        check_namespace(namespace)
        with self._engine.connect() as conn:
            table = VECTOR_NAMESPACES[namespace]
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608

    def clear(self, namespace: str) -> None:
        check_namespace(namespace)
        with self._engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {VECTOR_NAMESPACES[namespace]}"))  # noqa: S608 - fixed table names

    def health(self) -> str:
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT '[1,2,3]'::vector"))
            return "ok"
        except Exception as exc:  # health reports, never raises
            return f"error: {type(exc).__name__}: {exc}"[:200]
