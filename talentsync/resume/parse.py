"""Turn resume text into a ``ParsedResume``.

Layout is found with rules (section headings, bullets, date ranges) because resumes are
semi-structured and rules are predictable; spaCy adds what rules cannot: organisations and
places (NER), and the skills vocabulary (PhraseMatcher) instead of NER for skills, which the
small model mislabels. The text is run through the pipeline once; every later step looks up
entities by character offset.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span

from talentsync.resume.models import Achievement, Education, ParsedResume, Project, Role
from talentsync.resume.nlp import analyse, skill_spans
from talentsync.resume.skills import ALIAS_TO_CANONICAL

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------- sections

SECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "profile",
        "professional summary",
        "career summary",
        "about",
        "about me",
        "objective",
        "career objective",
        "professional profile",
        "personal statement",
        "overview",
    ),
    "experience": (
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "professional background",
        "relevant experience",
        "career",
        "positions held",
        "industry experience",
    ),
    "education": (
        "education",
        "academic background",
        "education and training",
        "academics",
        "academic qualifications",
        "qualifications",
        "education history",
        "studies",
    ),
    "projects": (
        "projects",
        "personal projects",
        "selected projects",
        "side projects",
        "key projects",
        "open source",
        "open source projects",
        "project experience",
        "portfolio",
    ),
    "skills": (
        "skills",
        "technical skills",
        "core competencies",
        "competencies",
        "technologies",
        "tech stack",
        "tools and technologies",
        "skills and tools",
        "key skills",
        "expertise",
        "areas of expertise",
        "skill set",
        "skillset",
        "technical expertise",
        "toolbox",
        "skills and technologies",
        "technical proficiencies",
    ),
    "certifications": (
        "certifications",
        "certificates",
        "certification",
        "licenses and certifications",
        "licences and certifications",
        "courses and certifications",
        "certifications and courses",
        "professional certifications",
        "training",
    ),
    "achievements": (
        "achievements",
        "key achievements",
        "accomplishments",
        "awards",
        "honors",
        "honours",
        "awards and honors",
    ),
    "publications": ("publications", "papers", "talks", "talks and publications"),
    "languages": ("languages", "spoken languages", "language skills"),
    "interests": ("interests", "hobbies", "hobbies and interests"),
    "volunteering": (
        "volunteering",
        "volunteer experience",
        "volunteer work",
        "leadership and activities",
        "activities",
    ),
    "references": ("references",),
}
_HEADING_TO_SECTION = {alias: key for key, aliases in SECTION_ALIASES.items() for alias in aliases}
# Only these may open inline ("Skills: Python, Go"); "Languages:" inside a skills list is a
# sub-category, not the spoken-languages section.
_INLINE_SECTIONS = {"summary", "skills", "certifications", "experience", "education", "projects"}
_INLINE_HEADING_RE = re.compile(r"^([A-Za-z][A-Za-z &/]{2,40}):\s*(\S.*)$")
_SPACED_CAPS_RE = re.compile(r"^(?:[A-Z] ){3,}[A-Z]$")

# ---------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:\b{_MONTH_WORD}(?:\.|\b),?\s*(?:19|20)\d{{2}}(?!\d)"
    r"|(?<![\d/.-])(?:0?[1-9]|1[0-2])\s?[/.-]\s?(?:19|20)\d{2}(?!\d)"
    r"|(?<!\d)(?:19|20)\d{2}[/.-](?:0[1-9]|1[0-2])(?![\d/.-])"
    r"|(?<![\d/.-])(?:19|20)\d{2}(?![\d]))"
)
_PRESENT = r"(?:present|current(?:ly)?|now|today|to date|ongoing)"
_RANGE_SEP = r"\s*(?:–|—|-|−|~|→|->|to|until|till|through|thru)\s*"
DATE_RANGE_RE = re.compile(rf"(?:from\s+)?(?P<start>{_DATE}){_RANGE_SEP}(?P<end>{_DATE}|{_PRESENT})", re.IGNORECASE)
_SINCE_RE = re.compile(rf"\bsince\s+(?P<start>{_DATE})|(?P<start2>{_DATE})\s*(?:–|—|-)\s*$", re.IGNORECASE)
_SINGLE_DATE_RE = re.compile(_DATE, re.IGNORECASE)

# ---------------------------------------------------------------------------- line classes

_BULLET_RE = re.compile(r"^\s*(?:[-•*▪◦●○■□➢►▸‣⁃–—·✓✔>]|\d{1,2}[.)])\s*")
_TITLE_WORDS = re.compile(
    r"\b(?:engineer|developer|programmer|manager|lead|architect|analyst|scientist|designer|"
    r"consultant|intern|director|head|specialist|administrator|officer|vp|cto|ceo|cfo|coo|"
    r"sre|devops|researcher|associate|coordinator|technician|owner|founder|co-founder|"
    r"principal|staff|fellow|advisor|adviser|strategist|tester|qa|administrator|"
    r"president|partner|instructor|lecturer|professor|assistant|executive|representative|"
    r"recruiter|accountant|writer|editor|trainee|apprentice|contractor|freelancer|freelance|"
    r"technologist|evangelist|advocate|mentor|teacher|tutor|nurse|product manager)\b",
    re.IGNORECASE,
)
_ORG_SUFFIX_RE = re.compile(
    r"\b(?:inc|llc|ltd|limited|gmbh|ag|sa|plc|corp|corporation|co|company|group|labs?|"
    r"technologies|technology|systems|solutions|software|bank|partners|ventures|studios?|"
    r"consulting|holdings|university|institute|agency|networks|analytics|health|media|"
    r"foundation|industries|games|capital|ai|io|bv|oy|ab|pty|srl|s\.a\.)\.?$",
    re.IGNORECASE,
)
_COMPANY_TAIL_RE = re.compile(r"^(?:inc|llc|ltd|gmbh|ag|plc|corp|co|s\.a|bv|pty ltd)\.?$", re.IGNORECASE)
_REMOTE_RE = re.compile(r"^\(?(?:remote|hybrid|on-?site|work from home|wfh|fully remote)\)?$", re.IGNORECASE)
_US_STATE_RE = re.compile(r"^[A-Z][a-zA-Z .'-]+,\s?[A-Z]{2}$")
_US_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC"
)
_US_STATES = frozenset(_US_STATE_CODES.split())
_COUNTRIES = frozenset(
    {
        "usa",
        "us",
        "united states",
        "uk",
        "united kingdom",
        "england",
        "scotland",
        "ireland",
        "germany",
        "france",
        "spain",
        "portugal",
        "italy",
        "netherlands",
        "belgium",
        "switzerland",
        "austria",
        "poland",
        "sweden",
        "norway",
        "denmark",
        "finland",
        "canada",
        "mexico",
        "brazil",
        "argentina",
        "india",
        "china",
        "japan",
        "singapore",
        "australia",
        "new zealand",
        "israel",
        "nigeria",
        "kenya",
        "south africa",
        "egypt",
        "uae",
        "turkey",
        "ukraine",
        "czech republic",
        "romania",
        "greece",
        "estonia",
        "vietnam",
        "philippines",
        "indonesia",
        "korea",
        "pakistan",
    }
)
_FIELD_SPLIT_RE = re.compile(r"\s+[|–—·•/]\s+|\s*\|\s*|\s+-\s+|,\s+|\s+@\s+|\s+at\s+|\s*\(\s*|\s*\)\s*|\s*;\s*")
_AT_RE = re.compile(r"\s+(?:at|@)\s+")

# ---------------------------------------------------------------------------- contacts

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE_RE = re.compile(r"(?<![\w/])\+?\(?\d[\d\s().-]{6,18}\d(?![\w/])")
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s|,;<>()]+|\b(?:linkedin\.com|github\.com|gitlab\.com|bitbucket\.org|"
    r"behance\.net|dribbble\.com|medium\.com|stackoverflow\.com|kaggle\.com)/[^\s|,;<>()]+",
    re.IGNORECASE,
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
}

# ---------------------------------------------------------------------------- numbers

_NUMBER_RE = re.compile(
    r"(?P<num>(?:[$€£¥]\s?)?\d+(?:[.,]\d+)*(?:\s?(?:k|K|M|B|bn|MM|million|billion|thousand))?\+?"
    r"(?:\s?%|\s?x\b|×| percent\b| times\b)?)"
    r"(?P<unit>\s+[A-Za-z][A-Za-z/-]*)?"
)
_UNIT_STOPWORDS = {
    "to",
    "and",
    "or",
    "of",
    "in",
    "by",
    "from",
    "with",
    "the",
    "a",
    "an",
    "for",
    "on",
    "per",
    "at",
}
_EDU_INSTITUTION_RE = re.compile(
    r"\b(?:university|universit[äé]t|université|college|institute|school|academy|polytechnic|"
    r"politecnico|ecole|école|hochschule|conservatory|bootcamp|MIT|ETH|EPFL|UCL|UCLA|KTH)\b",
    re.IGNORECASE,
)
_DEGREE_RE = re.compile(
    r"\b(?:b\.?\s?sc?\.?|m\.?\s?sc?\.?|b\.?\s?a\.?|m\.?\s?a\.?|b\.?\s?eng\.?|m\.?\s?eng\.?|ph\.?\s?d\.?|"
    r"mba|bachelor(?:'s)?|master(?:'s)?|doctor(?:ate)?|associate(?:'s)? degree|diploma|"
    r"a-levels|high school|bs|ms|ba|ma|meng|beng|bsc|msc|dphil|certificate)\b",
    re.IGNORECASE,
)
_CLAIMED_YEARS_RE = re.compile(
    r"(\d{1,2}(?:\.\d)?)\+?\s*(?:years|yrs)\b(?:\s+of)?(?:\s+\w+)?\s+experience", re.IGNORECASE
)


@dataclass
class _Line:
    text: str
    start: int  # character offset in the full text

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class _RoleDraft:
    header: list[_Line] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    bullet_lines: list[_Line] = field(default_factory=list)
    has_date: bool = False


class _Entities:
    """Entity and skill lookups by character span."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.skills = skill_spans(doc)
        self._skill_chars: set[int] = set()
        for span in self.skills:
            self._skill_chars.update(range(span.start_char, span.end_char))
        # Entities that run across a line break join unrelated fields ("CA Software Engineer").
        self.ents = [e for e in doc.ents if "\n" not in e.text and not self._is_skill(e)]

    def _is_skill(self, ent: Span) -> bool:
        if ent.text.lower() in ALIAS_TO_CANONICAL:
            return True
        covered = sum(1 for i in range(ent.start_char, ent.end_char) if i in self._skill_chars)
        return covered >= 0.5 * max(1, len(ent.text.strip()))

    def labels_in(self, start: int, end: int, text_len: int) -> set[str]:
        """Labels of entities covering most of [start, end)."""
        labels: set[str] = set()
        for ent in self.ents:
            overlap = min(end, ent.end_char) - max(start, ent.start_char)
            if overlap > 0 and overlap >= 0.6 * max(1, text_len):
                labels.add(ent.label_)
        return labels

    def skills_in(self, start: int, end: int) -> list[str]:
        out: list[str] = []
        for span in self.skills:
            if span.start_char >= start and span.end_char <= end and span.label_ not in out:
                out.append(span.label_)
        return out


