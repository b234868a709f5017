"""Section headings (in several languages and decorations) and the split of a resume into sections."""

from __future__ import annotations

import re

from talentsync.resume.dates import fold
from talentsync.resume.lines import Line

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
        "perfil",
        "profil",
        "kurzprofil",
        "resumen",
        "a propos",
        "sobre mim",
        "research interests",
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
        "clinical experience",
        "leadership experience",
        "appointments",
        "academic appointments",
        "berufserfahrung",
        "berufliche erfahrung",
        "berufspraxis",
        "experiencia",
        "experiencia profesional",
        "experiencia laboral",
        "experiencia profissional",
        "experience professionnelle",
        "esperienza professionale",
        "werdegang",
        "beruflicher werdegang",
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
        "training",
        "ausbildung",
        "bildung",
        "studium",
        "formacion",
        "formacion academica",
        "educacion",
        "formacao",
        "formation",
        "istruzione",
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
        "projekte",
        "proyectos",
        "projetos",
        "projets",
        "open source contributions",
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
        "tools and skills",
        "key skills",
        "expertise",
        "areas of expertise",
        "skill set",
        "skillset",
        "technical expertise",
        "toolbox",
        "skills and technologies",
        "technical proficiencies",
        "stack",
        "tech",
        "tools",
        "kenntnisse",
        "fachkenntnisse",
        "it kenntnisse",
        "fahigkeiten",
        "habilidades",
        "competencias",
        "conocimientos",
        "competences",
        "competencias tecnicas",
        "technische kenntnisse",
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
        "zertifikate",
        "zertifizierungen",
        "certificaciones",
        "certificacoes",
        "licenses",
        "licences",
    ),
    "achievements": (
        "achievements",
        "key achievements",
        "accomplishments",
        "awards",
        "honors",
        "honours",
        "awards and honors",
        "grants and awards",
        "recognition",
        "awards and recognition",
        "auszeichnungen",
        "premios",
    ),
    "publications": (
        "publications",
        "papers",
        "talks",
        "talks and publications",
        "publications and talks",
        "selected publications",
        "conference talks",
        "speaking",
        "veroffentlichungen",
        "publicaciones",
        "articles",
        "writing",
    ),
    "languages": ("languages", "spoken languages", "language skills", "sprachen", "idiomas", "langues"),
    "interests": ("interests", "hobbies", "hobbies and interests", "interessen"),
    "volunteering": (
        "volunteering",
        "volunteer experience",
        "volunteer work",
        "leadership and activities",
        "activities",
    ),
    "references": ("references", "referenzen"),
    "contact": ("contact", "contact details", "contact information", "kontakt", "contacto", "links"),
    "other": ("teaching", "service", "additional information", "miscellaneous", "memberships"),
}
_HEADING_TO_SECTION = {alias: key for key, aliases in SECTION_ALIASES.items() for alias in aliases}
# Only these may open inline ("Skills: Python, Go"); "Languages:" inside a skills list is a
# sub-category, not the spoken-languages section.
INLINE_SECTIONS = {"summary", "skills", "certifications", "experience", "education", "projects"}
_INLINE_HEADING_RE = re.compile(r"^([^\W\d_][^\W\d_ &/]*(?: [^\W\d_&/]+| & | / ){0,4}):\s*(\S.*)$")
_SPACED_CAPS_RE = re.compile(r"^(?:\w ){3,}\w$")


def heading_key(text: str) -> str | None:
    """The section a heading names ("Work History:" -> experience), or None."""
    if len(text) > 60:
        return None
    candidate = text.strip().rstrip(":").strip()
    if _SPACED_CAPS_RE.match(candidate):
        candidate = candidate.replace(" ", "")
    candidate = fold(candidate).replace("&", " and ")
    candidate = re.sub(r"[^a-z /]", " ", candidate)
    whole = " ".join(candidate.replace("/", " ").split())
    if whole in _HEADING_TO_SECTION:
        return _HEADING_TO_SECTION[whole]
    # Bilingual headings: "Experiência Profissional / Experience".
    for part in candidate.split("/"):
        key = _HEADING_TO_SECTION.get(" ".join(part.split()))
        if key:
            return key
    return None


def _unknown_heading(line: Line) -> bool:
    """A decorated short line that names no known section ("RESEARCH", "## Misc")."""
    words = line.text.split()
    return (
        line.heading_hint
        and line.markdown_level <= 2
        and not line.bullet
        and 1 <= len(words) <= 4
        and not re.search(r"\d|@|https?:|\.com", line.text)
        and (line.text.isupper() or line.markdown_level >= 2 or line.text.istitle())
    )


def _looks_like_link(text: str) -> bool:
    """'Portfolio: https://x.design | LinkedIn: ...' is a contact line, not a projects section."""
    return bool(re.search(r"https?://|www\.|\b[\w-]+\.[a-z]{2,}/", text))


def split_sections(lines: list[Line]) -> dict[str, list[Line]]:
    sections: dict[str, list[Line]] = {"header": []}
    current = "header"
    seen_heading = False
    for line in lines:
        key = None if line.bullet or line.markdown_level >= 3 else heading_key(line.text)
        if key is not None and (line.text.split()[0][:1].isupper() or line.heading_hint):
            current = key
            seen_heading = True
            sections.setdefault(current, [])
            continue
        if seen_heading and _unknown_heading(line) and current not in ("header",):
            current = "other"
            sections.setdefault(current, [])
            continue
        inline = _INLINE_HEADING_RE.match(line.text)
        if inline and not line.bullet and line.text[:1].isupper() and not _looks_like_link(inline.group(2)):
            inline_key = heading_key(inline.group(1))
            # Inside a skills list "Tools: ..." is a category; "Certificates: ..." still opens its section.
            if inline_key in INLINE_SECTIONS and not (current == "skills" and inline_key == "skills"):
                current = inline_key
                seen_heading = True
                offset = inline.start(2)
                sections.setdefault(current, []).append(
                    Line(
                        text=inline.group(2),
                        number=line.number,
                        start=line.start + offset,
                        raw=line.raw,
                        indent=line.indent,
                        blank_before=True,
                    )
                )
                continue
        sections.setdefault(current, []).append(line)
    return sections
