"""Question templates for resume items that are not results of the candidate's work: awards,
certifications and publications.

The achievement templates ask "What did you personally do to make that happen, and what did the
rest of the team do?" — right for "Cut the cloud bill by 38%", wrong for "Winner, 2022 city
hackathon (1st of 40 teams)" or "AWS Certified Solutions Architect": asked of those, the question
shows the interviewer did not read the line. So an achievement line is first sorted by what it is
(``achievement_kind``), and awards, certifications and papers get templates that fit them: what a
recognition was for, what preparing for a certification taught, what a paper set out to answer.
Certifications and publication titles, which the parser lists apart, get the same templates.

Like ``questions``, everything here is deterministic and checked by ``item_checks`` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from talentsync.resume.item_checks import name_problem, statement_problem

ItemKind = Literal["achievement", "award", "certification", "publication", "skill"]

# Nouns that make a line a recognition ("won" alone does not: "Won 3 enterprise customers").
_AWARD_RE = re.compile(
    r"\b(?:awards?|awarded|prizes?|scholarships?|fellowships?|medal(?:ist)?|hackathon|finalist|runner[- ]up|"
    r"dean'?s list|honou?rs|honou?rable mention|(?:1st|2nd|3rd|first|second|third) place|olympiad|"
    r"ranked (?:#|no\.|top|first|\d))",
    re.IGNORECASE,
)
_CERTIFICATION_RE = re.compile(
    # "Certified 12 engineers as ..." is something the candidate did, not a certificate they hold.
    r"\b(?:certified(?!\s+\d)|certifications?|certificates?|licen[cs]ed)\b|\bpassed\b.*\bexams?\b",
    re.IGNORECASE,
)
_PUBLICATION_RE = re.compile(
    r"\b(?:published|co-?authored|authored|papers?\s+(?:on|at|in|about)|journal|proceedings|preprint|arxiv|"
    r"patents?|(?:presented|spoke|talk|keynote)\s+at|NeurIPS|ICML|ICLR|CVPR|ACL|EMNLP|KDD|SIGMOD|VLDB)\b",
    re.IGNORECASE,
)


def achievement_kind(text: str) -> ItemKind:
    """What an achievement line is about. A recognition first ("Best paper award at ICML" is an
    award, and "what was it given for" fits it), then a certification, then a publication."""
    if _AWARD_RE.search(text):
        return "award"
    if _CERTIFICATION_RE.search(text):
        return "certification"
    if _PUBLICATION_RE.search(text):
        return "publication"
    return "achievement"


@dataclass(frozen=True)
class ItemTemplates:
    """One item's three question variants and what a good answer covers (built into a
    ResumeQuestion by ``questions``)."""

    kind: ItemKind
    source: str
    texts: tuple[str, str, str]
    key_points: tuple[str, ...]
    ideal: str
    keywords: tuple[str, ...]


def typed_achievement(kind: ItemKind, text: str, numbers: list[str]) -> ItemTemplates | None:
    """Templates for an achievement line that is an award, a certification or a publication."""
    text = text.strip().rstrip(".")
    if statement_problem(text) is not None:
        return None
    quoted = f"Your resume says: “{text}.”"
    if kind == "award":
        return _award(text, quoted, numbers)
    if kind == "certification":
        return _certification(text, quoted, numbers)
    if kind == "publication":
        return _publication(text, quoted, numbers)
    return None


def certification_item(name: str) -> ItemTemplates | None:
    """A line of the certifications section: 'Certified Kubernetes Administrator (CKA)'."""
    name = name.strip().rstrip(".")
    if name_problem(name, max_words=12) is not None:
        return None
    return _certification(name, f"Your resume lists {name}.", [])


def publication_item(title: str) -> ItemTemplates | None:
    """A title from the publications section (the parser keeps the title, not the authors)."""
    title = title.strip().rstrip(".")
    # A title is a name-like phrase, but a long one; junk (decoration, fragments) is still junk.
    if name_problem(title, max_words=25) is not None:
        return None
    return _publication(title, f"Your resume lists “{title}”.", [])


def _award(text: str, quoted: str, numbers: list[str]) -> ItemTemplates:
    return ItemTemplates(
        kind="award",
        source=text,
        texts=(
            f"{quoted} What was it given for, and which part of that work was yours?",
            f"{quoted} What did the work behind it involve, and what was the hardest part of it?",
            f"{quoted} What did that work teach you that you have used since?",
        ),
        key_points=(
            "Says what the recognition was for and who judged it",
            "Describes the work behind it concretely, not only the result",
            "Separates their own part from what others contributed",
            f"Puts the result in context ({', '.join(numbers[:2])})" if numbers else "Puts the result in context",
            "Names a lesson from that work they have applied since",
        ),
        ideal=(
            "It recognised a piece of work I led from the idea to the result. I chose the problem, built the "
            "first version and ran the tests; others helped with design and review. The hard part was a "
            "deadline that forced trade-offs, and what I took from it is to test the riskiest assumption first."
        ),
        keywords=tuple(_content_words(text)[:3]) + tuple(numbers[:2]),
    )


def _certification(name: str, opening: str, numbers: list[str]) -> ItemTemplates:
    return ItemTemplates(
        kind="certification",
        source=name,
        texts=(
            f"{opening} What did preparing for it teach you that you have since used in real work?",
            f"{opening} Which part of it was the hardest to learn, and where have you used it since?",
            f"{opening} Tell me about a time what you learned for it changed a decision you made at work.",
        ),
        key_points=(
            "Says what the certification covers and why they took it",
            "Names a specific topic from it, not only the title",
            "Gives a real example of applying it at work or on a project",
            "Describes the outcome of that example",
            "Knows where the certification's material stops and experience takes over",
        ),
        ideal=(
            "I took it to make my practical knowledge systematic. The hardest part was the area I used least "
            "at work, so I built a small lab for it. A few months later that knowledge let me find the cause "
            "of a production problem quickly; the certificate mattered less than that practice."
        ),
        keywords=tuple(_content_words(name)[:3]) + tuple(numbers[:1]),
    )


def _publication(title: str, opening: str, numbers: list[str]) -> ItemTemplates:
    return ItemTemplates(
        kind="publication",
        source=title,
        texts=(
            f"{opening} What question did that work set out to answer, and what was your own contribution?",
            f"{opening} What was the main finding, and how did you make sure it held up?",
            f"{opening} If you did that work again today, what would you do differently, and why?",
        ),
        key_points=(
            "States the question or problem the work addressed",
            "Explains their own contribution among the authors",
            "Summarises the main finding or argument",
            "Describes how the result was checked (data, baselines, review)",
            "Names a limitation or what they would change",
        ),
        ideal=(
            "The work asked a specific question that practitioners kept running into. My part was the method "
            "and the experiments; co-authors helped with related work and writing. The main finding held "
            "against strong baselines and held-out data, and its limitation is the narrow data it was tested on."
        ),
        keywords=tuple(_content_words(title)[:3]) + tuple(numbers[:1]),
    )


def practice_skill(skill: str) -> ItemTemplates:
    """A listed skill that is a practice, not a technology ("Roadmapping", "Wound care", "A/B testing"):
    there is nothing one "built with" it, so the questions ask how it was used and judged."""
    return ItemTemplates(
        kind="skill",
        source=skill,
        texts=(
            f"Your resume lists {skill}. Tell me about a time it mattered most in your work: what was the situation, "
            "and what did you do?",
            f"How did you get good at {skill}, and how would you tell whether someone else does it well?",
            f"What is a common mistake people make with {skill}, and how do you avoid it?",
        ),
        key_points=(
            f"Gives a concrete situation where {skill} mattered",
            "Describes what they did step by step, not in general terms",
            "Says what good looks like and how they judge it",
            "Names a common mistake or limit and how they handle it",
        ),
        ideal=(
            f"One example: a situation where {skill} decided the outcome. I prepared, did the work step by step, "
            "checked the result against what good looks like, and changed my approach when it fell short. The "
            "common mistake is to skip that check; I build it into how I work."
        ),
        keywords=tuple(_content_words(skill)[:3]),
    )


_STOP = frozenset({"the", "and", "for", "with", "from", "into", "over", "that", "this", "your", "our", "using"})


def _content_words(text: str) -> list[str]:
    out: list[str] = []
    for word in re.findall(r"[^\W\d_][\w+#-]{2,}", text):
        if word.lower() not in _STOP and word.lower() not in {o.lower() for o in out}:
            out.append(word)
    return out
