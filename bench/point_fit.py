"""Fit the listening-point model (logistic regression, IRLS with an L2 penalty, plain numpy).

Training pairs are (answer, listening point) from the hand-labelled evaluation set: labelled
strong / weak / terse answers give covered / partly / missed; answers that an interviewer would
credit with nothing of *this* question (answers to other questions, fluff, keyword prose, echoes,
pasted listening points) give "missed" for every point. Deterministic: same data, same weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from talentsync.scoring.coverage import FEATURES, PointModel

NEGATIVE_KINDS = frozenset(
    {"off_topic_same_domain", "off_topic_unrelated", "other_strong", "fluff", "keyword_prose", "echo", "pasted_points"}
)
L2 = 1.0


@dataclass
class Pairs:
    x: np.ndarray  # (n, FEATURES)
    covered: np.ndarray  # (n,) 1 if labelled covered
    shown: np.ndarray  # (n,) 1 if labelled covered or partly
    module: np.ndarray  # (n,) module slug per pair


def training_pairs(items, features_of) -> Pairs:  # type: ignore[no-untyped-def]
    """``features_of(item)`` returns (point labels, feature matrix) for one scored answer."""
    xs, cov, shown, mods = [], [], [], []
    for it in items:
        if not it.labels and it.kind not in NEGATIVE_KINDS:
            continue
        points, feats = features_of(it)
        for point, row in zip(points, feats, strict=True):
            label = it.labels.get(point, "missed") if it.labels else "missed"
            xs.append(row)
            cov.append(1.0 if label == "covered" else 0.0)
            shown.append(1.0 if label in ("covered", "partly") else 0.0)
            mods.append(it.module)
    return Pairs(np.asarray(xs), np.asarray(cov), np.asarray(shown), np.asarray(mods))


def irls(x: np.ndarray, y: np.ndarray, l2: float = L2, iters: int = 50) -> np.ndarray:
    _, d = x.shape
    w = np.zeros(d)
    penalty = l2 * np.eye(d)
    penalty[0, 0] = 0.0  # the bias is not shrunk
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty @ w
        hess = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return w


def fit(pairs: Pairs, mask: np.ndarray | None = None) -> PointModel:
    x = pairs.x if mask is None else pairs.x[mask]
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    yc = pairs.covered if mask is None else pairs.covered[mask]
    ys = pairs.shown if mask is None else pairs.shown[mask]
    assert z.shape[1] == len(FEATURES) + 1
    return PointModel(
        covered=tuple(round(float(v), 6) for v in irls(z, yc)),
        shown=tuple(round(float(v), 6) for v in irls(z, ys)),
        mean=tuple(round(float(v), 6) for v in mean),
        scale=tuple(round(float(v), 6) for v in scale),
    )


def render(model: PointModel, note: str) -> str:
    def tup(v: tuple[float, ...]) -> str:
        return "(" + ", ".join(repr(x) for x in v) + ")"

    import textwrap

    body = textwrap.fill(note + " Features, in order: " + ", ".join(FEATURES) + ".", width=100)
    return (
        '"""Fitted listening-point model (written by bench/scoring_fit.py; do not edit by hand).\n\n'
        + body
        + '\n"""\n\n'
        "from talentsync.scoring.coverage import PointModel\n\n"
        "POINT_MODEL = PointModel(\n"
        f"    covered={tup(model.covered)},\n"
        f"    shown={tup(model.shown)},\n"
        f"    mean={tup(model.mean)},\n"
        f"    scale={tup(model.scale)},\n"
        ")\n"
    )
