"""Projects and education entries."""

from __future__ import annotations

import re

from talentsync.resume.contacts import URL_RE
from talentsync.resume.dates import SINGLE_DATE_RE, find_date_range, normalise_date
from talentsync.resume.lines import Line, ends_sentence, join, starts_like_continuation
from talentsync.resume.models import Education, Project
from talentsync.resume.nlp import Entities

# "Name — description", "Name | Go, gRPC", "Name - a linter ...", "Name: description".
_NAME_SPLIT_RE = re.compile(r"\s+[—–|]\s+|\s+-\s+|:\s+(?=[a-z])|\s+\((?=[^()]*\)\s*$)")


def _name_like(line: Line) -> bool:
    """A project's heading line: a short name, or a short name followed by a separator."""
    text = line.text
    if URL_RE.fullmatch(text.strip()):
        return False
    match = _NAME_SPLIT_RE.search(text)
    if match and 1 <= len(text[: match.start()].split()) <= 6:
        return True
    words = text.split()
    if len(words) > 6 or ends_sentence(text):
        return False
    # Project names are often lower-case ("pg-outbox", "kube-budget"); a lower-case run of words is
    # a wrapped sentence, a lower-case single token is a name.
    return not starts_like_continuation(text) or (len(words) == 1 and not text.endswith(","))


def _closed(text: str) -> bool:
    """Ends a sentence, or ends with a link (a description's last word is often its repository)."""
    last = text.split()[-1] if text.split() else ""
    return ends_sentence(text) or URL_RE.fullmatch(last.rstrip(".,;")) is not None


def parse_projects(lines: list[Line], ents: Entities) -> list[tuple[Project, list[Line]]]:
    """Projects with the lines describing them (bullets and description sentences)."""
    out: list[tuple[Project, list[Line]]] = []
    current: Project | None = None
    detail: list[list[Line]] = []
    head_line: Line | None = None
    for line in lines:
        previous = join(detail[-1]) if detail else head_line
        new_entry = (
            current is None
            or (line.blank_before and not line.bullet)
            or (previous is not None and _closed(previous.text) and not line.bullet and _name_like(line))
            or (line.bullet and _NAME_SPLIT_RE.search(line.text) is not None and _short_head(line.text))
        )
        if new_entry and (_name_like(line) or (line.bullet and _short_head(line.text))):
            if current is not None:
                out.append(_finish(current, detail, ents, head_line))
            current, detail, head_line = _start(line)
            continue
        if current is None:
            continue  # a sentence before any project name: no project to hang it on
        link = URL_RE.fullmatch(line.text.strip())
        if link and current.link is None:
            current.link = link.group(0)
            continue
        if (
            detail
            and not line.bullet
            and not line.blank_before
            and (starts_like_continuation(line.text) or not _closed(join(detail[-1]).text))
        ):
            detail[-1].append(line)
        elif not detail and not line.bullet and current.description and not ends_sentence(current.description):
            current.description = f"{current.description} {line.text}"
        else:
            detail.append([line])
    if current is not None:
        out.append(_finish(current, detail, ents, head_line))
    return out


def _short_head(text: str) -> bool:
    match = _NAME_SPLIT_RE.search(text)
    return bool(match) and 1 <= len(text[: match.start()].split()) <= 6 if match else False


_LABEL_PREFIX_RE = re.compile(r"^(?:project|projekt|projet|proyecto|side project)\s*:\s*", re.IGNORECASE)


def _start(line: Line) -> tuple[Project, list[list[Line]], Line]:
    text = _LABEL_PREFIX_RE.sub("", line.text)  # "Project: trailcam — ..." names "trailcam"
    match = _NAME_SPLIT_RE.search(text)
    name, rest = (text[: match.start()], text[match.end() :]) if match else (text, "")
    name = name.strip(" *:")
    rest = rest.strip()
    if match and match.group(0).strip().startswith("(") and rest.endswith(")"):
        rest = rest[:-1]  # "Capstone: Ticketing API (TypeScript, NestJS)" -> tech list
    link = URL_RE.search(text)
    project = Project(name=name or text, description=rest, link=link.group(0) if link else None, source=line.source())
    return project, [], line


