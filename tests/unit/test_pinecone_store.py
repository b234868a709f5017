"""PineconeVectorStore through the real `pinecone` SDK against a fake data plane on 127.0.0.1.

The contract tests run over both stores: Pinecone (the fake) always, pgvector (the real PostgreSQL
from `tests/conftest.py`, in a freshly migrated database of its own) under `-m integration`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest
from pinecone import Pinecone
from pinecone._internal.constants import DATA_PLANE_API_VERSION
from pinecone.errors.exceptions import ApiError, ServiceError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from talentsync.config import Settings
from talentsync.providers import build_vector_store
from talentsync.vectors.base import VectorMatch, VectorRecord, VectorStore
from talentsync.vectors.pgvector_store import PgVectorStore
from talentsync.vectors.pinecone_store import PineconeAuthError, PineconeVectorStore
from tests.fakes.pinecone_server import MAX_REQUEST_BYTES, FakePinecone, compile_filter, fake_pinecone

DIM = 384  # the pgvector tables are vector(384): the shipped MiniLM's dimension


def unit(rng: np.random.Generator, n: int = 1) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def followup_records(n: int, seed: int = 7) -> list[VectorRecord]:
    """Records shaped like `talentsync.bank.question_vector_records` makes for `followups`."""
    rng = np.random.default_rng(seed)
    vecs = unit(rng, n)
    domains = ("backend", "data", "behavioral")
    return [
        VectorRecord(
            id=f"fu-{i}",
            values=vecs[i].tolist(),
            metadata={
                "question_id": i % 10,
                "domain": domains[i % 3],
                "module": "backend-python",
                "type": "follow_up",
                "template_id": 1000 + i,
                "source": "pack",
            },
            document=f"trigger {i} follow-up text {i}",
        )
        for i in range(n)
    ]


def exact_top(records: list[VectorRecord], q: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[str]:
    keep = [r for r in records if all(r.metadata.get(key) == v for key, v in (where or {}).items())]
    scores = {r.id: float(np.dot(np.asarray(r.values), q) / np.linalg.norm(r.values) / np.linalg.norm(q)) for r in keep}
    return sorted(scores, key=lambda i: (-scores[i], i))[:k]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def fake() -> Iterator[FakePinecone]:
    with fake_pinecone(api_key="pc-test-key", dimension=DIM) as f:
        yield f


@pytest.fixture
def pinecone_store(fake: FakePinecone) -> Iterator[PineconeVectorStore]:
    store = PineconeVectorStore.connect(fake.api_key, fake.host)
    yield store
    store.close()


@pytest.fixture(scope="module")
def pg_engine(stack: Any) -> Iterator[Engine]:
    """A database of its own: the shared one is seeded with the packs' vectors."""
    import psycopg

    from talentsync.seed import migrate

    url = make_url(stack.database_url)
    name = f"vec_contract_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db_url = url.set(database=name).render_as_string(hide_password=False)
    migrate(db_url)
    engine = create_engine(db_url, pool_size=2)
    yield engine
    engine.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_store(pg_engine: Engine) -> PgVectorStore:
    with pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE vec_questions, vec_followups, vec_ideal_answers"))
    return PgVectorStore(pg_engine)


