"""Progress aggregation over answer rows: series per module, repeated misses, delivery trends, and
the points a practice session or a later session revisits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from talentsync.contracts import FocusPoint
from talentsync.progress import AnswerRow, build_progress, focus_points, point_histories
from talentsync.vectors.base import VectorMatch, VectorRecord
from talentsync.weak_points import rank_for_focus

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def kp(point: str, status: str, listen_for: str = "") -> dict[str, Any]:
    return {"point": point, "status": status, "covered": status == "covered", "listen_for": listen_for}


def row(
    session: int,
    qkey: str,
    points: list[dict[str, Any]],
    *,
    module: int = 1,
    overall: float = 50.0,
    dims: dict[str, float] | None = None,
    delivery: dict[str, Any] | None = None,
    minute: int = 0,
    bank_id: int | None = 11,
) -> AnswerRow:
    sid = uuid.UUID(int=session)
    created = T0 + timedelta(days=session)
    return AnswerRow(
        session_id=sid,
        session_created=created,
        session_status="completed",
        session_overall=overall,
        module_id=module,
        module_name=f"Module {module}",
        module_slug=f"m{module}",
        bank_question_id=bank_id,
        kind="core",
        percentile_key=qkey,
        question_text=f"Question {qkey}",
        asked_index=minute,
        answered_at=created + timedelta(minutes=minute),
        attempt=1,
        source="audio" if delivery else "text",
        delivery=delivery,
        overall=overall,
        dimensions={k: {"score": v} for k, v in (dims or {"coverage": overall}).items()},
        key_points=points,
    )


def test_a_point_missed_twice_is_counted_and_stays_outstanding_until_covered() -> None:
    rows = [
        row(1, "q:a", [kp("Names the trade-off", "missed"), kp("Gives a number", "covered")]),
        row(2, "q:a", [kp("Names the trade-off", "partly"), kp("Gives a number", "missed")]),
        row(3, "q:a", [kp("Names the trade-off", "missed"), kp("Gives a number", "covered")]),
    ]
    by_point = {p.point: p for p in point_histories(rows)}
    trade = by_point["Names the trade-off"]
    assert (trade.asked, trade.missed, trade.partly, trade.not_covered) == (3, 2, 1, 3)
    assert trade.outstanding
    number = by_point["Gives a number"]
    assert number.not_covered == 1 and not number.outstanding  # covered again afterwards

    progress = build_progress(rows)
    missed = progress["missed_points"]
    assert [m["point"] for m in missed] == ["Names the trade-off", "Gives a number"]
    assert missed[0]["times_not_covered"] == 3 and missed[0]["repeated"] and missed[0]["outstanding"]
    assert missed[1]["repeated"] is False and missed[1]["last_status"] == "covered"


def test_old_scores_without_status_count_by_covered() -> None:
    rows = [row(1, "q:a", [{"point": "Old style", "covered": False}]), row(2, "q:a", ["not a dict"])]  # type: ignore[list-item]
    (h,) = point_histories(rows)
    assert h.missed == 1 and h.outstanding


def test_series_per_module_with_dimension_means_and_change() -> None:
    rows = [
        row(1, "q:a", [], overall=40, dims={"coverage": 30, "structure": 50}),
        row(1, "q:b", [], overall=40, dims={"coverage": 50, "structure": 70}, minute=5),
        row(2, "q:a", [], overall=62, dims={"coverage": 60, "structure": 64}),
        row(3, "q:z", [], module=2, overall=70),
    ]
    progress = build_progress(rows)
    assert [s["overall"] for s in progress["sessions"]] == [40, 62, 70]
    assert progress["sessions"][0]["dimensions"] == {"coverage": 40.0, "structure": 60.0}
    assert progress["sessions"][0]["answered"] == 2
    # Most recently practised module first.
    m2, m1 = progress["modules"]
    assert m2["module"]["id"] == 2 and m2["change"] is None and m2["sessions"] == 1
    assert m1["first"] == 40 and m1["latest"] == 62 and m1["best"] == 62 and m1["change"] == 22
    assert [p["dimensions"]["coverage"] for p in m1["series"]] == [40.0, 60.0]


def test_delivery_trend_averages_voice_answers_per_session() -> None:
    def d(wpm: float, fillers: float, pauses: int, per_min: float) -> dict[str, Any]:
        return {
            "wpm": wpm,
            "fillers_per_min": fillers,
            "long_pauses": [{"start": 1, "end": 3, "duration": 2}] * pauses,
            "bands": {"long_pauses_per_min": {"value": per_min}},
        }

    rows = [
        row(1, "q:a", [], delivery=d(180, 4, 2, 1.5)),
        row(1, "q:b", [], delivery=d(160, 2, 0, 0.5), minute=3),
        row(1, "q:c", [], minute=6),  # typed: no delivery
        row(2, "q:a", [], delivery=d(0, 0, 0, 0)),  # no words recognised: nothing to learn
        row(3, "q:a", [], delivery=d(140, 1, 1, 0.4)),
    ]
    trend = build_progress(rows)["delivery"]
    assert trend["answers"] == 3
    first, last = trend["series"]
    assert (first["wpm"], first["fillers_per_min"], first["long_pauses"], first["long_pauses_per_min"]) == (
        170.0,
        3.0,
        2,
        1.0,
    )
    assert last["wpm"] == 140.0
    assert trend["targets"]["wpm"] == {"low": 120.0, "high": 160.0}


def test_focus_points_are_the_outstanding_ones_of_the_module_worst_first() -> None:
    rows = [
        row(1, "q:a", [kp("A1", "missed"), kp("A2", "missed")]),
        row(2, "q:a", [kp("A1", "missed"), kp("A2", "covered")]),
        row(2, "q:b", [kp("B1", "partly")], minute=4, bank_id=12),
        row(3, "q:z", [kp("Z1", "missed")], module=2),
    ]
    points = focus_points(rows, module_id=1)
    assert [(p.point, p.not_covered, p.bank_question_id) for p in points] == [("A1", 2, 11), ("B1", 1, 12)]


class _WordEmbedder:
    """Bag of words over a fixed vocabulary: enough to tell which texts share words."""

    VOCAB = ("trade", "off", "number", "metric", "team", "conflict", "cache", "latency")
    dim = len(VOCAB)

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            words = t.lower().replace("-", " ").split()
            for j, v in enumerate(self.VOCAB):
                out[i, j] = sum(w.strip(".,") == v for w in words)
            n = np.linalg.norm(out[i])
            out[i] = out[i] / n if n else out[i]
        return out


class _MemoryStore:
    name = "memory"

    def __init__(self) -> None:
        self.rows: dict[str, list[VectorRecord]] = {"questions": [], "ideal-answers": [], "followups": []}

    def upsert(self, namespace: str, records: list[VectorRecord]) -> int:
        self.rows[namespace].extend(records)
        return len(records)

    def query(self, namespace: str, vector: list[float], top_k: int = 5, where: dict | None = None) -> list:
        q = np.asarray(vector)
        matches = [
            VectorMatch(r.id, float(np.dot(q, np.asarray(r.values))), dict(r.metadata), r.document)
            for r in self.rows[namespace]
            if all(r.metadata.get(k) == v for k, v in (where or {}).items())
        ]
        return sorted(matches, key=lambda m: -m.score)[:top_k]


def test_rank_for_focus_prefers_questions_whose_answers_make_the_missed_points() -> None:
    embedder, store = _WordEmbedder(), _MemoryStore()
    texts = {
        1: ("Tell me about a conflict in your team.", "I resolved the team conflict by talking."),
        2: ("How would you speed up a slow service?", "Add a cache, measure latency, name the trade off."),
        3: ("What metric would you track?", "Pick one number: the metric that matters."),
        4: ("Other module question about trade offs", "trade off trade off"),
    }
    for qid, (q, ia) in texts.items():
        module = "other" if qid == 4 else "m1"
        for ns, text in (("questions", q), ("ideal-answers", ia)):
            store.upsert(
                ns,
                [
                    VectorRecord(
                        f"{ns}-{qid}", embedder.embed([text])[0].tolist(), {"question_id": qid, "module": module}, text
                    )
                ],
            )
    points = [
        FocusPoint(point="Names the trade-off", times_missed=3),
        FocusPoint(point="Gives a number", listen_for="a metric", times_missed=1, bank_question_id=1),
    ]
    ranked = rank_for_focus(embedder, store, points, "m1", {1, 2, 3})
    ids = [r.question_id for r in ranked]
    assert ids[0] == 2  # its strong answer names the trade-off, missed three times
    assert 4 not in ids  # another module's question never comes back
    assert ids.index(3) < ids.index(1)  # question 1 only gets the origin bonus for the second point
    assert rank_for_focus(embedder, store, [], "m1", {1, 2, 3}) == []
