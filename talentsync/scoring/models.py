"""Inputs and outputs of the answer scorer (shared by activities, the API and the feedback writer)."""

from __future__ import annotations

from pydantic import BaseModel, Field

DIMENSIONS: tuple[str, ...] = (
    "relevance",
    "ideal_similarity",
    "coverage",
    "structure",
    "specificity",
    "length",
)


class QuestionForScoring(BaseModel):
    text: str
    category: str  # behavioral | technical | system_design | product | ml | resume
    kind: str = "core"  # core | resume | follow_up
    ideal_answer: str = ""
    key_points: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)


class DimensionScore(BaseModel):
    name: str
    score: float  # 0-100
    weight: float  # share of the overall score, weights sum to 1
    explanation: str  # one human sentence saying why


class KeyPointResult(BaseModel):
    point: str
    covered: bool
    similarity: float  # best combined match over the answer's sentences, 0-1
    evidence: str | None  # the best-matching answer sentence (None when nothing related)


class AnswerScore(BaseModel):
    overall: float  # 0-100, weighted sum of the dimensions
    dimensions: dict[str, DimensionScore]
    key_points: list[KeyPointResult]
    word_count: int
    scorer_version: str
    # Honesty flags raised while scoring ("off_topic", "keyword_stuffing", "repetitive",
    # "truncated", "empty"); empty for an ordinary answer.
    flags: list[str] = Field(default_factory=list)