def parse_resume(text: str, *, as_of: date | None = None) -> ParsedResume:
    """Parse normalised resume text (as returned by ``extract_text``).

    Deterministic for a given ``text`` and ``as_of``; ``as_of`` (default: today) is the date
    "present" stands for when computing ``years_experience``.
    """
    text = text.replace("\r\n", "\n")
    as_of = as_of or date.today()
    lines = _split_lines(text)
    sections = _split_sections(lines)
    doc = analyse(text)
    ents = _Entities(doc)

    header = sections.get("header", [])
    name = _find_name(header, ents)
    email_match = _EMAIL_RE.search(text)
    links = _find_links(text)
    phone = _find_phone(header) or _find_phone(lines[:15])

    roles, role_bullet_lines = _parse_roles(sections.get("experience", []), ents)
    education = _parse_education(sections.get("education", []), ents)
    projects, project_lines = _parse_projects(sections.get("projects", []), ents)
    certifications = [_strip_bullet(line.text) for line in sections.get("certifications", [])]
    certifications = [c for c in certifications if len(c) > 2]
    skills = _collect_skills(sections.get("skills", []), ents)
    summary = _find_summary(sections, header)

    achievements: list[Achievement] = []
    for employer, line in role_bullet_lines:
        _add_achievement(achievements, _strip_bullet(line.text), employer, ents, line)
    for line in project_lines + sections.get("achievements", []):
        _add_achievement(achievements, _strip_bullet(line.text), None, ents, line)

    skill_keys = {s.lower() for s in skills}
    organisations = _dedupe_contained(
        [r.employer for r in roles if r.employer]
        + [e.institution for e in education if e.institution]
        + [
            t
            for e in ents.ents
            if e.label_ == "ORG" and _entity_ok(t := _clean_entity(e.text), skill_keys) and not _is_contact(t)
        ]
    )
    places = _dedupe_contained(
        [r.location for r in roles if r.location]
        + [t for e in ents.ents if e.label_ in ("GPE", "LOC") and _entity_ok(t := _clean_entity(e.text), skill_keys)]
    )
    years = _years_experience(roles, as_of)
    if years is None and summary:
        claimed = _CLAIMED_YEARS_RE.search(summary)
        years = float(claimed.group(1)) if claimed else None

    return ParsedResume(
        name=name,
        email=email_match.group(0) if email_match else None,
        phone=phone,
        links=links,
        summary=summary,
        skills=skills,
        roles=roles,
        education=education,
        projects=projects,
        certifications=certifications,
        organisations=[o for o in organisations if o],
        places=[p for p in places if p],
        years_experience=years,
        achievements=achievements,
        sections={key: "\n".join(line.text for line in value) for key, value in sections.items()},
    )


