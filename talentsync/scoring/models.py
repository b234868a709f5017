"""Inputs and outputs of the answer scorer (shared by activities, the API and the feedback writer)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

DIMENSIONS: tuple[str, ...] = (
    "relevance",
    "ideal_similarity",
    "coverage",
    "structure",
    "specificity",
    "length",
)

PointStatus = Literal["covered", "partly", "missed"]


class ListeningPointSpec(BaseModel):
    """What an interviewer listens for; ``examples`` are evidence sentences from different stories."""

    point: str
    listen_for: str = ""
    examples: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        # Rows written before listening points existed hold plain strings.
        return {"point": value} if isinstance(value, str) else value


class NeighbourQuestion(BaseModel):
    """Another question of the same module: relevance asks whether the answer fits *this* question
    better than its neighbours, and names the neighbour an off-topic answer seems to answer."""

    key: str
    text: str
    paraphrases: list[str] = Field(default_factory=list)
    answers: list[str] = Field(default_factory=list)  # model + reference answers


class QuestionForScoring(BaseModel):
    text: str
    category: str  # behavioral | technical | system_design | product | ml | resume
    kind: str = "core"  # core | resume | follow_up
    ideal_answer: str = ""
    reference_answers: list[str] = Field(default_factory=list)
    paraphrases: list[str] = Field(default_factory=list)
    key_points: list[ListeningPointSpec] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    neighbours: list[NeighbourQuestion] = Field(default_factory=list)

    @property
    def strong_answers(self) -> list[str]:
        return [a.strip() for a in (self.ideal_answer, *self.reference_answers) if a and a.strip()]


class DimensionScore(BaseModel):
    name: str
    score: float  # 0-100
    weight: float  # share of the overall score, weights sum to 1
    explanation: str  # one human sentence saying why


class KeyPointResult(BaseModel):
    point: str
    covered: bool  # status == "covered"; kept for older readers
    similarity: float  # best evidence match over the answer's sentences, 0-1
    evidence: str | None  # the answer sentence that shows it (None when nothing counts)
    status: PointStatus = "missed"
    listen_for: str = ""
    # Why evidence was not counted in full ("negated", "hedged", "recited"), if that happened.
    note: str | None = None


class AnswerScore(BaseModel):
    overall: float  # 0-100: the weighted sum of the dimensions, less padding_cost
    dimensions: dict[str, DimensionScore]
    key_points: list[KeyPointResult]
    word_count: int
    scorer_version: str
    # Honesty flags raised while scoring ("off_topic", "keyword_stuffing", "recites_rubric",
    # "echoes_question", "buzzwords", "no_claims", "padded", "repetitive", "no_substance", "truncated",
    # "empty"); empty when ordinary.
    flags: list[str] = Field(default_factory=list)
    # For an off-topic answer that fits another question of the module better: that question.
    seems_to_answer: str | None = None
    # Points taken off the weighted sum because a long answer is thin or claim-free (0 when none), so
    # the report can say why the overall is below what its dimensions add up to.
    padding_cost: float = 0.0
