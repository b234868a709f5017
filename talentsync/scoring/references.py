"""Question-side vectors for scoring, embedded once per process and shared by every candidate.

A question's *fit profile* (its text, paraphrases and the centroids of its strong answers) says
what answering it looks like; its *listening points* carry the example sentences that count as
evidence. Both are embedded in calls whose inputs depend only on the question, so a cache hit
returns exactly what a miss would compute: scores are bit-identical warm or cold.
"""

from __future__ import annotations

import functools
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from talentsync.embeddings import Embedder
from talentsync.scoring.models import ListeningPointSpec
from talentsync.scoring.text import split_sentences, words

_STAR_LABEL_RE = re.compile(r"\b(?:Situation|Task|Action|Result)\s*:\s*", re.IGNORECASE)


def embed_unit(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    vectors = np.asarray(embedder.embed(list(texts)), dtype=np.float64)
    # Normalise defensively: the protocol promises unit vectors but a foreign backend may not.
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


def centroid(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Word-weighted mean direction of sentence vectors: the same representation on both sides."""
    if not len(vectors) or float(weights.sum()) <= 0:
        return np.zeros(vectors.shape[1] if vectors.ndim == 2 else 0)
    return unit((vectors * weights[:, None]).sum(axis=0))


@functools.lru_cache(maxsize=8192)
def answer_sentences(text: str) -> tuple[str, ...]:
    """A reference answer's sentences; memoised, since every score re-reads every neighbour's answers."""
    return tuple(split_sentences(_STAR_LABEL_RE.sub("", text)))


class _Cache:
    """Embeddings of question-side text tuples, per embedder, LRU-bounded."""

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._by_embedder: weakref.WeakKeyDictionary[object, OrderedDict[tuple[str, ...], np.ndarray]]
        self._by_embedder = weakref.WeakKeyDictionary()

    def get(self, embedder: Embedder, texts: tuple[str, ...]) -> np.ndarray:
        try:
            with self._lock:
                cache = self._by_embedder.setdefault(embedder, OrderedDict())
                hit = cache.get(texts)
                if hit is not None:
                    cache.move_to_end(texts)
                    return hit
        except TypeError:  # an embedder that cannot be weakly referenced: no caching
            return _reference_vectors(embedder, texts)
        vectors = _reference_vectors(embedder, texts)
        vectors.setflags(write=False)
        with self._lock:
            cache[texts] = vectors
            while len(cache) > self._size:
                cache.popitem(last=False)
        return vectors


CACHE = _Cache()


def _reference_vectors(embedder: Embedder, texts: tuple[str, ...]) -> np.ndarray:
    """Question-side texts are embedded one at a time, so a text's vector never depends on which
    other texts shared its batch: the same in every process, and storable per text."""

    def embed_one(text: str) -> np.ndarray:
        return np.asarray(embedder.embed([text]), dtype=np.float32)[0]

    store = getattr(embedder, "references", None)
    raw = store.vectors(texts, embed_one) if store is not None else np.vstack([embed_one(t) for t in texts])
    vectors = np.asarray(raw, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


@dataclass(frozen=True)
class FitProfile:
    """What answering one question looks like."""

    questions: np.ndarray  # (m, d): the question and its paraphrases
    answers: np.ndarray  # (r, d): centroid of each strong answer (may be empty)
    answer_sentences: np.ndarray  # (s, d): every sentence of the strong answers


@dataclass(frozen=True)
class PointRefs:
    label: np.ndarray  # (d,)
    description: np.ndarray | None  # (d,) the listen_for text
    examples: np.ndarray  # (e, d), may be empty
    negated_examples: bool  # the evidence itself is phrased with a negation ("no downtime")


def fit_profile(embedder: Embedder, text: str, paraphrases: Sequence[str], answers: Sequence[str]) -> FitProfile:
    q_texts = tuple(t.strip() for t in (text, *paraphrases) if t.strip()) or ("?",)
    per_answer = [answer_sentences(a) for a in answers]
    flat = tuple(s for sents in per_answer for s in sents)
    vecs = CACHE.get(embedder, q_texts + flat)
    q_vecs = vecs[: len(q_texts)]
    s_vecs = vecs[len(q_texts) :]
    centroids = []
    at = 0
    for sents in per_answer:
        if not sents:
            continue
        block = s_vecs[at : at + len(sents)]
        w = np.array([max(1, len(words(s))) for s in sents], dtype=np.float64)
        centroids.append(centroid(block, w))
        at += len(sents)
    dim = vecs.shape[1]
    answers_arr = np.vstack(centroids) if centroids else np.zeros((0, dim))
    return FitProfile(questions=q_vecs, answers=answers_arr, answer_sentences=s_vecs)


_NEGATION_WORD_RE = re.compile(r"\b(?:not|never|no|none|nothing|without|zero)\b|n't\b", re.IGNORECASE)


def point_refs(embedder: Embedder, points: Sequence[ListeningPointSpec]) -> list[PointRefs]:
    texts: list[str] = []
    for p in points:
        texts.append(p.point)
        texts.append(p.listen_for or p.point)
        texts.extend(p.examples)
    if not texts:
        return []
    vecs = CACHE.get(embedder, tuple(texts))
    out: list[PointRefs] = []
    at = 0
    for p in points:
        label, desc = vecs[at], vecs[at + 1]
        ex = vecs[at + 2 : at + 2 + len(p.examples)]
        at += 2 + len(p.examples)
        out.append(
            PointRefs(
                label=label,
                description=desc if p.listen_for else None,
                examples=ex,
                negated_examples=any(_NEGATION_WORD_RE.search(e) for e in p.examples),
            )
        )
    return out