# ---------------------------------------------------------------------------- layout


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.append(_Line(stripped, offset + raw.index(stripped)))
        offset += len(raw) + 1
    return lines


def _heading_key(text: str) -> str | None:
    if len(text) > 50:
        return None
    candidate = text
    if _SPACED_CAPS_RE.match(candidate):
        candidate = candidate.replace(" ", "")
    candidate = candidate.lower().replace("&", " and ")
    candidate = re.sub(r"[^a-z ]", " ", candidate)
    candidate = " ".join(candidate.split())
    return _HEADING_TO_SECTION.get(candidate)


def _split_sections(lines: list[_Line]) -> dict[str, list[_Line]]:
    sections: dict[str, list[_Line]] = {"header": []}
    current = "header"
    for line in lines:
        key = _heading_key(line.text)
        if key is not None:
            current = key
            sections.setdefault(current, [])
            continue
        inline = _INLINE_HEADING_RE.match(line.text)
        if inline and current != "skills":
            inline_key = _heading_key(inline.group(1))
            if inline_key in _INLINE_SECTIONS:
                current = inline_key
                content_start = line.start + inline.start(2)
                sections.setdefault(current, []).append(_Line(inline.group(2), content_start))
                continue
        sections[current].append(line)
    return sections


def _strip_bullet(text: str) -> str:
    return _BULLET_RE.sub("", text, count=1).strip()


