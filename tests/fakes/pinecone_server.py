"""A fake Pinecone data plane: one serverless dense index (cosine), in memory, on 127.0.0.1.

Shaped from what the real SDK (pinecone 10.x: `pinecone/index/__init__.py`,
`pinecone/_internal/http_client.py`) puts on the wire, not from what our adapter expects:

- every request carries `Api-Key` and `X-Pinecone-Api-Version`; bodies are JSON with camelCase keys;
- `POST /vectors/upsert`  `{"vectors": [{"id", "values", "metadata"?}], "namespace"?}` -> `{"upsertedCount"}`
- `POST /query`  `{"topK", "includeValues", "includeMetadata", "namespace"?, "vector" | "id", "filter"?}`
  -> `{"matches": [{"id", "score", "values", "metadata"?}], "namespace", "usage": {"readUnits"}}`
- `GET /vectors/fetch?ids=a&ids=b&namespace=ns` -> `{"vectors": {id: {...}}, "namespace", "usage"}`
- `POST /vectors/delete`  `{"namespace", "ids" | "deleteAll" | "filter"}` -> `{}`
- `POST /describe_index_stats`  `{}` -> `{"namespaces": {ns: {"vectorCount"}}, "dimension",
  "indexFullness", "totalVectorCount", "metric", "vectorType"}`; the default namespace is `__default__`.

Server rules it mirrors (the SDK's client-side validation quotes them from the server): metadata
values are strings, numbers, booleans or lists of strings; nulls are stripped on write; numbers are
doubles, so `5` comes back as `5.0`; ids are 1-512 ASCII characters; at most 1000 vectors per upsert
and 1000 ids per delete; 40 KB of metadata per vector; 2 MB per request (413). Errors use the gRPC
gateway body `{"code", "message", "details"}`. The fake is stricter than the service in one way on
purpose: unknown body fields are a 400, so a request shaped differently from the SDK's shows up.
"""

from __future__ import annotations

import json
import logging
import math
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "__default__"
MAX_REQUEST_BYTES = 2 * 1024 * 1024
MAX_UPSERT_VECTORS = 1000
MAX_DELETE_IDS = 1000
MAX_METADATA_BYTES = 40 * 1024
MAX_TOP_K = 10_000
MAX_ID_LEN = 512

# gRPC status codes the data plane puts in error bodies.
_INVALID_ARGUMENT, _UNAUTHENTICATED, _UNAVAILABLE, _NOT_FOUND, _RESOURCE_EXHAUSTED = 3, 16, 14, 5, 8

_FIELD_OPS = frozenset({"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists"})
_LOGICAL_OPS = frozenset({"$and", "$or"})

Predicate = Callable[[dict[str, Any]], bool]


class _ApiError(Exception):
    def __init__(self, status: int, message: str, code: int = _INVALID_ARGUMENT) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


def _bad(message: str) -> _ApiError:
    return _ApiError(400, message)


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: Any  # parsed JSON, or None
    status: int = 0


@dataclass
class _Record:
    values: np.ndarray
    metadata: dict[str, Any]


# --------------------------------------------------------------------------- metadata filters


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_scalar(v: Any) -> bool:
    return isinstance(v, (str, bool)) or _is_number(v)


def _same(stored: Any, operand: Any) -> bool:
    if isinstance(stored, bool) or isinstance(operand, bool):
        return isinstance(stored, bool) and isinstance(operand, bool) and stored == operand
    if _is_number(stored) and _is_number(operand):
        return float(stored) == float(operand)
    return isinstance(stored, str) and isinstance(operand, str) and stored == operand


def _eq(stored: Any, operand: Any) -> bool:
    # A list-valued field matches when any element does (Pinecone's rule for string lists).
    if isinstance(stored, list):
        return any(_same(e, operand) for e in stored)
    return _same(stored, operand)


def _field_predicate(name: str, op: str, operand: Any) -> Predicate:
    if op in ("$eq", "$ne"):
        if not _is_scalar(operand):
            raise _bad(f"{op} operator for field {name!r} must be a string, number or boolean")
        if op == "$eq":
            return lambda md: name in md and _eq(md[name], operand)
        return lambda md: not (name in md and _eq(md[name], operand))
    if op in ("$in", "$nin"):
        if not isinstance(operand, list) or not all(_is_scalar(o) for o in operand):
            raise _bad(f"{op} operator for field {name!r} must be a list of strings, numbers or booleans")
        if op == "$in":
            return lambda md: name in md and any(_eq(md[name], o) for o in operand)
        return lambda md: not (name in md and any(_eq(md[name], o) for o in operand))
    if op in ("$gt", "$gte", "$lt", "$lte"):
        if not _is_number(operand):
            raise _bad(f"{op} operator for field {name!r} must be a number")
        cmp: Callable[[float, float], bool] = {
            "$gt": lambda a, b: a > b,
            "$gte": lambda a, b: a >= b,
            "$lt": lambda a, b: a < b,
            "$lte": lambda a, b: a <= b,
        }[op]
        return lambda md: _is_number(md.get(name)) and cmp(float(md[name]), float(operand))
    if op == "$exists":
        if not isinstance(operand, bool):
            raise _bad(f"$exists operator for field {name!r} must be a boolean")
        return lambda md: (name in md) == operand
    raise _bad(f"unknown filter operator {op!r} for field {name!r}")


