"""Pydantic models for a parsed resume and the questions drawn from it.

They are stored as JSONB (``sessions.parsed_resume_data``) and cross Temporal, so they hold
plain strings and lists only.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class SourceLine(BaseModel):
    """Where an extracted item came from: its first line number (1-based, in the extracted text)
    and the text it was read from (wrapped lines joined), so the review page and a question can
    point at the candidate's own words."""

    line: int
    text: str = ""


class Role(BaseModel):
    title: str
    employer: str
    start: str | None = None  # "2019-03", or "2019" when the resume gives only a year
    end: str | None = None  # same format, or "present"
    location: str | None = None
    bullets: list[str] = Field(default_factory=list)
    source: SourceLine | None = None


class Achievement(BaseModel):
    text: str
    employer: str | None = None  # None when it comes from a project
    numbers: list[str] = Field(default_factory=list)  # "30%", "$1.2M", "3x", "12 services"
    source: SourceLine | None = None


class Education(BaseModel):
    institution: str | None = None
    degree: str | None = None
    start: str | None = None
    end: str | None = None
    details: list[str] = Field(default_factory=list)
    raw: str = ""
    source: SourceLine | None = None


class Project(BaseModel):
    name: str
    description: str = ""
    technologies: list[str] = Field(default_factory=list)
    bullets: list[str] = Field(default_factory=list)
    link: str | None = None
    source: SourceLine | None = None


class ParsedResume(BaseModel):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    links: list[str] = Field(default_factory=list)
    summary: str | None = None
    skills: list[str] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    education: list[Education] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    publications: list[str] = Field(default_factory=list)  # titles of papers, talks, articles
    organisations: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    years_experience: float | None = None
    achievements: list[Achievement] = Field(default_factory=list)
    sections: dict[str, str] = Field(default_factory=dict)  # raw text per detected section
    # Source lines of the plain-string items: {"skills": {"Go": SourceLine}, "certifications": ...}.
    # Keyed by the item's text, not its index, so a corrected list keeps the sources it still matches.
    sources: dict[str, dict[str, SourceLine]] = Field(default_factory=dict)


class ResumeQuestion(BaseModel):
    slug: str  # deterministic: the same resume item always gives the same slug
    text: str
    ideal_answer: str
    key_points: list[str]  # 3-5, scored like any bank question's key points
    keywords: list[str]
    source: str  # the resume line the question is grounded in
    # achievement | award | certification | publication | project | role | role_tech | skill
    kind: str = "achievement"
