"""The ONNX embedder on the real bundled model: shapes, pooling, truncation, threads, backend choice."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from pydantic import ValidationError

from talentsync.config import Settings
from talentsync.embeddings import EMBEDDING_DIM, MAX_TOKENS, OnnxEmbedder, default_embedder, load_embedder
from talentsync.providers import build_embedder

TEXTS = [
    "What is the GIL?",
    "I led the migration of our payments service to PostgreSQL and cut p95 latency by forty percent "
    "over six weeks, rolling it out behind a flag to five percent of traffic first.",
    "Idempotency keys.",
    "We measured it for two weeks before we called it done.",
]


@pytest.fixture(scope="module")
def onnx() -> OnnxEmbedder:
    embedder = default_embedder("onnx")
    assert isinstance(embedder, OnnxEmbedder)
    return embedder


def test_vectors_are_normalised_float32_rows_in_input_order(onnx):
    vectors = onnx.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), EMBEDDING_DIM)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # The batch is sorted by length inside; each row must still belong to its own text.
    one_by_one = np.vstack([onnx.embed([t]) for t in TEXTS])
    np.testing.assert_allclose((vectors * one_by_one).sum(axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[2]) < 0.9


def test_empty_input_and_empty_text(onnx):
    assert onnx.embed([]).shape == (0, EMBEDDING_DIM)
    vec = onnx.embed([""])
    assert vec.shape == (1, EMBEDDING_DIM) and np.isfinite(vec).all()


def test_padding_does_not_change_a_vector(onnx):
    # A short text batched with a long one is padded; the attention mask must keep the pad out of the mean.
    alone = onnx.embed([TEXTS[2]])[0]
    padded = onnx.embed([TEXTS[2], TEXTS[1] * 3])[0]
    assert float(alone @ padded) > 0.9999


def test_truncates_at_256_tokens_like_sentence_transformers(onnx):
    words = [f"word{i % 50}" for i in range(600)]
    head = " ".join(words[:400])
    assert len(onnx._tokenizer.encode(head).ids) == MAX_TOKENS
    # Texts that differ only past token 256 embed the same ...
    a, b = onnx.embed([head + " apples and pears " * 30, head + " the kubernetes scheduler " * 30])
    assert float(a @ b) > 0.9999
    # ... but a difference between tokens 128 and 256 counts (the tokenizer file alone cuts at 128).
    short = " ".join(words[:70])
    assert 128 < len(onnx._tokenizer.encode(short).ids) < 200
    c, d = onnx.embed([short + " apples and pears " * 20, short + " the kubernetes scheduler " * 20])
    assert float(c @ d) < 0.99


def test_concurrent_calls_from_threads_match_sequential(onnx):
    texts = [f"{t} (variant {i})" for i in range(6) for t in TEXTS]
    expected = onnx.embed(texts)
    results: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(k: int) -> None:
        try:
            start.wait()
            for _ in range(5):
                results[k] = onnx.embed(texts[k::6])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for k in range(6):
        np.testing.assert_allclose(results[k], expected[k::6], atol=1e-5)


def test_settings_choose_the_backend():
    assert Settings().embedder == "onnx"
    assert Settings(embedder="torch").embedder == "torch"
    with pytest.raises(ValidationError):
        Settings(embedder="tensorflow")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Settings(embedder_threads=0)
    with pytest.raises(ValueError, match="unknown embedder backend"):
        load_embedder("tensorflow")  # type: ignore[arg-type]


def test_onnx_model_is_shared_even_when_a_dedicated_copy_is_asked_for(onnx):
    # An ONNX session runs concurrent calls itself; a second copy would only cost memory.
    settings = Settings(embedder="onnx")
    assert build_embedder(settings) is onnx
    assert build_embedder(settings, dedicated=True) is onnx


def test_model_path_may_name_a_directory_or_the_onnx_file(onnx, tmp_path):
    from talentsync.embeddings.onnx_backend import bundled_onnx_model, bundled_tokenizer

    (tmp_path / "model.onnx").symlink_to(bundled_onnx_model())
    (tmp_path / "tokenizer.json").symlink_to(bundled_tokenizer())
    for path in (tmp_path, tmp_path / "model.onnx"):
        other = OnnxEmbedder(path)
        np.testing.assert_allclose(other.embed(TEXTS), onnx.embed(TEXTS), atol=1e-5)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RuntimeError, match=r"no \.onnx model"):
        OnnxEmbedder(empty)