def _logical(combine: Callable[[Iterator[bool]], bool], subs: list[Predicate]) -> Predicate:
    return lambda md: combine(s(md) for s in subs)


def compile_filter(flt: Any) -> Predicate:
    """Validate a Pinecone metadata filter and turn it into a predicate over a metadata dict."""
    if not isinstance(flt, dict):
        raise _bad("filter must be a JSON object")
    parts: list[Predicate] = []
    for key, value in flt.items():
        if key in _LOGICAL_OPS:
            if not isinstance(value, list) or not value:
                raise _bad(f"{key} operator must be a non-empty list of filters")
            parts.append(_logical(all if key == "$and" else any, [compile_filter(v) for v in value]))
        elif key.startswith("$"):
            raise _bad(f"unknown top-level filter operator {key!r}")
        elif isinstance(value, dict):
            if not value:
                raise _bad(f"empty operator object for field {key!r}")
            parts.extend(_field_predicate(key, op, operand) for op, operand in value.items())
        elif _is_scalar(value):  # shorthand for $eq
            parts.append(_field_predicate(key, "$eq", value))
        else:
            raise _bad(f"invalid filter value for field {key!r}")
    return lambda md: all(p(md) for p in parts)


# --------------------------------------------------------------------------- request validation


def _check_keys(body: dict[str, Any], allowed: set[str], what: str) -> None:
    unknown = set(body) - allowed
    if unknown:
        raise _bad(f"unknown field(s) in {what}: {sorted(unknown)}")