def _is_bullet(text: str) -> bool:
    match = _BULLET_RE.match(text)
    if not match:
        return False
    # "2019 - 2021" or "3D modelling" are not bullets; "1. Led ..." and "- Led ..." are.
    return not (text[:1].isdigit() and not re.match(r"^\d{1,2}[.)]\s+\D", text))


def _is_prose(text: str) -> bool:
    return len(text.split()) > 14 and not DATE_RANGE_RE.search(text)


def _find_date_range(text: str) -> tuple[str | None, str | None, tuple[int, int] | None]:
    match = DATE_RANGE_RE.search(text)
    if match:
        end_raw = match.group("end")
        end = "present" if re.fullmatch(_PRESENT, end_raw, re.IGNORECASE) else _normalise_date(end_raw)
        return _normalise_date(match.group("start")), end, match.span()
    since = _SINCE_RE.search(text)
    if since:
        raw = since.group("start") or since.group("start2")
        return _normalise_date(raw), "present", since.span()
    return None, None, None


def _normalise_date(raw: str) -> str | None:
    raw = raw.strip().lower()
    year_match = re.search(r"(19|20)\d{2}", raw)
    if not year_match:
        return None
    year = year_match.group(0)
    month_word = re.match(r"[a-z]{3}", raw)
    if month_word and month_word.group(0) in _MONTHS:
        return f"{year}-{_MONTHS[month_word.group(0)]:02d}"
    numbers = re.findall(r"\d+", raw)
    months = [n for n in numbers if n != year and 1 <= int(n) <= 12]
    if months:
        return f"{year}-{int(months[0]):02d}"
    return year


