"""A candidate's progress across sessions: scores over time per module, the listening points they
miss again and again, and how their spoken delivery develops. The same history decides what a
later session revisits: a point stays "outstanding" until an answer covers it.

Plain SQLAlchemy over a sync ``Session``: the API drives it through ``AsyncSession.run_sync`` and
the seeding activity calls it directly.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from talentsync.contracts import FocusPoint
from talentsync.db.models import InterviewSession, Module, Response, Score, SessionQuestion

# Sessions that reached a report (an idle session with answers ends `abandoned` but is scored).
REPORTED_STATUSES = ("completed", "abandoned")
# At most this many points steer one practice session: more would blur what it is for.
MAX_FOCUS_POINTS = 6
# The last sessions considered; older ones still count in an export, not in the charts.
MAX_SESSIONS = 200
# Delivery targets (talentsync.speech.delivery.BANDS), repeated in the payload for the charts.
DELIVERY_TARGETS = {"wpm": (120.0, 160.0), "fillers_per_min": (0.0, 2.0), "long_pauses_per_min": (0.0, 1.0)}


@dataclass(frozen=True)
class AnswerRow:
    """One scored answer (the latest attempt at one question of one session)."""

    session_id: uuid.UUID
    session_created: datetime
    session_status: str
    session_overall: float | None
    module_id: int
    module_name: str
    module_slug: str
    bank_question_id: int | None
    kind: str
    percentile_key: str
    question_text: str
    asked_index: int | None
    answered_at: datetime
    attempt: int
    source: str
    delivery: dict[str, Any] | None
    overall: float | None
    dimensions: dict[str, Any]
    key_points: list[Any]


def load_answer_rows(db: Session, user_id: uuid.UUID, module_id: int | None = None) -> list[AnswerRow]:
    """The user's answers in reported sessions, oldest first, latest attempt per question only.

    Selects columns, not rows: answers and transcripts (the large columns) are never read here.
    """
    recent = (
        select(InterviewSession.id)
        .where(
            InterviewSession.user_id == user_id,
            InterviewSession.status.in_(REPORTED_STATUSES),
            InterviewSession.overall_score.is_not(None),
        )
        .order_by(InterviewSession.created_at.desc())
        .limit(MAX_SESSIONS)
    )
    if module_id is not None:
        recent = recent.where(InterviewSession.module_id == module_id)
    stmt = (
        select(
            InterviewSession.id,
            InterviewSession.created_at,
            InterviewSession.status,
            InterviewSession.overall_score,
            Module.id,
            Module.name,
            Module.slug,
            SessionQuestion.id,
            SessionQuestion.question_id,
            SessionQuestion.kind,
            SessionQuestion.percentile_key,
            SessionQuestion.text,
            SessionQuestion.asked_index,
            Response.created_at,
            Response.attempt,
            Response.source,
            Response.delivery,
            Score.overall,
            Score.dimensions,
            Score.key_points,
        )
        .join(Module, Module.id == InterviewSession.module_id)
        .join(Response, Response.session_id == InterviewSession.id)
        .join(SessionQuestion, SessionQuestion.id == Response.session_question_id)
        .outerjoin(Score, Score.response_id == Response.id)
        .where(InterviewSession.id.in_(recent.scalar_subquery()))
        .order_by(InterviewSession.created_at, Response.created_at, Response.attempt)
    )
    latest: dict[uuid.UUID, AnswerRow] = {}
    for r in db.execute(stmt).all():
        latest[r[7]] = AnswerRow(
            session_id=r[0],
            session_created=r[1],
            session_status=r[2],
            session_overall=r[3],
            module_id=r[4],
            module_name=r[5],
            module_slug=r[6],
            bank_question_id=r[8],
            kind=r[9],
            percentile_key=r[10],
            question_text=r[11],
            asked_index=r[12],
            answered_at=r[13],
            attempt=r[14],
            source=r[15],
            delivery=r[16],
            overall=r[17],
            dimensions=r[18] or {},
            key_points=r[19] or [],
        )
    # Dict order is the first attempt's position; re-sort so a later attempt sits at its own time.
    return sorted(latest.values(), key=lambda a: (a.session_created, a.answered_at))


def point_status(kp: dict[str, Any]) -> str:
    # Scores written before listening points had a status hold only `covered`.
    status = kp.get("status")
    if status in ("covered", "partly", "missed"):
        return str(status)
    return "covered" if kp.get("covered") else "missed"


@dataclass
class PointHistory:
    point: str
    listen_for: str
    percentile_key: str
    bank_question_id: int | None
    question_text: str
    module_id: int
    module_name: str
    asked: int = 0
    missed: int = 0
    partly: int = 0
    covered: int = 0
    last_status: str = "missed"
    last_seen: datetime | None = None
    first_missed: datetime | None = None

    @property
    def not_covered(self) -> int:
        return self.missed + self.partly

    @property
    def outstanding(self) -> bool:
        """Missed (or only partly covered) and not covered by any later answer."""
        return self.last_status != "covered"

    def out(self) -> dict[str, Any]:
        return {
            "point": self.point,
            "listen_for": self.listen_for,
            "question": {
                "text": self.question_text,
                "bank_question_id": self.bank_question_id,
                "percentile_key": self.percentile_key,
            },
            "module": {"id": self.module_id, "name": self.module_name},
            "asked": self.asked,
            "times_missed": self.missed,
            "times_partly": self.partly,
            "times_not_covered": self.not_covered,
            "repeated": self.not_covered >= 2,
            "last_status": self.last_status,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "outstanding": self.outstanding,
        }


def point_histories(rows: list[AnswerRow]) -> list[PointHistory]:
    """Every listening point the user was asked about, keyed by what was asked (the percentile key:
    the same bank question or follow-up template in every session) and the point's label."""
    points: dict[tuple[str, str], PointHistory] = {}
    for a in rows:
        for kp in a.key_points:
            if not isinstance(kp, dict) or not kp.get("point"):
                continue
            key = (a.percentile_key, str(kp["point"]))
            h = points.get(key)
            if h is None:
                h = points[key] = PointHistory(
                    point=str(kp["point"]),
                    listen_for=str(kp.get("listen_for") or ""),
                    percentile_key=a.percentile_key,
                    bank_question_id=a.bank_question_id if a.kind == "core" else None,
                    question_text=a.question_text,
                    module_id=a.module_id,
                    module_name=a.module_name,
                )
            status = point_status(kp)
            h.asked += 1
            setattr(h, status, getattr(h, status) + 1)
            h.last_status, h.last_seen = status, a.answered_at
            if status != "covered" and h.first_missed is None:
                h.first_missed = a.answered_at
    return list(points.values())


