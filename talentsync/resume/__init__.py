"""Resume ingestion: sniff, extract, parse, and turn into grounded interview questions.

Typical use (an activity on the ``ml`` queue)::

    kind = sniff_resume_type(data[:8192], filename)
    text = extract_text(data, kind)
    parsed = parse_resume(text)
    questions = generate_resume_questions(parsed, max_questions=3)

Every bad-input path raises ``ResumeError`` (413/415/422) and nothing else.
"""

import importlib
from typing import TYPE_CHECKING, Any

from talentsync.resume.errors import ResumeError
from talentsync.resume.extract import (
    MAX_RESUME_BYTES,
    MAX_ZIP_ENTRIES,
    MAX_ZIP_RATIO,
    MAX_ZIP_UNCOMPRESSED,
    check_docx_package,
    extract_text,
)
from talentsync.resume.models import (
    Achievement,
    Education,
    ParsedResume,
    Project,
    ResumeQuestion,
    Role,
)
from talentsync.resume.sniff import ResumeKind, sniff_resume_type

if TYPE_CHECKING:
    from talentsync.resume.nlp import load_nlp
    from talentsync.resume.parse import parse_resume
    from talentsync.resume.questions import generate_resume_questions

# Parsing needs spaCy, which imports torch (~1.5 s, ~185 MB). The API only sniffs and extracts text,
# so the parser is imported on first use, not with the package.
_LAZY = {
    "load_nlp": "talentsync.resume.nlp",
    "parse_resume": "talentsync.resume.parse",
    "generate_resume_questions": "talentsync.resume.questions",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MAX_RESUME_BYTES",
    "MAX_ZIP_ENTRIES",
    "MAX_ZIP_RATIO",
    "MAX_ZIP_UNCOMPRESSED",
    "Achievement",
    "Education",
    "ParsedResume",
    "Project",
    "ResumeError",
    "ResumeKind",
    "ResumeQuestion",
    "Role",
    "check_docx_package",
    "extract_text",
    "generate_resume_questions",
    "load_nlp",
    "parse_resume",
    "sniff_resume_type",
]