def _finish(
    project: Project, detail: list[list[Line]], ents: Entities, head: Line | None
) -> tuple[Project, list[Line]]:
    lines = [join(group) if len(group) > 1 else group[0] for group in detail]
    bullets = [line for line in lines if line.bullet]
    prose = [line for line in lines if not line.bullet]
    if prose:
        extra = " ".join(line.text for line in prose)
        project.description = f"{project.description} {extra}".strip() if project.description else extra
    project.bullets = [b.text for b in bullets]
    urls = [m.group(0) for line in lines for m in URL_RE.finditer(line.text)]
    if project.link is None and urls:
        project.link = urls[0]
    start = head.start if head is not None else 0
    end = max((line.end for line in lines), default=head.end if head is not None else 0)
    project.technologies = ents.skills_in(start, end)
    described: list[Line] = list(bullets)
    if head is not None:
        # The heading line with its description: "go-iban — IBAN validation ... (600 stars)" is one
        # statement; its URLs are not part of it.
        opening = f"{project.name} — {project.description}" if project.description else head.text
        whole = " ".join([opening] if project.description else [opening, *(line.text for line in prose)])
        whole = re.sub(r"\s*" + URL_RE.pattern, "", whole).strip()
        origin = " ".join([head.text, *(line.text for line in prose)])
        described.insert(0, Line(text=whole, number=head.number, start=start, raw=head.raw, source_text=origin))
    return project, described


_EDU_INSTITUTION_RE = re.compile(
    r"\b(?:university|universit[äéà]t?|université|universidade|universidad|college|institute|institut|school|"
    r"academy|polytechnic|politecnico|polytechnique|ecole|école|hochschule|conservatory|bootcamp|MIT|ETH|EPFL|"
    r"UCL|UCLA|KTH|IIT|IIIT|EPITA|ISI|le wagon)\b",
    re.IGNORECASE,
)
DEGREE_RE = re.compile(
    r"\b(?:b\.?\s?sc?\.?|m\.?\s?sc?\.?|b\.?\s?a\.?|m\.?\s?a\.?|b\.?\s?eng\.?|m\.?\s?eng\.?|ph\.?\s?d\.?|"
    r"mba|bachelor(?:'s)?|master(?:'s)?|doctor(?:ate)?|associate(?:'s)? degree|diploma|dipl\.?-ing\.?|"
    r"a-levels|high school|bs|ms|ba|ma|meng|beng|bsc|msc|dphil|b\.?tech|m\.?tech|m\.?stat|bdes|"
    r"laurea|licenciatura|grado|diplom)\b",
    re.IGNORECASE,
)


def parse_education(lines: list[Line], ents: Entities) -> list[Education]:
    entries: list[Education] = []
    current: Education | None = None
    for line in lines:
        text = line.text
        fields = [f.strip() for f in re.split(r"\s*[,|—–·]\s+|\s+-\s+|\s*\(\s*|\s*\)\s*", text) if f.strip()]
        institution = next((f for f in fields if _EDU_INSTITUTION_RE.search(f)), None)
        if institution is None:
            institution = next(
                (
                    f
                    for f in fields
                    if "ORG"
                    in ents.labels_in(line.start + max(0, text.find(f)), line.start + max(0, text.find(f)) + len(f))
                    and not DEGREE_RE.search(f)
                ),
                None,
            )
        degree = next((f for f in fields if DEGREE_RE.search(f) and not _EDU_INSTITUTION_RE.search(f)), None)
        starts_new = current is None or (institution and current.institution) or (degree and current.degree)
        if starts_new and (institution or degree):
            current = Education(source=line.source())
            entries.append(current)
        if current is None:
            continue
        current.raw = f"{current.raw}\n{text}".strip()
        if institution and not current.institution:
            current.institution = institution
        if degree and not current.degree:
            current.degree = degree
        start, end, span = find_date_range(text)
        if span is not None:
            current.start, current.end = start, end
        elif current.end is None:
            years = SINGLE_DATE_RE.findall(text)
            if years:
                current.end = normalise_date(years[-1])
        if not (institution or degree):
            current.details.append(text)
    return entries
