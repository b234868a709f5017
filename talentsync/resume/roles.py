"""The experience section: entries (header lines + body), and a title/employer/dates per entry.

A header names the job in any order and on one to three lines ("Title, Employer" / "Employer —
Title (2016 to 2018)" / "2022–present | Atlassian | Title" / employer, then title, then dates);
the body is bullets or sentences, wrapped however the exporter wrapped them. Fields are told
apart by what they are (title words, company suffixes, places, " at ") rather than by position.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from talentsync.resume.dates import DATE_RANGE_RE, find_date_range, fold, has_date_range
from talentsync.resume.lines import Line, ends_sentence, join, starts_like_continuation
from talentsync.resume.models import Role
from talentsync.resume.nlp import Entities

TITLE_WORDS_RE = re.compile(
    r"\b(?:engineer|developer|programmer|manager|lead|architect|analyst|scientist|designer|consultant|"
    r"intern|director|head|specialist|administrator|sysadmin|officer|vp|cto|ceo|cfo|coo|sre|devops|"
    r"researcher|associate|coordinator|technician|owner|founder|co-founder|principal|staff|fellow|"
    r"advisor|adviser|strategist|tester|qa|president|partner|instructor|lecturer|professor|assistant|"
    r"executive|representative|recruiter|accountant|writer|editor|trainee|apprentice|contractor|"
    r"technologist|evangelist|advocate|mentor|teacher|tutor|nurse|pm|po|student|postdoc|postdoctoral|"
    r"phd|physician|pharmacist|marketer|product|ux|ui|researcher|werkstudent|praktikant|"
    r"ingeniero|desarrollador|analista|jefe|consultor|programador|engenheiro|desenvolvedor|"
    r"pesquisador|ingenieur|ingénieur|ingénieure|développeur|développeuse|chef|cheffe|administratrice|"
    r"directrice|consultante|analyste|responsable|chercheur|chercheuse|technicienne)\b"
    r"|(?:entwickler|ingenieur|berater|leiter|architekt)",
    re.IGNORECASE,
)
ORG_SUFFIX_RE = re.compile(
    r"\b(?:inc|llc|ltd|limited|gmbh|ag|kg|se|sa|plc|corp|corporation|co|company|group|labs?|technologies|"
    r"technology|systems|solutions|software|bank|partners|ventures|studios?|consulting|holdings|university|"
    r"universidade|universidad|universität|universite|institute|agency|networks|analytics|health|media|"
    r"foundation|industries|games|capital|ai|io|bv|oy|ab|pty|srl|hospital|clinic|center|centre|"
    r"s\.a\.)\.?$",
    re.IGNORECASE,
)
_REMOTE_RE = re.compile(r"^\(?(?:remote|hybrid|on-?site|work from home|wfh|fully remote)\)?$", re.IGNORECASE)
_US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
        "ON",
        "QC",
        "BC",
    ]
)
_COUNTRIES = frozenset(
    [
        "usa",
        "us",
        "uk",
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
        "israel",
        "nigeria",
        "kenya",
        "egypt",
        "uae",
        "turkey",
        "ukraine",
        "romania",
        "greece",
        "estonia",
        "vietnam",
        "philippines",
        "indonesia",
        "korea",
        "pakistan",
        "ireland",
        "england",
        "scotland",
        "morocco",
        "bulgaria",
    ]
)
_SEPARATORS_RE = re.compile(
    r"\s*\|\s*|\s+[—–]\s+|\s+-\s+|\s+[·•]\s+|\s+@\s+|\s+(?:at|bei|chez)\s+(?=[A-Z0-9])|\s+—|—\s+"
)
_CAPS_TAILS = {"INC": "Inc", "INC.": "Inc.", "LTD": "Ltd", "LTD.": "Ltd.", "CORP": "Corp", "CO": "Co", "GMBH": "GmbH"}
_AT_RE = re.compile(r"\s+(?:@|at|bei|chez)\s+")
_ABBREVIATION_END_RE = re.compile(r"\b(?:inc|ltd|co|corp|s\.a|llc|kg|ag|dr|prof)\.$", re.IGNORECASE)


@dataclass
class _Entry:
    header: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)


def is_body_sentence(text: str) -> bool:
    """A sentence of description, not a header ("Led research ... fell 18%.")."""
    words = text.split()
    if has_date_range(text) and len(words) <= 20:
        return False
    if len(words) > 14:
        return True
    return len(words) >= 4 and text.rstrip().endswith((".", "!")) and not _ABBREVIATION_END_RE.search(text)


def _header_like(line: Line, following: Line | None) -> bool:
    if len(line.text.split()) > 8:
        return False
    if following is not None and has_date_range(following.text) and not following.bullet:
        return True
    return bool(re.search(r"\s\|\s|\s[—–]\s|\s@\s", line.text))


def _continues(prev: Line, line: Line, following: Line | None) -> bool:
    """Whether ``line`` is the wrapped tail of the body line ``prev``."""
    if line.bullet or line.blank_before or has_date_range(line.text):
        return False
    if starts_like_continuation(line.text):
        return True
    if line.indent > prev.indent and prev.bullet:
        return True
    return not ends_sentence(prev.text) and not _header_like(line, following)


def logical_lines(lines: list[Line], *, is_body: bool = True) -> list[Line]:
    """Join wrapped continuations onto bullets and sentences."""
    out: list[Line] = []
    groups: list[list[Line]] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if groups and is_body and _is_body_line(groups[-1][0]) and _continues(join(groups[-1]), line, following):
            groups[-1].append(line)
        else:
            groups.append([line])
    for group in groups:
        out.append(join(group) if len(group) > 1 else group[0])
    return out


def _is_body_line(line: Line) -> bool:
    if line.bullet:
        return not (has_date_range(line.text) and len(line.text.split()) <= 16)
    return is_body_sentence(line.text)


def parse_roles(lines: list[Line], ents: Entities) -> list[tuple[Role, list[Line]]]:
    """Roles in resume order, each with its body lines (for achievements and sources)."""
    entries: list[_Entry] = []
    for line in logical_lines(lines):
        if _is_body_line(line):
            if not entries:
                entries.append(_Entry())
            entries[-1].body.append(line)
            continue
        header, description = _split_description(line)
        if not entries or entries[-1].body:
            entries.append(_Entry())
        entries[-1].header.append(header)
        if description is not None:
            entries[-1].body.append(description)
    entries = [part for entry in entries for part in _split_by_dates(entry)]
    any_dated = any(any(has_date_range(h.text) for h in e.header) for e in entries)
    out: list[tuple[Role, list[Line]]] = []
    for entry in entries:
        dated = any(has_date_range(h.text) for h in entry.header)
        if any_dated and not dated and not entry.body:
            continue  # a stray line between jobs, not a job
        role = _role_from_header(entry.header, ents)
        if role is None or (any_dated and not dated and not TITLE_WORDS_RE.search(role.title)):
            continue
        role.bullets = [b.text for b in entry.body]
        role.source = entry.header[0].source() if entry.header else None
        if not role.employer and out:
            role.employer = out[-1][0].employer  # several titles under one employer heading
        out.append((role, entry.body))
    return out


def _split_description(line: Line) -> tuple[Line, Line | None]:
    """'Java Developer at Kiwi.com, 2019 - now. Booking backend, Kafka.' -> header, description."""
    span = find_date_range(line.text)[2]
    if span is None:
        return line, None
    rest = line.text[span[1] :]
    match = re.match(r"^\s*[.;:]\s+(?=\S)", rest)
    if not match or len(rest.split()) < 2:
        return line, None
    cut = span[1] + match.end()
    header = Line(text=line.text[: span[1]], number=line.number, start=line.start, raw=line.raw)
    body = Line(text=line.text[cut:], number=line.number, start=line.start + cut, raw=line.raw)
    return header, body


def _split_by_dates(entry: _Entry) -> list[_Entry]:
    """A header run holding several dated jobs and no bullets (an academic CV's rows) splits up."""
    dated = [i for i, h in enumerate(entry.header) if has_date_range(h.text)]
    if len(dated) < 2:
        return [entry]
    date_first = dated[0] == 0
    parts: list[_Entry] = []
    if date_first:
        bounds = [*dated, len(entry.header)]
        for a, b in itertools.pairwise(bounds):
            parts.append(_Entry(header=entry.header[a:b]))
    else:
        start = 0
        for i in dated:
            parts.append(_Entry(header=entry.header[start : i + 1]))
            start = i + 1
        if start < len(entry.header):
            parts[-1].header.extend(entry.header[start:])
    parts[-1].body = entry.body
    return parts


def _segments(line: Line) -> list[tuple[str, int, bool]]:
    """(text, absolute offset, follows ' at ') per field of a header line, dates blanked out."""
    text = line.text
    span = find_date_range(text)[2]
    if span is not None:
        text = text[: span[0]] + " | " + text[span[1] :]
        text = re.sub(r"\(\s*\|\s*\)|\[\s*\|\s*\]", " | ", text)
    out: list[tuple[str, int, bool]] = []
    pos = 0
    after_at = False
    for sep in [*_SEPARATORS_RE.finditer(text), None]:
        end = sep.start() if sep is not None else len(text)
        chunk = text[pos:end]
        stripped = chunk.strip(" ,.;:|()[]*")
        if stripped.count("(") > stripped.count(")"):
            stripped += ")"
        stripped = re.sub(r"\s*\([^()]*:[^()]*\)$", "", stripped)  # "(supervisor: Prof. X)"
        if stripped and re.search(r"[^\W\d_]", stripped):
            offset = line.start + max(0, min(pos + chunk.find(stripped[:3]), len(line.text)))
            out.append((stripped, offset, after_at))
        if sep is None:
            break
        after_at = bool(_AT_RE.fullmatch(sep.group(0)))
        pos = sep.end()
    return out


def _is_place(text: str, ents: Entities, offset: int, *, structural_only: bool = False) -> bool:
    """Remote, a country, a US/Canadian state; unless ``structural_only``, also what spaCy calls
    a place (which it also calls many unknown company names: "Mercari", "Cabify")."""
    if _REMOTE_RE.match(text):
        return True
    folded = fold(text).strip()
    if folded in _COUNTRIES or text in _US_STATES:
        return True
    parts = [p.strip() for p in text.split(",")]
    # "Berlin, Germany", "San Francisco, CA" (but not "Acme Industries, UK").
    if (
        len(parts) == 2
        and len(parts[0].split()) <= 3
        and not ORG_SUFFIX_RE.search(parts[0])
        and (fold(parts[1]) in _COUNTRIES or parts[1] in _US_STATES)
    ):
        return True
    if re.fullmatch(r"[A-Z][\w .'-]+,?\s+([A-Z]{2})", text) and text[-2:] in _US_STATES:
        return True  # "Boston MA", "Austin, TX"
    if structural_only:
        return False
    labels = ents.labels_in(offset, offset + len(text))
    return bool(labels & {"GPE", "LOC"}) and "ORG" not in labels and not ORG_SUFFIX_RE.search(text)


def _is_org(text: str, ents: Entities, offset: int) -> bool:
    return bool(ORG_SUFFIX_RE.search(text) or "ORG" in ents.labels_in(offset, offset + len(text)))


def _split_commas(text: str, offset: int, ents: Entities) -> tuple[str, list[str]]:
    """'Monzo Bank' / 'Massachusetts General Hospital, Boston MA' -> (main, trailing places)."""
    parts = [p.strip() for p in re.split(r",\s+(?![^()]*\))", text) if p.strip()]
    places: list[str] = []
    while len(parts) > 1:
        tail = parts[-1]
        tail_offset = offset + text.rfind(tail)
        if (
            _is_place(tail, ents, tail_offset)
            or (len(tail.split()) <= 2 and not ORG_SUFFIX_RE.search(tail) and not TITLE_WORDS_RE.search(tail))
            or (len(tail.split()) <= 3 and ents.labels_in(tail_offset, tail_offset + len(tail)) & {"GPE"})
        ):
            places.insert(0, parts.pop())
        else:
            break
    return ", ".join(parts), places


def _role_from_header(header: list[Line], ents: Entities) -> Role | None:
    if not header:
        return None
    start = end = None
    segments: list[tuple[str, int, bool]] = []
    for line in header:
        s, e, span = find_date_range(line.text)
        if span is not None and start is None:
            start, end = s, e
        segments.extend(_segments(line))
    places: list[str] = []
    kept: list[tuple[str, int, bool]] = []
    for text, offset, after_at in segments:
        if not after_at and _is_place(text, ents, offset):
            places.append(text)
        else:
            kept.append((text, offset, after_at))
    if not kept:
        return None
    employer: str | None = next((t for t, _, at in kept if at), None)
    titled = [(t, o) for t, o, at in kept if not at and TITLE_WORDS_RE.search(t)]
    # "Intercom" beside "Senior Engineer": a field naming a company is never the title, even if it
    # holds a title word ("Product Labs").
    strong_titles = [(t, o) for t, o in titled if not ORG_SUFFIX_RE.search(t)] or titled
    title_text, title_offset = strong_titles[0] if strong_titles else (None, 0)
    others = [(t, o) for t, o, at in kept if t != title_text and t != employer]
    if employer is None and others:
        orgs = [(t, o) for t, o in others if _is_org(t, ents, o)]
        employer_text, employer_offset = (orgs or others)[0]
        employer, more = _split_commas(employer_text, employer_offset, ents)
        places.extend(more)
    if employer is None and title_text is not None:
        # Only the title and "places" are left: the model took an unknown company for a place.
        weak = [(t, o) for t, o, _ in segments if t in places and not _is_place(t, ents, o, structural_only=True)]
        if weak:
            employer = weak[0][0]
            places.remove(employer)
    if title_text is None:
        rest = [t for t, _ in others if t != employer]
        title_text = rest[0] if rest else ""
    elif employer is None and "," in title_text:
        # "Senior Site Reliability Engineer, Monzo Bank": the title's comma parts carry the employer.
        parts = [p.strip() for p in title_text.split(",") if p.strip()]
        head = next((i for i, p in enumerate(parts) if TITLE_WORDS_RE.search(p)), 0)
        title_text = ", ".join(parts[: head + 1])
        remainder = ", ".join(parts[head + 1 :])
        if remainder:
            employer, more = _split_commas(remainder, title_offset + len(title_text) + 2, ents)
            places.extend(more)
    elif "," in title_text:
        main, more = _split_commas(title_text, title_offset, ents)
        more_places = [p for p in more if _is_place(p, ents, title_offset + title_text.rfind(p))]
        if len(more_places) == len(more):
            title_text = main
            places.extend(more_places)
    title = (title_text or "").strip(" ,;:-")
    employer = (employer or "").strip(" ,;:-")
    if not title and not employer:
        return None
    if employer.isupper() and len(employer) > 4:
        # "CYBERDYNE SYSTEMS INC" -> "Cyberdyne Systems Inc"; "IBM", "AG", "LLC" stay as written.
        employer = " ".join(_CAPS_TAILS.get(w, w.title() if len(w) > 3 else w) for w in employer.split())
    return Role(
        title=title,
        employer=employer,
        start=start,
        end=end,
        location=", ".join(dict.fromkeys(places)) or None,
    )


def date_only(text: str) -> bool:
    return bool(DATE_RANGE_RE.fullmatch(fold(text.strip())))
