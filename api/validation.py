"""Input rules applied at the edge, before anything reaches PostgreSQL, Redis or a workflow.

PostgreSQL refuses NUL in text (a 500 deep inside a query or, worse, an activity that retries for
ever); other control characters are never legitimate in names, ids or search terms. Integer ids
outside PostgreSQL's `integer` range would fail inside the query. Both become a 422 that names the
field, in microseconds.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, Field

INT32_MAX = 2**31 - 1

# C0 controls, DEL and C1 controls. Line breaks and tabs are allowed only in long text.
_CONTROL_SHORT = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_LONG = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_char_problem(value: str, allow_newlines: bool = False) -> str | None:
    """A sentence naming the first forbidden character, or None when the text is clean."""
    match = (_CONTROL_LONG if allow_newlines else _CONTROL_SHORT).search(value)
    if match is None:
        return None
    code = f"U+{ord(match.group()):04X}"
    where = "" if allow_newlines else " (line breaks and tabs are not allowed here either)"
    return f"contains a control character ({code}) at position {match.start()}{where}; remove it"


def _clean_line(value: str) -> str:
    problem = control_char_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _clean_text(value: str) -> str:
    problem = control_char_problem(value, allow_newlines=True)
    if problem:
        raise ValueError(problem)
    return value


_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]")


def safe_filename(name: str | None, default: str) -> str:
    """Browsers send the user's file name as is: keep it readable, drop what PostgreSQL, a path or a
    Content-Disposition header cannot hold."""
    cleaned = _UNSAFE_FILENAME.sub("", name or "").strip()
    return (cleaned or default)[:200]


# One-line values: names, emails, ids, search terms, list items.
SafeLine = Annotated[str, AfterValidator(_clean_line)]
# Long free text (answers, question text, ideal answers): \n, \r and \t are fine.
SafeText = Annotated[str, AfterValidator(_clean_text)]

# Database ids are PostgreSQL `integer`s.
DbId = Annotated[int, Field(ge=1, le=INT32_MAX)]
PathId = Annotated[int, Path(ge=1, le=INT32_MAX)]
