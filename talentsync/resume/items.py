"""List-like sections: skills, certifications, publications.

A skills entry is kept whole with its parentheses and slashes ("Google Cloud (GKE, Pub/Sub)",
"CI/CD", "Terraform / Terragrunt"): commas inside brackets do not separate skills, and a list
wrapped inside a bracket continues on the next line.
"""

from __future__ import annotations

import re

from talentsync.resume.lines import Line, ends_sentence, join, starts_like_continuation
from talentsync.resume.models import SourceLine
from talentsync.resume.sections import heading_key
from talentsync.skills import ALIAS_TO_CANONICAL

_CATEGORY_RE = re.compile(r"^([^\W\d_][^:—–]{0,30}?)\s*(?::|\s[—–]\s)\s*(?=\S)")
_CATEGORY_WORDS = {
    "languages",
    "programming languages",
    "frameworks",
    "libraries",
    "frameworks and libraries",
    "tools",
    "databases",
    "cloud",
    "platforms",
    "other",
    "soft skills",
    "technologies",
    "devops",
    "testing",
    "frontend",
    "backend",
    "data",
    "infrastructure",
    "methodologies",
    "cloud and devops",
    "standards",
}
# Spoken languages listed inside a skills section ("Sprachen: Deutsch, Englisch") are not skills.
_NATURAL_LANGUAGES = {
    "english",
    "german",
    "french",
    "spanish",
    "portuguese",
    "italian",
    "dutch",
    "polish",
    "arabic",
    "chinese",
    "mandarin",
    "japanese",
    "hindi",
    "russian",
    "turkish",
    "swedish",
    "deutsch",
    "englisch",
    "französisch",
    "spanisch",
    "español",
    "inglés",
    "francés",
    "alemán",
    "français",
    "anglais",
    "português",
}
_YEAR_END_RE = re.compile(r"(?:19|20)\d{2}\)?\.?$")
_YEAR_TAIL_RE = re.compile(r"(?:[,;]?\s*\(?(?:19|20)\d{2}(?:\s*[–-]\s*(?:19|20)?\d{2,4})?\)?\.?)+\s*$")


def _depth_balance(text: str) -> int:
    return text.count("(") + text.count("[") - text.count(")") - text.count("]")


