"""Turn resume text into a ``ParsedResume``.

Layout is found with rules (decoration, headings, bullets, wrapped lines, date ranges: see
lines.py, sections.py, roles.py) because resumes are semi-structured and rules are predictable;
spaCy adds what rules cannot: organisations and places (NER), and the skills vocabulary
(PhraseMatcher) instead of NER for skills, which the small model mislabels. The text is run
through the pipeline once; every later step looks entities up by character offset.

Every extracted item keeps the line it came from (``source``), so the review page can show it and
a question built on it can be traced back to the candidate's own words.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from talentsync.resume.contacts import EMAIL_RE, find_links, find_name, find_phone, is_contact
from talentsync.resume.dates import years_experience
from talentsync.resume.items import collect_certifications, collect_publications, collect_skills
from talentsync.resume.lines import Line, split_lines
from talentsync.resume.models import Achievement, ParsedResume, SourceLine
from talentsync.resume.nlp import Entities, analyse
from talentsync.resume.projects import parse_education, parse_projects
from talentsync.resume.roles import TITLE_WORDS_RE, is_body_sentence, logical_lines, parse_roles
from talentsync.resume.sections import heading_key, split_sections
from talentsync.skills import ALIAS_TO_CANONICAL

log = logging.getLogger(__name__)

_NUMBER_RE = re.compile(
    r"(?P<num>(?:[$€£¥₦]\s?)?\d+(?:[.,]\d+)*(?:\s?(?:k|K|M|B|bn|MM|million|billion|thousand|Mio|Mrd|millones))?\+?"
    r"(?:\s?%|\s?x\b|×| percent\b| times\b)?)"
    r"(?P<unit>(?:\s+|-)[^\W\d_][\w/-]*)?"
)
_FROM_TO_RE = re.compile(r"\bfrom\s+(?P<a>\d[\d.,]*)\s+(?:\w+\s+)?(?:to|down to|up to)\s+(?P<b>\d[\d.,]*)")
_TEAM_OF_RE = re.compile(r"\b(?:team|group|squad|class(?:es)?|crew) of (?P<n>\d+(?:[–-]\d+)?)\b", re.IGNORECASE)
# "ISO 26262", "IEC 62304", "SOC 2": a standard's number is a name, not a result.
_STANDARD_BEFORE_RE = re.compile(
    r"\b(?!(?:SEK|USD|EUR|GBP|INR|CHF|NOK|DKK|PLN|BRL|NGN|CAD|AUD|JPY|CZK|MXN|ZAR)\s)[A-Z]{2,5}(?:/[A-Z]{2,5})?\s$"
)
_UNIT_STOPWORDS = {"to", "and", "or", "of", "in", "by", "from", "with", "the", "a", "an", "for", "on", "per", "at"}
_CLAIMED_YEARS_RE = re.compile(
    r"(\d{1,2}(?:\.\d)?)\+?\s*(?:years|yrs)\b(?:\s+of)?(?:\s+\w+)?\s+experience", re.IGNORECASE
)
# Vocabulary words that in a sentence mostly name a place or a topic ("350 GitHub stars",
# "taught statistics"), not a skill the candidate claims; in a skills list they still count.
_TOO_GENERIC_IN_PROSE = {
    "GitHub",
    "GitLab",
    "statistics",
    "security",
    "networking",
    "observability",
    "DevOps",
    "microservices",
    "iOS",
    "Android",
    "machine learning",
    "SRE",
}
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[a-z0-9%)\]])\.\s+(?=[A-Z])")


def parse_resume(text: str, *, as_of: date | None = None) -> ParsedResume:
    """Parse normalised resume text (as returned by ``extract_text``).

    Deterministic for a given ``text`` and ``as_of``; ``as_of`` (default: today) is the date
    "present" stands for when computing ``years_experience``.
    """
    text = text.replace("\r\n", "\n")
    as_of = as_of or date.today()
    lines = split_lines(text)
    sections = split_sections(lines)
    ents = Entities(analyse(text), set(ALIAS_TO_CANONICAL))
    header = sections.get("header", [])

    persons = [e.text for e in ents.ents if e.label_ == "PERSON" and header and e.start_char < header[-1].end]
    email_match = EMAIL_RE.search(text)
    links, link_sources = find_links(lines)
    phone = find_phone(header) or find_phone(lines[:15])

    role_pairs = parse_roles(sections.get("experience", []), ents)
    roles = [role for role, _ in role_pairs]
    project_pairs = parse_projects(sections.get("projects", []), ents)
    education = parse_education(sections.get("education", []), ents)
    certifications, cert_sources = collect_certifications(sections.get("certifications", []))
    publications, publication_sources = collect_publications(sections.get("publications", []))
    skills, skill_sources = collect_skills(sections.get("skills", []))
    _add_mentioned_skills(skills, skill_sources, sections, ents)

    achievements: list[Achievement] = []
    for role, body in role_pairs:
        for line in body:
            _add_achievements(achievements, line, role.employer or None)
    for _, described in project_pairs:
        for line in described:
            _add_achievements(achievements, line, None)
    for line in logical_lines(sections.get("achievements", [])):
        _add_achievements(achievements, line, None)

    summary = _find_summary(sections, header)
    skill_keys = {s.lower() for s in skills}
    organisations = _dedupe_contained(
        [r.employer for r in roles if r.employer]
        + [e.institution for e in education if e.institution]
        + [
            t
            for e in ents.ents
            if e.label_ == "ORG" and _entity_ok(t := _clean(e.text), skill_keys) and not is_contact(t)
        ]
    )
    places = _dedupe_contained(
        [r.location for r in roles if r.location]
        + [t for e in ents.ents if e.label_ in ("GPE", "LOC") and _entity_ok(t := _clean(e.text), skill_keys)]
    )
    years = years_experience(roles, as_of)
    if years is None and summary:
        claimed = _CLAIMED_YEARS_RE.search(summary)
        years = float(claimed.group(1)) if claimed else None

    sources: dict[str, dict[str, SourceLine]] = {
        "skills": skill_sources,
        "certifications": cert_sources,
        "publications": publication_sources,
        "links": link_sources,
    }
    return ParsedResume(
        name=find_name(header, persons[0] if persons else None),
        email=email_match.group(0) if email_match else None,
        phone=phone,
        links=links,
        summary=summary,
        skills=skills,
        roles=roles,
        education=education,
        projects=[project for project, _ in project_pairs],
        certifications=certifications,
        publications=publications,
        organisations=[o for o in organisations if o],
        places=[p for p in places if p],
        years_experience=years,
        achievements=achievements,
        sections={key: "\n".join(line.text for line in value) for key, value in sections.items()},
        sources={key: value for key, value in sources.items() if value},
    )


def _add_mentioned_skills(
    skills: list[str], sources: dict[str, SourceLine], sections: dict[str, list[Line]], ents: Entities
) -> None:
    """Vocabulary skills named in experience and projects, unless a listed entry already holds them
    ("GKE" inside "Google Cloud (GKE, Pub/Sub)")."""
    listed = " | ".join(skills).lower()
    seen = {s.lower() for s in skills}
    for key in ("experience", "projects"):
        for line in sections.get(key, []):
            if not (line.bullet or is_body_sentence(line.text)):
                continue  # "ETL Developer", "Machine Learning Engineer": a title is not a skill claim
            for name in ents.skills_in(line.start, line.end):
                if name in _TOO_GENERIC_IN_PROSE:
                    continue
                aliases = [a for a, c in ALIAS_TO_CANONICAL.items() if c == name]
                if name.lower() in seen or any(re.search(rf"(?<!\w){re.escape(a)}(?!\w)", listed) for a in aliases):
                    continue
                seen.add(name.lower())
                skills.append(name)
                sources[name] = line.source()


def quantities(text: str) -> list[str]:
    out: list[str] = []
    for match in _NUMBER_RE.finditer(text):
        num = match.group("num").strip()
        unit = (match.group("unit") or "").strip()
        prefix = text[max(0, match.start() - 1) : match.start()]
        if prefix and (prefix.isalnum() or prefix in "._-/#"):
            continue  # part of a token: "p95", "S3", "v2", "3.11", "PR #512"
        if re.fullmatch(r"(19|20)\d{2}", num):
            continue  # a year
        if _STANDARD_BEFORE_RE.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        if re.match(r"\d", num) and re.match(r"\s*(?:st|nd|rd|th)\b", text[match.end("num") :]):
            continue  # "99.9th percentile" is a definition, not a result on its own
        strong = bool(re.search(r"[%$€£¥₦x×]|percent|times|[kKMB]\b|bn|million|billion|thousand", num))
        if strong:
            out.append(num)
            continue
        if unit and unit.lstrip("-").lower() not in _UNIT_STOPWORDS:
            out.append(f"{num}{unit}" if unit.startswith("-") else f"{num} {unit}")
    for change in _FROM_TO_RE.finditer(text):
        phrase = f"from {change.group('a')} to {change.group('b')}"
        if not any(change.group("a") in n or change.group("b") in n for n in out):
            out.append(phrase)
    for team in _TEAM_OF_RE.finditer(text):
        if not any(team.group("n") in n for n in out):
            out.append(team.group(0))
    return out


def _add_achievements(achievements: list[Achievement], line: Line, employer: str | None) -> None:
    """Quantified statements; a paragraph is cut into sentences so each result stands alone."""
    pieces = [line.text] if line.bullet or len(line.text.split()) <= 30 else _SENTENCE_SPLIT_RE.split(line.text)
    if not line.bullet and len(pieces) == 1 and len(line.text.split()) > 12:
        pieces = _SENTENCE_SPLIT_RE.split(line.text)
    for piece in pieces:
        piece = piece.strip()
        numbers = quantities(piece)
        if numbers and re.search(r"[^\W\d_]{3}", piece) and len(piece.split()) >= 3:
            text = piece if piece.endswith((".", "!", ")")) or line.bullet else piece + "."
            achievements.append(
                Achievement(
                    text=text,
                    employer=employer,
                    numbers=numbers,
                    source=line.source(),
                )
            )


def _find_summary(sections: dict[str, list[Line]], header: list[Line]) -> str | None:
    if sections.get("summary"):
        return " ".join(line.text for line in sections["summary"])
    prose = [line.text for line in header if is_body_sentence(line.text) and not is_contact(line.text)]
    return " ".join(prose) or None


def _entity_ok(text: str, skills: set[str]) -> bool:
    """Drop NER noise: headings, dates, acronyms like "API", skills the model took for names."""
    if len(text) < 2 or text.lower() in skills or text.lower() in ALIAS_TO_CANONICAL:
        return False
    if heading_key(text) or re.search(r"\d{2}/\d{4}|^\W|\d{4}", text):
        return False
    if text.isupper() and len(text) <= 4:
        return False
    return not TITLE_WORDS_RE.search(text) and not EMAIL_RE.search(text)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,.-–—|:;()")


def _dedupe_contained(items: list[str]) -> list[str]:
    """Dedupe, also dropping an entity that contains or is contained in an earlier one."""
    out: list[str] = []
    for item in dict.fromkeys(items):
        low = item.lower()
        if item and not any(low in o.lower() or o.lower() in low for o in out):
            out.append(item)
    return out