def _ts(moment: datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _session_summaries(rows: list[AnswerRow]) -> list[dict[str, Any]]:
    by_session: dict[uuid.UUID, list[AnswerRow]] = defaultdict(list)
    for a in rows:
        by_session[a.session_id].append(a)
    out = []
    for sid, answers in by_session.items():
        first = answers[0]
        dims: dict[str, list[float]] = defaultdict(list)
        for a in answers:
            for name, d in a.dimensions.items():
                if isinstance(d, dict) and isinstance(d.get("score"), int | float):
                    dims[name].append(float(d["score"]))
        out.append(
            {
                "session_id": str(sid),
                "created_at": first.session_created.isoformat(),
                "status": first.session_status,
                "module": {"id": first.module_id, "name": first.module_name, "slug": first.module_slug},
                "overall": first.session_overall,
                "dimensions": {k: _mean(v) for k, v in dims.items()},
                "answered": len(answers),
                "voice_answers": sum(1 for a in answers if a.source == "audio"),
            }
        )
    return sorted(out, key=lambda s: s["created_at"])


def _module_series(sessions: list[dict[str, Any]], points: list[PointHistory]) -> list[dict[str, Any]]:
    by_module: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for s in sessions:
        by_module[s["module"]["id"]].append(s)
    outstanding: dict[int, int] = defaultdict(int)
    for p in points:
        if p.outstanding:
            outstanding[p.module_id] += 1
    modules = []
    for module_id, series in by_module.items():
        overall = [s["overall"] for s in series if s["overall"] is not None]
        modules.append(
            {
                "module": series[0]["module"],
                "sessions": len(series),
                "first": overall[0] if overall else None,
                "latest": overall[-1] if overall else None,
                "best": max(overall) if overall else None,
                "change": round(overall[-1] - overall[0], 1) if len(overall) >= 2 else None,
                "outstanding_points": outstanding.get(module_id, 0),
                "series": [
                    {
                        "session_id": s["session_id"],
                        "created_at": s["created_at"],
                        "overall": s["overall"],
                        "dimensions": s["dimensions"],
                    }
                    for s in series
                ],
            }
        )
    # The module practised most recently first.
    return sorted(modules, key=lambda m: m["series"][-1]["created_at"], reverse=True)


def _pauses_per_min(d: dict[str, Any]) -> float | None:
    band = (d.get("bands") or {}).get("long_pauses_per_min")
    if isinstance(band, dict) and isinstance(band.get("value"), int | float):
        return float(band["value"])
    minutes = float(d.get("speaking_time_s") or 0) / 60.0
    return round(len(d.get("long_pauses") or []) / minutes, 2) if minutes > 0 else None


def _delivery_trend(rows: list[AnswerRow]) -> dict[str, Any]:
    by_session: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    meta: dict[uuid.UUID, AnswerRow] = {}
    for a in rows:
        d = a.delivery
        # An answer with no recognised words has wpm 0: nothing about pace to learn from it.
        if a.source != "audio" or not isinstance(d, dict) or not d.get("wpm"):
            continue
        by_session[a.session_id].append(d)
        meta.setdefault(a.session_id, a)
    series: list[dict[str, Any]] = []
    for sid, items in by_session.items():
        a = meta[sid]
        per_min = [v for v in (_pauses_per_min(d) for d in items) if v is not None]
        series.append(
            {
                "session_id": str(sid),
                "created_at": a.session_created.isoformat(),
                "module": {"id": a.module_id, "name": a.module_name},
                "answers": len(items),
                "wpm": _mean([float(d["wpm"]) for d in items]),
                "fillers_per_min": _mean([float(d.get("fillers_per_min") or 0) for d in items]),
                "long_pauses": sum(len(d.get("long_pauses") or []) for d in items),
                "long_pauses_per_min": round(sum(per_min) / len(per_min), 2) if per_min else None,
            }
        )
    series.sort(key=lambda s: str(s["created_at"]))
    return {
        "answers": sum(int(s["answers"]) for s in series),
        "series": series,
        "targets": {k: {"low": lo, "high": hi} for k, (lo, hi) in DELIVERY_TARGETS.items()},
    }


def build_progress(rows: list[AnswerRow]) -> dict[str, Any]:
    sessions = _session_summaries(rows)
    points = point_histories(rows)
    missed = [p for p in points if p.not_covered > 0]
    # Missed most often first; among equals, the ones still outstanding, then the most recent.
    missed.sort(key=lambda p: (-p.not_covered, not p.outstanding, -_ts(p.last_seen)))
    return {
        "sessions": sessions,
        "modules": _module_series(sessions, points),
        "missed_points": [p.out() for p in missed[:100]],
        "delivery": _delivery_trend(rows),
    }


def focus_points(rows: list[AnswerRow], module_id: int, limit: int = MAX_FOCUS_POINTS) -> list[PointHistory]:
    """The outstanding points of one module a practice session should exercise, worst first."""
    outstanding = [p for p in point_histories(rows) if p.module_id == module_id and p.outstanding]
    outstanding.sort(key=lambda p: (-p.not_covered, -_ts(p.last_seen)))
    return outstanding[:limit]


def practice_focus(db: Session, user_id: uuid.UUID, module_id: int) -> list[FocusPoint]:
    """What a "practise this" session in ``module_id`` is for (empty: nothing outstanding)."""
    return [
        FocusPoint(
            point=p.point,
            listen_for=p.listen_for,
            bank_question_id=p.bank_question_id,
            times_missed=p.not_covered,
        )
        for p in focus_points(load_answer_rows(db, user_id, module_id), module_id)
    ]


def revisit_question_ids(db: Session, user_id: uuid.UUID, module_id: int) -> list[int]:
    """Bank questions of ``module_id`` with listening points the user missed and has not covered
    since; most outstanding points first. Seeding asks these again until they are covered."""
    counts: dict[int, int] = defaultdict(int)
    last: dict[int, datetime] = {}
    for p in point_histories(load_answer_rows(db, user_id, module_id)):
        if p.outstanding and p.bank_question_id is not None:
            counts[p.bank_question_id] += 1
            if p.last_seen and (p.bank_question_id not in last or p.last_seen > last[p.bank_question_id]):
                last[p.bank_question_id] = p.last_seen
    # Ties: the question seen longest ago comes back first.
    return sorted(counts, key=lambda q: (-counts[q], _ts(last.get(q))))