@pytest.fixture(params=["pinecone", pytest.param("pgvector", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest) -> VectorStore:
    return request.getfixturevalue("pinecone_store" if request.param == "pinecone" else "pg_store")  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- contract: both stores


def test_upsert_and_count_per_namespace(store: VectorStore) -> None:
    recs = followup_records(12)
    assert store.count("followups") == 0
    assert store.upsert("followups", recs) == 12
    assert store.upsert("questions", recs[:3]) == 3
    assert store.upsert("questions", []) == 0
    assert (store.count("followups"), store.count("questions"), store.count("ideal-answers")) == (12, 3, 0)


def test_query_ranks_by_cosine_and_round_trips_metadata(store: VectorStore) -> None:
    recs = followup_records(40)
    store.upsert("followups", recs)
    q = unit(np.random.default_rng(1))[0]
    matches = store.query("followups", q.tolist(), top_k=5)
    assert [m.id for m in matches] == exact_top(recs, q, 5)
    by_id = {r.id: r for r in recs}
    for m in matches:
        expected = float(np.dot(np.asarray(by_id[m.id].values), q))
        assert m.score == pytest.approx(expected, abs=1e-4)
        # Ids in metadata come back as ints on both stores (Pinecone sends doubles on the wire).
        assert m.metadata == by_id[m.id].metadata
        assert type(m.metadata["template_id"]) is int
        assert m.document == by_id[m.id].document
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_query_of_a_stored_vector_scores_one(store: VectorStore) -> None:
    recs = followup_records(10)
    store.upsert("followups", recs)
    [best] = store.query("followups", recs[4].values, top_k=1)
    assert best.id == "fu-4"
    assert best.score == pytest.approx(1.0, abs=1e-5)


def test_where_filters_like_find_follow_up(store: VectorStore) -> None:
    recs = followup_records(60)
    store.upsert("followups", recs)
    q = unit(np.random.default_rng(2))[0]
    where = {"question_id": 3, "domain": "backend"}  # the shape activities/ml.py sends
    matches = store.query("followups", q.tolist(), top_k=5, where=where)
    assert [m.id for m in matches] == exact_top(recs, q, 5, where)
    assert matches and all(m.metadata["question_id"] == 3 and m.metadata["domain"] == "backend" for m in matches)
    only_data = store.query("followups", q.tolist(), top_k=100, where={"domain": "data"})
    assert [m.id for m in only_data] == exact_top(recs, q, 100, {"domain": "data"})
    assert len(only_data) == 20
    assert store.query("followups", q.tolist(), top_k=5, where={"domain": "no-such-domain"}) == []


def test_where_with_a_list_means_contains_every_element(store: VectorStore) -> None:
    rng = np.random.default_rng(3)
    tags = {"t-ab": ["a", "b"], "t-abc": ["a", "b", "c"], "t-a": ["a"], "t-bc": ["b", "c"]}
    vecs = unit(rng, len(tags))
    store.upsert(
        "questions",
        [VectorRecord(k, vecs[i].tolist(), {"tags": v}, k) for i, (k, v) in enumerate(tags.items())],
    )
    got = store.query("questions", vecs[0].tolist(), top_k=10, where={"tags": ["a", "b"]})
    assert sorted(m.id for m in got) == ["t-ab", "t-abc"]
    assert {m.id: m.metadata["tags"] for m in got} == {"t-ab": ["a", "b"], "t-abc": ["a", "b", "c"]}


def test_upsert_same_id_overwrites(store: VectorStore) -> None:
    recs = followup_records(5)
    store.upsert("followups", recs)
    moved = VectorRecord("fu-0", recs[3].values, {"domain": "data", "template_id": 77}, "rewritten")
    store.upsert("followups", [moved])
    assert store.count("followups") == 5
    top = store.query("followups", recs[3].values, top_k=2)
    assert {m.id for m in top} == {"fu-0", "fu-3"}
    [m0] = [m for m in top if m.id == "fu-0"]
    assert (m0.metadata, m0.document) == ({"domain": "data", "template_id": 77}, "rewritten")


def test_delete(store: VectorStore) -> None:
    recs = followup_records(10)
    store.upsert("followups", recs)
    store.delete("followups", ["fu-1", "fu-2", "not-there"])
    store.delete("followups", [])
    assert store.count("followups") == 8
    ids = {m.id for m in store.query("followups", recs[1].values, top_k=20)}
    assert ids == {f"fu-{i}" for i in range(10)} - {"fu-1", "fu-2"}
    store.delete("followups", [r.id for r in recs])
    assert store.count("followups") == 0
    assert store.query("followups", recs[1].values, top_k=3) == []


def test_clear_empties_one_namespace(store: VectorStore) -> None:
    recs = followup_records(150)  # more than one upsert request's worth
    store.upsert("followups", recs)
    store.upsert("questions", recs[:4])
    store.clear("followups")
    assert (store.count("followups"), store.count("questions")) == (0, 4)
    assert store.query("followups", recs[0].values, top_k=3) == []
    store.clear("followups")  # already empty: not an error
    store.clear("ideal-answers")  # never written: not an error
    assert store.count("questions") == 4


@pytest.mark.parametrize("call", ["upsert", "query", "delete", "count"])
def test_unknown_namespace_is_refused(store: VectorStore, call: str) -> None:
    recs = followup_records(1)
    calls = {
        "upsert": lambda: store.upsert("follow-ups", recs),
        "query": lambda: store.query("follow-ups", recs[0].values),
        "delete": lambda: store.delete("follow-ups", ["fu-0"]),
        "count": lambda: store.count("follow-ups"),
    }
    with pytest.raises(ValueError, match="unknown vector namespace"):
        calls[call]()


def test_health_ok(store: VectorStore) -> None:
    assert store.health() == "ok"


@pytest.mark.integration
def test_same_results_as_pgvector(pinecone_store: PineconeVectorStore, pg_store: PgVectorStore) -> None:
    recs = followup_records(300, seed=11)
    for s in (pinecone_store, pg_store):
        assert s.upsert("followups", recs) == 300
    rng = np.random.default_rng(12)
    queries = unit(rng, 12)
    wheres: list[dict[str, Any] | None] = [None, {"domain": "data"}, {"question_id": 4, "domain": "backend"}]
    for i, q in enumerate(queries):
        where = wheres[i % len(wheres)]
        a = pinecone_store.query("followups", q.tolist(), top_k=5, where=where)
        b = pg_store.query("followups", q.tolist(), top_k=5, where=where)
        assert [m.id for m in a] == [m.id for m in b], where
        for ma, mb in zip(a, b, strict=True):
            assert ma.score == pytest.approx(mb.score, abs=1e-4)
            assert (ma.metadata, ma.document) == (mb.metadata, mb.document)
    assert pinecone_store.count("followups") == pg_store.count("followups") == 300


# --------------------------------------------------------------------------- Pinecone specifics


def test_requests_on_the_wire(fake: FakePinecone, pinecone_store: PineconeVectorStore) -> None:
    recs = followup_records(3)
    pinecone_store.upsert("followups", recs)
    pinecone_store.query("followups", recs[0].values, top_k=2, where={"question_id": 1, "domain": "data"})
    pinecone_store.count("followups")
    pinecone_store.delete("followups", ["fu-0"])
    assert [(r.method, r.path, r.status) for r in fake.requests] == [
        ("POST", "/vectors/upsert", 200),
        ("POST", "/query", 200),
        ("POST", "/describe_index_stats", 200),
        ("POST", "/vectors/delete", 200),
    ]
    for r in fake.requests:
        assert r.headers["api-key"] == "pc-test-key"
        assert r.headers["x-pinecone-api-version"] == DATA_PLANE_API_VERSION
        assert r.headers["content-type"] == "application/json"
    upsert, query, _, delete = (r.body for r in fake.requests)
    assert upsert["namespace"] == "followups"
    assert upsert["vectors"][0]["metadata"] == {**recs[0].metadata, "document": recs[0].document}
    assert query["topK"] == 2 and query["includeMetadata"] is True and query["namespace"] == "followups"
    flt = compile_filter(query["filter"])  # the fake's reading of Pinecone filter semantics
    assert flt({"question_id": 1.0, "domain": "data", "module": "m"})
    assert not flt({"question_id": 1.0, "domain": "backend"}) and not flt({"question_id": 2.0, "domain": "data"})
    assert delete == {"namespace": "followups", "ids": ["fu-0"]}


def test_numbers_are_doubles_on_the_wire_but_ints_for_callers(
    fake: FakePinecone, pinecone_store: PineconeVectorStore
) -> None:
    recs = followup_records(1)
    pinecone_store.upsert("followups", recs)
    raw = httpx.post(
        f"{fake.host}/query",
        headers={"Api-Key": fake.api_key},
        json={"topK": 1, "vector": list(recs[0].values), "namespace": "followups", "includeMetadata": True},
    ).json()
    assert raw["matches"][0]["metadata"]["template_id"] == 1000.0
    assert isinstance(raw["matches"][0]["metadata"]["template_id"], float)
    [m] = pinecone_store.query("followups", recs[0].values, top_k=1)
    assert m.metadata["template_id"] == 1000 and type(m.metadata["template_id"]) is int


def test_null_metadata_is_stripped_and_where_none_means_absent(pinecone_store: PineconeVectorStore) -> None:
    rng = np.random.default_rng(5)
    v = unit(rng, 2)
    pinecone_store.upsert(
        "questions",
        [
            VectorRecord("with-parent", v[0].tolist(), {"parent": "q-1"}, "a"),
            VectorRecord("no-parent", v[1].tolist(), {"parent": None}, "b"),
        ],
    )
    [m] = pinecone_store.query("questions", v[0].tolist(), top_k=5, where={"parent": None})
    assert (m.id, m.metadata) == ("no-parent", {})


def test_large_upserts_are_split_under_the_request_caps(
    fake: FakePinecone, pinecone_store: PineconeVectorStore
) -> None:
    # 120 ideal answers of ~15 KB: one 100-vector request would be ~2.4 MB, over Pinecone's 2 MB.
    rng = np.random.default_rng(6)
    vecs = unit(rng, 120)
    recs = [VectorRecord(f"ia-{i}", vecs[i].tolist(), {"question_id": i}, "x" * 15_000) for i in range(120)]
    assert pinecone_store.upsert("ideal-answers", recs) == 120
    sent = fake.requests_to("/vectors/upsert")
    assert len(sent) >= 2 and all(r.status == 200 for r in sent)
    assert all(len(json.dumps(r.body)) < MAX_REQUEST_BYTES and len(r.body["vectors"]) <= 100 for r in sent)
    assert sum(len(r.body["vectors"]) for r in sent) == 120
    assert pinecone_store.count("ideal-answers") == 120


def test_many_small_records_batch_at_100_and_deletes_at_1000(
    fake: FakePinecone, pinecone_store: PineconeVectorStore
) -> None:
    recs = followup_records(1200)
    assert pinecone_store.upsert("followups", recs) == 1200
    assert [len(r.body["vectors"]) for r in fake.requests_to("/vectors/upsert")] == [100] * 12
    pinecone_store.delete("followups", [r.id for r in recs])
    deletes = fake.requests_to("/vectors/delete")
    assert [(len(r.body["ids"]), r.status) for r in deletes] == [(1000, 200), (200, 200)]
    assert pinecone_store.count("followups") == 0


def test_a_503_is_retried_by_the_sdk(fake: FakePinecone, pinecone_store: PineconeVectorStore) -> None:
    recs = followup_records(5)
    fake.fail_next(503, path="/vectors/upsert")
    assert pinecone_store.upsert("followups", recs) == 5
    fake.fail_next(503, path="/query")
    matches = pinecone_store.query("followups", recs[2].values, top_k=1)
    assert matches[0].id == "fu-2"
    assert [r.status for r in fake.requests_to("/vectors/upsert")] == [503, 200]
    assert [r.status for r in fake.requests_to("/query")] == [503, 200]
    assert pinecone_store.count("followups") == 5


def test_a_503_that_persists_surfaces_after_the_sdk_gives_up(
    fake: FakePinecone, pinecone_store: PineconeVectorStore
) -> None:
    fake.fail_next(503, times=10, path="/describe_index_stats", retry_after=0)
    with pytest.raises(ServiceError) as err:
        pinecone_store.count("followups")
    assert err.value.status_code == 503
    assert len(fake.requests_to("/describe_index_stats")) == 4  # 1 try + the SDK's 3 retries
    assert pinecone_store.health().startswith("error: ServiceError: [503]")


def test_wrong_api_key_is_a_clear_error(fake: FakePinecone) -> None:
    store = PineconeVectorStore.connect("pc-wrong-key", fake.host)
    try:
        recs = followup_records(2)
        with pytest.raises(PineconeAuthError, match=r"refused the API key.*\[401\].*PINECONE_API_KEY") as err:
            store.upsert("followups", recs)
        assert fake.host in str(err.value)
        with pytest.raises(PineconeAuthError):
            store.query("followups", recs[0].values)
        assert store.health().startswith("error: PineconeAuthError: Pinecone refused the API key")
        assert [r.status for r in fake.requests] == [401, 401, 401]  # a 401 is not retried
        assert fake.stored("followups") == {}
    finally:
        store.close()


def test_server_side_rejections_reach_the_caller(pinecone_store: PineconeVectorStore) -> None:
    with pytest.raises(ApiError, match="dimension 3 does not match") as err:
        pinecone_store.upsert("questions", [VectorRecord("q-1", [0.1, 0.2, 0.3], {}, "short")])
    assert err.value.status_code == 400
    with pytest.raises(ValueError, match="nested object"):
        pinecone_store.query("questions", [1.0] * DIM, where={"meta": {"a": 1}})


def test_fake_refuses_missing_key_and_malformed_bodies(fake: FakePinecone) -> None:
    ok = {"Api-Key": fake.api_key}
    assert httpx.post(f"{fake.host}/describe_index_stats", json={}).status_code == 401
    assert httpx.post(f"{fake.host}/describe_index_stats", json={}, headers=ok).status_code == 200
    bad = [
        b"{not json",
        b"[1, 2]",
        json.dumps({"top_k": 3, "vector": [1.0] * DIM}).encode(),  # snake_case is not the wire format
        json.dumps({"topK": 0, "vector": [1.0] * DIM}).encode(),
        json.dumps({"topK": 3}).encode(),
        json.dumps({"topK": 3, "vector": [1.0] * DIM, "filter": {"x": {"$regex": "a"}}}).encode(),
    ]
    for body in bad:
        r = httpx.post(f"{fake.host}/query", content=body, headers=ok)
        assert r.status_code == 400, body
        assert r.json()["code"] == 3 and r.json()["message"]
    nested = {"vectors": [{"id": "a", "values": [1.0] * DIM, "metadata": {"x": {"y": 1}}}]}
    assert httpx.post(f"{fake.host}/vectors/upsert", json=nested, headers=ok).status_code == 400
    assert httpx.post(f"{fake.host}/nope", json={}, headers=ok).status_code == 404


def test_fake_filter_operators_through_the_sdk(fake: FakePinecone) -> None:
    idx = Pinecone(api_key=fake.api_key).Index(host=fake.host)
    try:
        rng = np.random.default_rng(9)
        v = unit(rng, 4)
        idx.upsert(
            vectors=[
                {"id": "a", "values": v[0].tolist(), "metadata": {"n": 1, "g": "x", "tags": ["p", "q"]}},
                {"id": "b", "values": v[1].tolist(), "metadata": {"n": 2, "g": "y", "tags": ["q"]}},
                {"id": "c", "values": v[2].tolist(), "metadata": {"n": 3, "g": "x", "flag": True}},
                {"id": "d", "values": v[3].tolist(), "metadata": {"n": 4, "g": "z"}},
            ],
            namespace="t",
        )

        def ids(flt: dict[str, Any]) -> list[str]:
            res = idx.query(vector=v[0].tolist(), top_k=10, namespace="t", filter=flt)
            return sorted(m.id for m in res.matches)

        assert ids({"g": {"$eq": "x"}}) == ["a", "c"]
        assert ids({"g": "x"}) == ["a", "c"]  # shorthand
        assert ids({"g": {"$in": ["y", "z"]}}) == ["b", "d"]
        assert ids({"g": {"$nin": ["y", "z"]}}) == ["a", "c"]
        assert ids({"g": {"$ne": "x"}}) == ["b", "d"]
        assert ids({"n": {"$gte": 2, "$lt": 4}}) == ["b", "c"]
        assert ids({"$and": [{"g": "x"}, {"n": {"$gt": 1}}]}) == ["c"]
        assert ids({"$or": [{"g": "y"}, {"n": {"$eq": 4}}]}) == ["b", "d"]
        assert ids({"tags": {"$eq": "q"}}) == ["a", "b"]  # list field: any element
        assert ids({"tags": {"$in": ["p"]}}) == ["a"]
        assert ids({"flag": {"$exists": True}}) == ["c"]
        assert ids({"flag": True}) == ["c"]
        assert ids({"n": True}) == []  # booleans are not numbers
        stats = idx.describe_index_stats()
        assert stats.namespaces["t"].vector_count == 4 and stats.dimension == DIM
        idx.delete(filter={"g": {"$eq": "x"}}, namespace="t")
        assert ids({"n": {"$gt": 0}}) == ["b", "d"]
        idx.delete(delete_all=True, namespace="t")
        assert "t" not in idx.describe_index_stats().namespaces
    finally:
        idx.close()


# --------------------------------------------------------------------------- provider selection


def test_build_vector_store_selects_pinecone_when_configured(fake: FakePinecone) -> None:
    settings = Settings(_env_file=None, pinecone_api_key=fake.api_key, pinecone_host=fake.host)  # type: ignore[call-arg,arg-type]
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/unused")  # never connected
    store = build_vector_store(settings, engine)
    assert isinstance(store, PineconeVectorStore) and store.name == "pinecone"
    try:
        assert store.upsert("questions", followup_records(2)) == 2
        assert store.count("questions") == 2
        assert fake.requests and all(r.headers["api-key"] == fake.api_key for r in fake.requests)
        assert isinstance(store.query("questions", followup_records(2)[0].values, top_k=1)[0], VectorMatch)
    finally:
        store.close()


def test_build_vector_store_defaults_to_pgvector() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/unused")
    store = build_vector_store(settings, engine)
    assert isinstance(store, PgVectorStore) and store.name == "pgvector"


@pytest.mark.parametrize(("key", "host"), [("pc-key", None), (None, "http://127.0.0.1:9"), ("", "http://127.0.0.1:9")])
def test_half_a_pinecone_configuration_is_refused(key: str | None, host: str | None) -> None:
    with pytest.raises(ValueError, match="PINECONE_API_KEY and PINECONE_HOST"):
        Settings(_env_file=None, pinecone_api_key=key, pinecone_host=host)  # type: ignore[call-arg,arg-type]
