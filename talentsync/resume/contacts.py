"""Name, email, phone and the candidate's links."""

from __future__ import annotations

import re

from talentsync.resume.dates import DATE_RANGE_RE
from talentsync.resume.lines import Line
from talentsync.resume.models import SourceLine

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE_RE = re.compile(r"(?<![\w/])\+?\(?\d[\d\s().-]{6,18}\d(?![\w/])")
# Bare domains count only in lower case with a path or a personal-site TLD, so "Kiwi.com" (an
# employer) and "Node.js" (a skill) are not links, while "priyaraman.dev" and
# "twitter.com/dcohen_pm" are.
_TLDS = (
    "com|dev|io|ai|co|me|org|net|design|blog|codes|app|page|site|tech|info|xyz|fr|de|pt|ie|ca|uk|br|es|it|nl|"
    "se|pl|in|ch|at|be|eu|us|cz|bg|ng|ma|il|jp|au|nz|github\\.io|com\\.br|co\\.uk"
)
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s|,;<>()\"“”]+"
    rf"|(?<![@\w.-])(?:[a-z0-9][a-z0-9-]*\.)+(?:{_TLDS})(?:/[^\s|,;<>()\"“”]*)?(?![\w@-])"
)
_NAME_PARTICLES = {
    "de",
    "van",
    "von",
    "der",
    "da",
    "di",
    "del",
    "le",
    "la",
    "bin",
    "al",
    "el",
    "du",
    "dos",
    "y",
    "zahra",
}
_HONORIFICS_RE = re.compile(r"^(?:dr|prof|mr|mrs|ms|mx|ing)\.?\s+", re.IGNORECASE)
_NOT_NAME_RE = re.compile(
    r"\b(?:resume|résumé|cv|curriculum|vitae|lebenslauf|engineer|developer|manager|designer|scientist|analyst|"
    r"nurse|researcher|summary|profile|contact|experience)\b",
    re.IGNORECASE,
)


def find_name(header: list[Line], fallback_person: str | None) -> str | None:
    texts = [line.text for line in header[:6]]
    if len(texts) >= 2 and all(re.fullmatch(r"[^\W\d_][\w'’-]+", t) for t in texts[:2]):
        texts.insert(0, f"{texts[0]} {texts[1]}")  # a large name wrapped in a narrow sidebar
    for text in texts:
        for candidate in re.split(r"\s*[|•·,—–]\s*|\s+-\s+", text):
            candidate = _HONORIFICS_RE.sub("", candidate.strip())
            words = candidate.split()
            if not 2 <= len(words) <= 5 or any(ch.isdigit() or ch == "@" for ch in candidate):
                continue
            if _NOT_NAME_RE.search(candidate):
                continue
            if all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in words) and all(
                re.fullmatch(r"[^\W\d_][\w'’.-]*", w) for w in words
            ):
                if candidate.isupper():
                    return " ".join(w if len(w) <= 2 and w.endswith(".") else w.title() for w in words)
                return candidate
    return fallback_person


def find_phone(lines: list[Line]) -> str | None:
    for line in lines:
        for match in _PHONE_RE.finditer(line.text):
            candidate = match.group(0).strip()
            digits = re.sub(r"\D", "", candidate)
            if not 7 <= len(digits) <= 15 or DATE_RANGE_RE.search(candidate.lower()):
                continue
            if re.fullmatch(r"(19|20)\d{2}\s*[-–]\s*(19|20)\d{2}", candidate):
                continue
            return candidate
    return None


def find_links(lines: list[Line]) -> tuple[list[str], dict[str, SourceLine]]:
    out: list[str] = []
    sources: dict[str, SourceLine] = {}
    seen: set[str] = set()
    for line in lines:
        for match in URL_RE.finditer(line.text):
            url = match.group(0).rstrip(".,;:)")
            key = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).rstrip("/")
            if key and key not in seen:
                seen.add(key)
                out.append(url)
                sources[url] = line.source()
    return out, sources


def is_contact(text: str) -> bool:
    return bool(EMAIL_RE.search(text) or URL_RE.search(text))