# ---------------------------------------------------------------------------- roles


def _parse_roles(lines: list[_Line], ents: _Entities) -> tuple[list[Role], list[tuple[str | None, _Line]]]:
    drafts: list[_RoleDraft] = []
    pending: list[_Line] = []
    current: _RoleDraft | None = None
    date_first: bool | None = None

    for line in lines:
        text = line.text
        has_range = _find_date_range(text)[2] is not None
        if _is_bullet(text) or (_is_prose(text) and not has_range):
            if pending:
                if current is not None and not current.bullets:
                    current.header.extend(pending)
                else:
                    current = _RoleDraft(header=list(pending))
                    drafts.append(current)
                pending = []
            if current is None:
                current = _RoleDraft()
                drafts.append(current)
            current.bullets.append(_strip_bullet(text))
            current.bullet_lines.append(line)
        elif has_range and len(text.split()) <= 20:
            if date_first is None:
                date_first = not pending
            if current is not None and not current.bullets and date_first and pending:
                current.header.extend(pending)
                pending = []
            current = _RoleDraft(header=[*pending, line], has_date=True)
            drafts.append(current)
            pending = []
        elif current is not None and current.bullets and text[:1].islower():
            # A wrapped bullet continues on the next line (PDF exports wrap long lines).
            current.bullets[-1] = f"{current.bullets[-1]} {text}"
            last = current.bullet_lines[-1]
            current.bullet_lines[-1] = _Line(f"{last.text} {text}", last.start)
        else:
            pending.append(line)
    if pending:
        if current is not None and not current.bullets:
            current.header.extend(pending)
        else:
            drafts.append(_RoleDraft(header=pending))

    roles: list[Role] = []
    bullet_lines: list[tuple[str | None, _Line]] = []
    for draft in drafts:
        role = _role_from_header(draft, ents)
        if role is None:
            continue
        if role.employer.isupper():
            # "CYBERDYNE SYSTEMS" -> "Cyberdyne Systems", but "IBM" and "AG" stay as written.
            role.employer = " ".join(w.title() if len(w) > 3 else w for w in role.employer.split())
        if not role.employer and roles:
            role.employer = roles[-1].employer  # several titles under one employer heading
        if not role.employer and not role.title:
            continue
        roles.append(role)
        bullet_lines.extend((role.employer or None, bl) for bl in draft.bullet_lines)
    return roles, bullet_lines


def _split_fields(line: _Line) -> list[tuple[str, int, bool]]:
    """Split a header line into (field, absolute offset, follows ' at ') triples."""
    fields: list[tuple[str, int, bool]] = []
    pos = 0
    text = line.text
    after_at = False
    for sep in _FIELD_SPLIT_RE.finditer(text + " | "):
        chunk = text[pos : sep.start()] if sep.start() <= len(text) else text[pos:]
        stripped = chunk.strip(" ,.-–—|:;")
        if stripped:
            lead = chunk.index(stripped[0])
            fields.append((stripped, line.start + pos + lead, after_at))
        after_at = bool(_AT_RE.fullmatch(sep.group(0)))
        pos = min(sep.end(), len(text))
        if pos >= len(text):
            break
    return fields


