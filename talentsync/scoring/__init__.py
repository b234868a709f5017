"""Answer scoring: six explained dimensions, weighted per category, honest about off-topic answers."""

from talentsync.scoring.models import (
    DIMENSIONS,
    AnswerScore,
    DimensionScore,
    KeyPointResult,
    ListeningPointSpec,
    NeighbourQuestion,
    QuestionForScoring,
)
from talentsync.scoring.scorer import SCORER_VERSION, score_answer, warm

__all__ = [
    "DIMENSIONS",
    "SCORER_VERSION",
    "AnswerScore",
    "DimensionScore",
    "KeyPointResult",
    "ListeningPointSpec",
    "NeighbourQuestion",
    "QuestionForScoring",
    "score_answer",
    "warm",
]