def split_top_level(text: str, separators: str = ",;|•·▪") -> list[str]:
    """Split at separators outside brackets: 'A (x, y), B' -> ['A (x, y)', 'B']."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _join_wrapped_list_lines(lines: list[Line]) -> list[Line]:
    """Join a skills line that stops inside a bracket or after a comma with the next one."""
    out: list[list[Line]] = []
    for line in lines:
        if out:
            prev = join(out[-1])
            if (
                _depth_balance(prev.text) > 0
                or prev.text.rstrip().endswith((",", "/", "&", "("))
                or line.text.startswith(("(", "&", "/"))
                or (line.text[:1].islower() and not line.bullet and not prev.bullet)
            ):
                out[-1].append(line)
                continue
        out.append([line])
    return [join(group) if len(group) > 1 else group[0] for group in out]


def collect_skills(lines: list[Line]) -> tuple[list[str], dict[str, SourceLine]]:
    """Skills as listed, in order, with the line each came from."""
    found: list[str] = []
    sources: dict[str, SourceLine] = {}
    seen: set[str] = set()
    for line in _join_wrapped_list_lines(lines):
        body = line.text
        category = _CATEGORY_RE.match(body)
        if category and (category.group(1).lower() in _CATEGORY_WORDS or len(category.group(1).split()) <= 3):
            if heading_key(category.group(1)) == "languages" and _mostly_natural_languages(body[category.end() :]):
                continue
            body = body[category.end() :]
        if _mostly_natural_languages(body):
            continue
        for item in split_top_level(body):
            item = item.strip(" .:-–*")
            if not item or len(item) > 60 or len(item.split()) > 6 or not re.search(r"[^\W\d_]", item):
                continue
            if item.lower() in _CATEGORY_WORDS or heading_key(item):
                continue
            name = ALIAS_TO_CANONICAL.get(item.lower(), item)
            if name.lower() not in seen:
                seen.add(name.lower())
                found.append(name)
                sources[name] = line.source()
    return found, sources


def _mostly_natural_languages(text: str) -> bool:
    items = [re.sub(r"\s*\(.*?\)", "", p).strip().lower() for p in split_top_level(text)]
    items = [i for i in items if i]
    return bool(items) and sum(i in _NATURAL_LANGUAGES for i in items) >= max(1, len(items) // 2 + 1)


def _join_entries(lines: list[Line], *, year_ends_entry: bool) -> list[Line]:
    """One logical line per entry: wrapped lines rejoin, numbered/bulleted entries split."""
    groups: list[list[Line]] = []
    bulleted = sum(line.bullet for line in lines) * 2 >= len(lines) > 0
    for line in lines:
        if groups and not line.bullet and bulleted:
            groups[-1].append(line)  # in a bulleted list every other line is a wrapped tail
            continue
        if groups and not line.bullet and not line.blank_before:
            prev = join(groups[-1])
            if year_ends_entry:
                # "Google Cloud Professional" / "Cloud DevOps Engineer" / "(2023)" is one entry;
                # a line that is a whole dated entry itself ("CCRN (Adult), AACN, 2017") is not a tail.
                whole = bool(_YEAR_END_RE.search(line.text)) and len(line.text.split()) >= 4
                joined = not _YEAR_END_RE.search(prev.text) and not _complete_entry(prev.text) and not whole
            else:
                new_item = bool(_QUOTED_START_RE.match(line.text) or _AUTHORS_RE.match(line.text))
                joined = starts_like_continuation(line.text) or (not ends_sentence(prev.text) and not new_item)
            if joined:
                groups[-1].append(line)
                continue
        groups.append([line])
    return [join(g) if len(g) > 1 else g[0] for g in groups]


def _complete_entry(text: str) -> bool:
    return text.endswith(")") and _depth_balance(text) == 0 and len(text.split()) >= 2


def collect_certifications(lines: list[Line]) -> tuple[list[str], dict[str, SourceLine]]:
    items = []
    for line in lines:
        for part in split_top_level(line.text, ";"):
            items.append(
                Line(
                    text=part,
                    number=line.number,
                    start=line.start,
                    raw=line.raw,
                    bullet=line.bullet,
                    blank_before=line.blank_before or part != line.text,
                )
            )
    # When most entries end with a year, a line without one was wrapped by the exporter.
    with_year = sum(bool(_YEAR_END_RE.search(i.text)) for i in items)
    entries = _join_entries(items, year_ends_entry=with_year * 2 >= len(items) > 0)
    out: list[str] = []
    sources: dict[str, SourceLine] = {}
    for entry in entries:
        text = _YEAR_TAIL_RE.sub("", entry.text).strip(" ,;-–—")
        text = re.sub(r",?\s*(?:license|licence|lizenz)\s*(?:no\.?|number|#)?\s*#?\w+$", "", text, flags=re.I)
        if len(text) > 2 and re.search(r"[^\W\d_]{2}", text) and text not in out:
            out.append(text)
            sources[text] = entry.source()
    return out, sources


_QUOTED_START_RE = re.compile(r"^[\"“„«]")
_QUOTED_RE = re.compile(r"[\"“„«]([^\"”“»]{8,250})[\"”“»]")
_AUTHORS_RE = re.compile(
    r"^(?:(?:[A-Z]\.\s?)+[A-Z][\w'’-]+|[A-Z][\w'’-]+,\s(?:[A-Z]\.\s?)+)"
    r"(?:(?:,|;|,? and|,? &)\s*(?:(?:[A-Z]\.\s?)+[A-Z][\w'’-]+|[A-Z][\w'’-]+,\s(?:[A-Z]\.\s?)+))*\.?\s+"
)


def collect_publications(lines: list[Line]) -> tuple[list[str], dict[str, SourceLine]]:
    """Titles of papers and talks: the quoted title, or the sentence after the author list."""
    out: list[str] = []
    sources: dict[str, SourceLine] = {}
    for entry in _join_entries(lines, year_ends_entry=False):
        text = entry.text
        quoted = _QUOTED_RE.search(text)
        if quoted:
            title = quoted.group(1)
        else:
            authors = _AUTHORS_RE.match(text)
            rest = text[authors.end() :] if authors else text
            title = re.split(r"(?<=[a-z0-9?!])\.\s+(?=[A-Z0-9])", rest, maxsplit=1)[0]
        title = title.strip(" .,;")
        if len(title.split()) >= 2 and title not in out:
            out.append(title)
            sources[title] = entry.source()
    return out, sources