def _role_from_header(draft: _RoleDraft, ents: _Entities) -> Role | None:
    if not draft.header:
        return None
    start = end = None
    fields: list[tuple[str, int, bool]] = []
    for line in draft.header:
        s, e, span = _find_date_range(line.text)
        if span is not None and start is None:
            start, end = s, e
            # Blank out the dates so they do not become a field; keep offsets intact.
            width = span[1] - span[0]
            masked = line.text[: span[0]] + (" |" + " " * (width - 2))[:width] + line.text[span[1] :]
            masked_line = _Line(masked.replace("()", "  ").replace("[]", "  "), line.start)
            fields.extend(_split_fields(masked_line))
        else:
            fields.extend(_split_fields(line))
    fields = _merge_company_tails(fields)

    title: str | None = None
    employer: str | None = None
    strong_locations: list[str] = []
    weak_locations: list[str] = []  # only the small model's GPE label vouches for these
    unassigned: list[tuple[str, set[str]]] = []
    for index, (text, offset, after_at) in enumerate(fields):
        labels = ents.labels_in(offset, offset + len(text), len(text))
        next_text = fields[index + 1][0] if index + 1 < len(fields) else ""
        if _REMOTE_RE.match(text):
            strong_locations.append(text.strip("()"))
            continue
        if after_at and employer is None:
            employer = text
            continue
        if title is None and _TITLE_WORDS.search(text) and not _ORG_SUFFIX_RE.search(text):
            title = text
            continue
        if (
            _US_STATE_RE.match(text)
            or text in _US_STATES
            or text.lower() in _COUNTRIES
            or next_text in _US_STATES
            or next_text.lower() in _COUNTRIES
        ):
            # "Austin, TX" / "Berlin, Germany": the structure says place, whatever NER says.
            strong_locations.append(text)
            continue
        if labels & {"GPE", "LOC"} and "ORG" not in labels and not _ORG_SUFFIX_RE.search(text):
            weak_locations.append(text)
            continue
        if re.fullmatch(r"[\d\s./-]+", text):
            continue
        unassigned.append((text, labels))

    if employer is None and unassigned:
        orgs = [t for t, labels in unassigned if "ORG" in labels or _ORG_SUFFIX_RE.search(t)]
        employer = orgs[0] if orgs else unassigned[0][0]
        unassigned = [(t, lab) for t, lab in unassigned if t != employer]
    if employer is None and weak_locations:
        # An unknown company name the model took for a place ("Hooli" as GPE).
        employer = weak_locations.pop(0)
    if title is None and unassigned:
        title = unassigned[0][0]
    locations = strong_locations + [w for w in weak_locations if w not in strong_locations]
    if title is None and employer is None:
        return None
    return Role(
        title=title or "",
        employer=employer or "",
        start=start,
        end=end,
        location=", ".join(locations) or None,
        bullets=draft.bullets,
    )


def _merge_company_tails(fields: list[tuple[str, int, bool]]) -> list[tuple[str, int, bool]]:
    merged: list[tuple[str, int, bool]] = []
    for text, offset, after_at in fields:
        if merged and _COMPANY_TAIL_RE.match(text):
            prev_text, prev_offset, prev_at = merged[-1]
            merged[-1] = (f"{prev_text}, {text}", prev_offset, prev_at)
        else:
            merged.append((text, offset, after_at))
    return merged


# ---------------------------------------------------------------------------- education, projects


def _parse_education(lines: list[_Line], ents: _Entities) -> list[Education]:
    entries: list[Education] = []
    current: Education | None = None
    for line in lines:
        text = _strip_bullet(line.text)
        fields = [f for f, _, _ in _split_fields(_Line(text, line.start))]
        institution = next((f for f in fields if _EDU_INSTITUTION_RE.search(f)), None)
        if institution is None:
            institution = next(
                (
                    f
                    for f, off, _ in _split_fields(line)
                    if "ORG" in ents.labels_in(off, off + len(f), len(f)) and not _DEGREE_RE.search(f)
                ),
                None,
            )
        degree = next((f for f in fields if _DEGREE_RE.search(f) and not _EDU_INSTITUTION_RE.search(f)), None)
        starts_new = current is None or (institution and current.institution) or (degree and current.degree)
        if starts_new and (institution or degree):
            current = Education()
            entries.append(current)
        if current is None:
            continue
        current.raw = f"{current.raw}\n{line.text}".strip()
        if institution and not current.institution:
            current.institution = institution
        if degree and not current.degree:
            current.degree = degree
        start, end, span = _find_date_range(text)
        if span is not None:
            current.start, current.end = start, end
        elif current.end is None:
            years = _SINGLE_DATE_RE.findall(text)
            if years:
                current.end = _normalise_date(years[-1])
        if not (institution or degree):
            current.details.append(text)
    return entries


