"""Pack questions and hand-labelled evaluation answers (bench/eval/scoring) for the scorer tests."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import scoring_eval  # noqa: E402  (re-exported for the tests)

from talentsync.scoring import QuestionForScoring  # noqa: E402

__all__ = ["answer", "eval_data", "labels", "question", "scoring_eval"]


@lru_cache(maxsize=1)
def eval_data() -> tuple[dict, list]:  # type: ignore[type-arg]
    return scoring_eval.load_items()


def question(slug: str) -> QuestionForScoring:
    packs, items = eval_data()
    module = next(it.module for it in items if it.slug == slug)
    return scoring_eval.question_for(packs[module], slug)


def answer(answer_id: str) -> str:
    _, items = eval_data()
    return next(it.text for it in items if it.id == answer_id)


def labels(answer_id: str) -> dict[str, str]:
    _, items = eval_data()
    return next(it.labels for it in items if it.id == answer_id)