def _check_id(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LEN or not value.isascii() or "\x00" in value:
        raise _bad(f"invalid vector id {value!r}: ids are 1-{MAX_ID_LEN} ASCII characters")
    return value


def _metadata_for_storage(raw: Any, vid: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _bad(f"metadata of vector {vid!r} must be an object")
    out: dict[str, Any] = {}
    for k, v in raw.items():
        if v is None:
            continue  # the service strips nulls on write
        if isinstance(v, bool) or isinstance(v, str):
            out[k] = v
        elif _is_number(v):
            out[k] = float(v)  # stored as a double, like protobuf Struct
        elif isinstance(v, list) and all(isinstance(e, str) for e in v):
            out[k] = list(v)
        else:
            raise _bad(
                "Metadata value must be a string, number, boolean or list of strings, "
                f"got '{json.dumps(v)[:100]}' for field '{k}'"
            )
    size = len(json.dumps(out).encode())
    if size > MAX_METADATA_BYTES:
        raise _bad(f"Metadata size is {size} bytes, which exceeds the limit of {MAX_METADATA_BYTES} bytes per vector")
    return out


def _namespace(body: dict[str, Any]) -> str:
    ns = body.get("namespace", "")
    if not isinstance(ns, str):
        raise _bad("namespace must be a string")
    return "" if ns == DEFAULT_NAMESPACE else ns


# --------------------------------------------------------------------------- the fake index


class FakePinecone:
    """One fake index. Use as a context manager (starts and stops the HTTP server)."""

    def __init__(self, api_key: str = "fake-pinecone-key", dimension: int = 384) -> None:
        self.api_key = api_key
        self.dimension = dimension
        self.requests: list[RecordedRequest] = []
        self._namespaces: dict[str, dict[str, _Record]] = {}
        self._failures: list[tuple[str | None, int, float | None]] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle
    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        """What to pass as `Index(host=...)`: scheme spelled out, since the SDK defaults to https."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakePinecone:
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-pinecone", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> FakePinecone:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- test controls
    def fail_next(
        self, status: int = 503, times: int = 1, path: str | None = None, retry_after: float | None = None
    ) -> None:
        """Answer the next `times` requests (to `path`, if given) with `status`, changing nothing.

        `retry_after` adds a Retry-After header, which the SDK honours instead of its own backoff.
        """
        with self._lock:
            self._failures.extend([(path, status, retry_after)] * times)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def stored(self, namespace: str) -> dict[str, dict[str, Any]]:
        """What the index holds (values as lists), for assertions that bypass the API."""
        with self._lock:
            ns = self._namespaces.get(namespace, {})
            return {k: {"values": r.values.tolist(), "metadata": dict(r.metadata)} for k, r in ns.items()}

    # ---- request handling (transport-free, so it is easy to reason about)
    def handle(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        rec = RecordedRequest(method, path, query, headers, None)
        self.requests.append(rec)
        status, payload, extra = self._handle(rec, raw)
        rec.status = status
        return status, payload, extra

    def _handle(self, rec: RecordedRequest, raw: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        if rec.headers.get("api-key") != self.api_key:
            return (
                401,
                {"code": _UNAUTHENTICATED, "message": "API key is missing or invalid", "details": []},
                {"www-authenticate": "API key is missing or invalid"},
            )
        with self._lock:
            for i, (fpath, fstatus, retry_after) in enumerate(self._failures):
                if fpath is None or fpath == rec.path:
                    del self._failures[i]
                    msg = {"code": _UNAVAILABLE, "message": "fake: injected failure", "details": []}
                    return fstatus, msg, ({"retry-after": str(retry_after)} if retry_after is not None else {})
        routes: dict[tuple[str, str], Callable[[Any, RecordedRequest], dict[str, Any]]] = {
            ("POST", "/vectors/upsert"): self._upsert,
            ("POST", "/query"): self._query,
            ("GET", "/vectors/fetch"): self._fetch,
            ("POST", "/vectors/delete"): self._delete,
            ("POST", "/describe_index_stats"): self._stats,
        }
        route = routes.get((rec.method, rec.path))
        if route is None:
            known = {p for _, p in routes}
            status = 405 if rec.path in known else 404
            return status, {"code": _NOT_FOUND, "message": f"{rec.method} {rec.path} not found", "details": []}, {}
        try:
            if len(raw) > MAX_REQUEST_BYTES:
                raise _ApiError(
                    413,
                    f"Request size {len(raw)} bytes exceeds the maximum supported size of {MAX_REQUEST_BYTES} bytes",
                    _RESOURCE_EXHAUSTED,
                )
            body: Any = None
            if rec.method == "POST":
                try:
                    body = json.loads(raw or b"null")
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise _bad(f"malformed JSON body: {exc}") from exc
                if not isinstance(body, dict):
                    raise _bad("request body must be a JSON object")
                rec.body = body
            with self._lock:
                return 200, route(body, rec), {}
        except _ApiError as exc:
            return exc.status, {"code": exc.code, "message": exc.message, "details": []}, {}

    def _vector(self, raw: Any, what: str) -> np.ndarray:
        if not isinstance(raw, list) or not all(_is_number(v) and math.isfinite(v) for v in raw):
            raise _bad(f"{what} must be a list of finite numbers")
        if len(raw) != self.dimension:
            raise _bad(f"Vector dimension {len(raw)} does not match the dimension of the index {self.dimension}")
        vec = np.asarray(raw, dtype=np.float32)  # the service stores float32
        if not np.any(vec):
            raise _bad("Dense vectors must contain at least one non-zero value")
        return vec

    def _upsert(self, body: dict[str, Any], rec: RecordedRequest) -> dict[str, Any]:
        _check_keys(body, {"vectors", "namespace"}, "upsert request")
        vectors = body.get("vectors")
        if not isinstance(vectors, list) or not vectors:
            raise _bad("vectors must be a non-empty list")
        if len(vectors) > MAX_UPSERT_VECTORS:
            raise _bad(f"Batch size {len(vectors)} exceeds the maximum of {MAX_UPSERT_VECTORS} vectors per upsert")
        staged: list[tuple[str, _Record]] = []
        for v in vectors:  # validate everything first: a bad vector fails the whole batch
            if not isinstance(v, dict):
                raise _bad("each vector must be an object")
            _check_keys(v, {"id", "values", "metadata"}, "vector")
            vid = _check_id(v.get("id"))
            values = self._vector(v.get("values"), f"values of {vid!r}")
            staged.append((vid, _Record(values, _metadata_for_storage(v.get("metadata"), vid))))
        ns = self._namespaces.setdefault(_namespace(body), {})
        for vid, r in staged:
            ns[vid] = r
        return {"upsertedCount": len(staged)}

    def _query(self, body: dict[str, Any], rec: RecordedRequest) -> dict[str, Any]:
        _check_keys(
            body, {"topK", "includeValues", "includeMetadata", "namespace", "vector", "id", "filter"}, "query request"
        )
        top_k = body.get("topK")
        if not isinstance(top_k, int) or isinstance(top_k, bool) or not 1 <= top_k <= MAX_TOP_K:
            raise _bad(f"topK must be an integer from 1 to {MAX_TOP_K}")
        for flag in ("includeValues", "includeMetadata"):
            if not isinstance(body.get(flag, False), bool):
                raise _bad(f"{flag} must be a boolean")
        if ("vector" in body) == ("id" in body):
            raise _bad("exactly one of vector or id must be provided")
        predicate = compile_filter(body["filter"]) if body.get("filter") is not None else None
        ns_name = _namespace(body)
        ns = self._namespaces.get(ns_name, {})
        if "id" in body:
            stored = ns.get(_check_id(body["id"]))
            if stored is None:
                return {"matches": [], "namespace": body.get("namespace", ""), "usage": {"readUnits": 1}}
            q = stored.values
        else:
            q = self._vector(body["vector"], "vector")
        ids = [k for k, r in ns.items() if predicate is None or predicate(r.metadata)]
        matches: list[dict[str, Any]] = []
        if ids:
            m = np.stack([ns[k].values for k in ids]).astype(np.float64)
            qv = q.astype(np.float64)
            scores = (m @ qv) / (np.linalg.norm(m, axis=1) * np.linalg.norm(qv))
            order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))[:top_k]
            for i in order:
                r = ns[ids[i]]
                match: dict[str, Any] = {
                    "id": ids[i],
                    "score": float(np.float32(scores[i])),
                    "values": r.values.tolist() if body.get("includeValues") else [],
                }
                if body.get("includeMetadata"):
                    match["metadata"] = dict(r.metadata)
                matches.append(match)
        return {"results": [], "matches": matches, "namespace": body.get("namespace", ""), "usage": {"readUnits": 5}}

    def _fetch(self, body: None, rec: RecordedRequest) -> dict[str, Any]:
        ids = rec.query.get("ids") or []
        if not ids:
            raise _bad("ids query parameter is required")
        namespaces = rec.query.get("namespace") or [""]
        ns_name = "" if namespaces[0] == DEFAULT_NAMESPACE else namespaces[0]
        ns = self._namespaces.get(ns_name, {})
        vectors = {
            i: {"id": i, "values": ns[i].values.tolist(), "metadata": dict(ns[i].metadata)}
            for i in map(_check_id, ids)
            if i in ns
        }
        return {"vectors": vectors, "namespace": namespaces[0], "usage": {"readUnits": 1}}

    def _delete(self, body: dict[str, Any], rec: RecordedRequest) -> dict[str, Any]:
        _check_keys(body, {"ids", "deleteAll", "filter", "namespace"}, "delete request")
        selectors = [k for k in ("ids", "deleteAll", "filter") if body.get(k) not in (None, False)]
        if len(selectors) != 1:
            raise _bad("exactly one of ids, deleteAll or filter must be provided")
        ns_name = _namespace(body)
        ns = self._namespaces.get(ns_name, {})
        if "ids" in selectors:
            ids = body["ids"]
            if not isinstance(ids, list) or not ids:
                raise _bad("ids must be a non-empty list")
            if len(ids) > MAX_DELETE_IDS:
                raise _bad(f"Cannot delete more than {MAX_DELETE_IDS} ids in one request, got {len(ids)}")
            for i in ids:
                ns.pop(_check_id(i), None)
        elif "deleteAll" in selectors:
            ns.clear()
        else:
            predicate = compile_filter(body["filter"])
            for k in [k for k, r in ns.items() if predicate(r.metadata)]:
                del ns[k]
        if not ns:
            self._namespaces.pop(ns_name, None)  # an emptied namespace drops out of the stats
        return {}

    def _stats(self, body: dict[str, Any], rec: RecordedRequest) -> dict[str, Any]:
        _check_keys(body, {"filter"}, "describe_index_stats request")
        if body.get("filter"):
            raise _bad("describe_index_stats does not support a filter on serverless indexes")
        namespaces = {
            (name or DEFAULT_NAMESPACE): {"vectorCount": len(ns)} for name, ns in self._namespaces.items() if ns
        }
        return {
            "namespaces": namespaces,
            "dimension": self.dimension,
            "indexFullness": 0.0,
            "totalVectorCount": sum(v["vectorCount"] for v in namespaces.values()),
            "metric": "cosine",
            "vectorType": "dense",
        }


# --------------------------------------------------------------------------- HTTP transport


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], fake: FakePinecone) -> None:
        self.fake = fake
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(address, handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, addr = super().get_request()
        with self._conns_lock:
            self._conns.add(conn)
        return conn, addr

    def shutdown_request(self, request: Any) -> None:
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        # Keep-alive connections would otherwise hold handler threads open after stop().
        with self._conns_lock:
            conns, self._conns = list(self._conns), set()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's httpx pool expects
    server: _Server

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload, extra = self.server.fake.handle(self.command, parts.path, parse_qs(parts.query), headers, raw)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-pinecone-request-id", f"fake-{len(self.server.fake.requests)}")
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("fake pinecone: " + format, *args)


@contextmanager
def fake_pinecone(api_key: str = "fake-pinecone-key", dimension: int = 384) -> Iterator[FakePinecone]:
    with FakePinecone(api_key=api_key, dimension=dimension) as fake:
        yield fake