def _parse_projects(lines: list[_Line], ents: _Entities) -> tuple[list[Project], list[_Line]]:
    projects: list[Project] = []
    detail_lines: list[_Line] = []
    current: Project | None = None
    current_start = 0
    for line in lines:
        text = line.text
        if _is_bullet(text) and current is not None:
            current.bullets.append(_strip_bullet(text))
            detail_lines.append(line)
        elif current is not None and current.bullets and text[:1].islower():
            current.bullets[-1] = f"{current.bullets[-1]} {text}"
            detail_lines[-1] = _Line(f"{detail_lines[-1].text} {text}", detail_lines[-1].start)
        elif current is not None and (_is_prose(text) or text[:1].islower()):
            current.description = f"{current.description} {text}".strip()
            detail_lines.append(line)
        else:
            if current is not None:
                current.technologies = ents.skills_in(current_start, line.start)
            parts = re.split(r"\s+[-–—|:]\s+|:\s+|\s+\(", _strip_bullet(text), maxsplit=1)
            name, rest = parts[0], (parts[1] if len(parts) > 1 else "")
            link = _URL_RE.search(text)
            current = Project(
                name=name.strip(" ()") or text,
                description=_unwrap_parens(rest) if not _URL_RE.fullmatch(rest.strip()) else "",
                link=link.group(0) if link else None,
            )
            current_start = line.start
            projects.append(current)
            if _is_prose(text):
                detail_lines.append(line)
    if current is not None:
        end = lines[-1].end if lines else current_start
        current.technologies = ents.skills_in(current_start, end)
    return projects, detail_lines


# ---------------------------------------------------------------------------- header, skills


def _find_name(header: list[_Line], ents: _Entities) -> str | None:
    for line in header[:5]:
        for candidate in re.split(r"\s*[|•·,]\s*", line.text):
            words = candidate.split()
            if not 2 <= len(words) <= 4 or any(ch.isdigit() or ch == "@" for ch in candidate):
                continue
            if _heading_key(candidate) or _TITLE_WORDS.search(candidate):
                continue
            if all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in words) and all(
                re.fullmatch(r"[^\W\d_][\w'.-]*", w) for w in words
            ):
                return candidate.title() if candidate.isupper() else candidate
    persons = [e for e in ents.ents if e.label_ == "PERSON" and header and e.start_char < header[-1].end]
    return persons[0].text if persons else None


def _find_phone(lines: list[_Line]) -> str | None:
    for line in lines:
        for match in _PHONE_RE.finditer(line.text):
            candidate = match.group(0).strip()
            digits = re.sub(r"\D", "", candidate)
            if not 7 <= len(digits) <= 15 or DATE_RANGE_RE.search(candidate):
                continue
            if re.fullmatch(r"(19|20)\d{2}\s*[-–]\s*(19|20)\d{2}", candidate):
                continue
            return candidate
    return None


def _find_links(text: str) -> list[str]:
    return _dedupe([m.group(0).rstrip(".,;:)") for m in _URL_RE.finditer(text)])


def _is_contact(text: str) -> bool:
    return bool(_EMAIL_RE.search(text) or _URL_RE.search(text))


def _find_summary(sections: dict[str, list[_Line]], header: list[_Line]) -> str | None:
    if sections.get("summary"):
        return " ".join(line.text for line in sections["summary"])
    prose = [line.text for line in header if _is_prose(line.text) and not _is_contact(line.text)]
    return " ".join(prose) or None


_SKILL_CATEGORY_RE = re.compile(r"^[A-Za-z][A-Za-z &/-]{1,30}:\s*")
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
}


