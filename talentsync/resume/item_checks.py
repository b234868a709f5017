"""Checks that keep junk resume items out of interview questions.

A question quotes a resume item back to the candidate ("Walk me through the architecture of X"),
so an item that is decoration ("========"), a fragment of a split list ("Google Cloud (GKE"), or
the tail of a wrapped line ("and noisy thresholds; 350 GitHub stars.") must never get there,
whatever the parser produced or the candidate typed into the review page. Each check returns the
reason an item is rejected, or None.
"""

from __future__ import annotations

import re

_LETTER_RE = re.compile(r"[^\W\d_]")
_REPEATED_PUNCT_RE = re.compile(r"([^\w\s])\1{2,}")
_LEADING_FRAGMENT_RE = re.compile(
    r"^(?:and|or|but|nor|so|yet|with|to|for|of|in|on|at|by|from|as|which|that|while|whereas|than|then|plus)\b",
    re.IGNORECASE,
)
_TRAILING_FRAGMENT_RE = re.compile(
    r"\b(?:and|or|but|with|to|for|of|in|on|at|by|from|the|a|an|within|into|via|than)\s*$", re.IGNORECASE
)
_URL_ONLY_RE = re.compile(r"^(?:https?://|www\.)?[\w.-]+\.[a-z]{2,}(?:/\S*)?$", re.IGNORECASE)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _common(text: str) -> str | None:
    stripped = text.strip()
    if not stripped:
        return "empty"
    if not _LETTER_RE.search(stripped):
        return "no letters"
    if _REPEATED_PUNCT_RE.search(stripped):
        return "decoration"
    if not _balanced(stripped):
        return "unbalanced brackets (a fragment of a split list)"
    if stripped[0] in ")]},;:.!?/|&":
        return "starts with punctuation (a fragment)"
    return None


def name_problem(text: str, *, max_words: int = 8) -> str | None:
    """For names of things: a project, an employer, a job title, a skill."""
    if problem := _common(text):
        return problem
    stripped = text.strip()
    if len(re.findall(r"[^\W_]", stripped)) < 2:
        return "too short"  # "N26" and "Go" are names; "C" alone is not enough to quote
    words = stripped.split()
    if len(words) > max_words:
        return "too long for a name (a sentence, not a name)"
    if _LEADING_FRAGMENT_RE.match(stripped) and len(words) > 1:
        return "starts with a conjunction (a fragment)"
    if _URL_ONLY_RE.match(stripped) and "/" in stripped:
        return "a link, not a name"
    # A lower-case single token is a fine project name ("kube-budget"); lower-case words are a
    # sentence's tail.
    if stripped[0].islower() and len(words) > 2:
        return "starts in lower case (the tail of a wrapped line)"
    return None


def statement_problem(text: str) -> str | None:
    """For statements quoted in a question: an achievement, a bullet."""
    if problem := _common(text):
        return problem
    stripped = text.strip()
    words = stripped.split()
    if len(words) < 4:
        return "too short to be a statement"
    if len(words) > 60:
        return "too long (a paragraph, not one statement)"
    if stripped[0].islower():
        return "starts in lower case (the tail of a wrapped line)"
    if _LEADING_FRAGMENT_RE.match(stripped):
        return "starts with a conjunction (a fragment)"
    if _TRAILING_FRAGMENT_RE.search(stripped.rstrip(".;,")) and not stripped.endswith("."):
        return "ends mid-sentence (a line cut by wrapping)"
    return None