def _collect_skills(skill_lines: list[_Line], ents: _Entities) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()

    def add(skill: str) -> None:
        key = skill.lower()
        if key not in seen:
            seen.add(key)
            found.append(skill)

    section_start = skill_lines[0].start if skill_lines else -1
    section_end = skill_lines[-1].end if skill_lines else -1
    # Skills listed in the skills section first, in their order, including ones the vocabulary
    # does not know ("Pulsar") - the candidate put them there deliberately.
    for line in skill_lines:
        body = _SKILL_CATEGORY_RE.sub("", _strip_bullet(line.text))
        for item in re.split(r"\s*(?:[,;|•·]|\s/\s|\band\b)\s*", body):
            item = re.sub(r"\s*\(.*?\)\s*", " ", item).strip(" .:-")
            if not item or len(item) > 40 or len(item.split()) > 4:
                continue
            if item.lower() in _CATEGORY_WORDS or _heading_key(item):
                continue
            canonical = ALIAS_TO_CANONICAL.get(item.lower())
            if canonical:
                add(canonical)
                continue
            vocab_here = ents.skills_in(line.start, line.end)
            if any(v.lower() in item.lower() for v in vocab_here):
                continue  # the vocabulary match below names it canonically
            if re.match(r"^[\w.#+/-]", item) and not re.fullmatch(r"[\d\s.%+-]+", item):
                add(item)
        for skill in ents.skills_in(line.start, line.end):
            add(skill)
    for span in ents.skills:
        if section_start <= span.start_char < section_end:
            continue
        add(span.label_)
    return found


# ---------------------------------------------------------------------------- achievements


def _quantities(text: str) -> list[str]:
    out: list[str] = []
    for match in _NUMBER_RE.finditer(text):
        num = match.group("num").strip()
        unit = (match.group("unit") or "").strip()
        prefix = text[max(0, match.start() - 1) : match.start()]
        if prefix and (prefix.isalnum() or prefix in "._-/"):
            continue  # part of a token: "p95", "S3", "v2", "3.11"
        if re.fullmatch(r"(19|20)\d{2}", num):
            continue  # a year
        strong = bool(re.search(r"[%$€£¥x×]|percent|times|[kKMB]\b|bn|million|billion|thousand", num))
        if strong:
            out.append(num)
            continue
        if unit and unit.lower() not in _UNIT_STOPWORDS:
            out.append(f"{num} {unit}")
    return out


def _add_achievement(
    achievements: list[Achievement], text: str, employer: str | None, ents: _Entities, line: _Line
) -> None:
    if not text or DATE_RANGE_RE.fullmatch(text.strip()):
        return
    numbers = _quantities(text)
    if numbers:
        achievements.append(Achievement(text=text, employer=employer or None, numbers=numbers))


# ---------------------------------------------------------------------------- years


def _month_index(value: str | None, as_of: date) -> int | None:
    if value is None:
        return None
    if value == "present":
        return as_of.year * 12 + as_of.month - 1
    parts = value.split("-")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else 1
    return year * 12 + month - 1


def _years_experience(roles: list[Role], as_of: date) -> float | None:
    intervals: list[tuple[int, int]] = []
    for role in roles:
        start = _month_index(role.start, as_of)
        end = _month_index(role.end, as_of)
        if start is None:
            continue
        if end is None:
            end = start
        if end >= start:
            intervals.append((start, end))
    if not intervals:
        return None
    # Overlapping roles (a side job, a promotion listed twice) count once.
    intervals.sort()
    total = 0
    cur_start, cur_end = intervals[0]
    for start, end in intervals[1:]:
        if start <= cur_end:
            cur_end = max(cur_end, end)
        else:
            total += cur_end - cur_start
            cur_start, cur_end = start, end
    total += cur_end - cur_start
    return round(total / 12, 1)


# ---------------------------------------------------------------------------- helpers


def _unwrap_parens(text: str) -> str:
    text = text.strip()
    if text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1]
    return text.strip()


def _entity_ok(text: str, skills: set[str]) -> bool:
    """Drop NER noise: headings, dates, acronyms like "API", skills the model took for names."""
    if len(text) < 2 or text.lower() in skills or text.lower() in ALIAS_TO_CANONICAL:
        return False
    if _heading_key(text) or re.search(r"\d{2}/\d{4}|^\W|\d{4}", text):
        return False
    if text.isupper() and len(text) <= 4:
        return False
    return not _TITLE_WORDS.search(text) and not _EMAIL_RE.search(text)


def _clean_entity(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,.-–—|:;()")


def _dedupe_contained(items: list[str]) -> list[str]:
    """Dedupe, also dropping an entity that contains or is contained in an earlier one."""
    out: list[str] = []
    for item in _dedupe(items):
        low = item.lower()
        if not any(low in o.lower() or o.lower() in low for o in out):
            out.append(item)
    return out


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        key = item.lower()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out
