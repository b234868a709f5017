"""Resume text as lines: decoration dropped, bullets recognised, wrapped lines joined.

Resumes are decorated for the eye (`=====` underlines, `*** SKILLS ***`, box drawing, "Page 1 of 2"
footers, markdown) and wrapped by whatever exported them. None of that is content: a line made
only of punctuation must never become a summary, a project or a question, and a bullet that a
PDF wrapped over two lines is one achievement, not two fragments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from talentsync.resume.models import SourceLine

# Glyphs people put in front of list items, and numbered items ("1." / "2)"). "o" counts only
# before a capitalised word ("o Rewrote ..."), as Word's outline bullet pasted into plain text.
BULLET_RE = re.compile(r"^(?:[-*•▪◦●○■□➢➤►▸▹‣⁃–—·✓✔→»⇒❖◆◇]+|>{1,2}|o(?=\s+[A-Z(\"“])|\d{1,2}[.)](?=\s))\s*")
_BOX_CHARS = "║│┃╔╗╚╝╠╣╦╩╬═─━┌┐└┘├┤┬┴┼|"
_PAGE_FOOTER_RE = re.compile(r"^\W*(?:page\s+)?\d{1,2}\s*(?:/|of|von|de)\s*\d{1,2}\W*$|^\W*page\s+\d{1,2}\W*$", re.I)
_DECORATED_HEADING_RE = re.compile(r"^[=*~#_\-+.:]{2,}\s*([^=*~#_]+?)\s*[=*~#_\-+.:]{2,}$")
_MARKDOWN_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_MD_LINK_RE = re.compile(r"\[([^\]]{1,80})\]\((\S{1,300}?)\)")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1")
_MD_ITALIC_LINE_RE = re.compile(r"^[*_]([^\s*_].*?[^\s*_]|[^\s*_])[*_]$")
_SENTENCE_END_RE = re.compile(r"[.!?)\]\"”]$")
_CONJUNCTION_RE = re.compile(r"^(?:and|or|but|nor|so|yet|with|to|for|of|in|on|at|by|from|as|which|that|while)\b", re.I)


@dataclass
class Line:
    text: str  # content, without bullet glyph or decoration
    number: int  # 1-based line number in the normalised text
    start: int  # character offset of ``text`` in the normalised text (for entity look-ups)
    raw: str = ""  # the line as it stands in the text, stripped
    indent: int = 0
    blank_before: bool = False
    bullet: bool = False
    heading_hint: bool = False  # underlined, boxed by rules, `=== X ===` or markdown `#`
    markdown_level: int = 0
    parts: list[Line] = field(default_factory=list)  # physical lines joined into this one
    source_text: str = ""  # when ``text`` was rebuilt from the lines (a project's heading + description)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def source(self) -> SourceLine:
        return SourceLine(line=self.number, text=(self.source_text or self.text)[:500])


def is_decoration(text: str) -> bool:
    """A line with no letter or digit (rules, box borders, lone bullets) or a page footer."""
    stripped = text.strip()
    return not re.search(r"[^\W_]", stripped) or bool(_PAGE_FOOTER_RE.match(stripped))


def clean_markdown(text: str) -> str:
    text = _MD_LINK_RE.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    text = _MD_EMPHASIS_RE.sub(lambda m: m.group(2), text)
    match = _MD_ITALIC_LINE_RE.match(text)
    return match.group(1) if match else text


def split_lines(text: str) -> list[Line]:
    """Content lines with their line numbers; decoration lines are dropped but leave hints."""
    out: list[Line] = []
    offset = 0
    blank = False
    pending_rule = False  # a rule line just above the next content line
    raw_lines = text.split("\n")
    for number, raw in enumerate(raw_lines, start=1):
        line_start = offset
        offset += len(raw) + 1
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        if is_decoration(stripped):
            # "SUMMARY\n=======" underlines the line above; "-----\nEXPERIENCE\n-----" frames it.
            if out and not blank and not out[-1].bullet and len(out[-1].text.split()) <= 5:
                out[-1].heading_hint = True
            pending_rule = True
            blank = True
            continue
        body = stripped.strip(_BOX_CHARS + " ")
        if not body:
            blank = True
            continue
        inner = raw.index(stripped) + stripped.index(body)
        heading_hint = False
        level = 0
        md = _MARKDOWN_HEADING_RE.match(body)
        decorated = _DECORATED_HEADING_RE.match(body)
        if md:
            level = len(md.group(1))
            inner += body.index(md.group(2)) if md.group(2) else 0
            body = md.group(2)
            heading_hint = level >= 2
        elif decorated and len(decorated.group(1).split()) <= 5:
            inner += body.index(decorated.group(1))
            body = decorated.group(1)
            heading_hint = True
        italic = _MD_ITALIC_LINE_RE.match(body)
        if italic and body[:2] not in ("* ", "- "):
            inner += 1
            body = italic.group(1)  # "*2021-06 – present*" is emphasis, not a bullet
        bullet_match = BULLET_RE.match(body)
        is_bullet = False
        if bullet_match and bullet_match.end() < len(body) and _is_bullet(body, bullet_match):
            is_bullet = True
            inner += bullet_match.end()
            body = body[bullet_match.end() :]
        cleaned = clean_markdown(body).strip()
        if cleaned != body:
            # Markdown changed the text: offsets of entities no longer line up exactly, which only
            # costs an entity label, never a line.
            body = cleaned
        if not body or is_decoration(body):
            blank = True
            continue
        line = Line(
            text=body,
            number=number,
            start=line_start + inner,
            raw=stripped,
            indent=len(raw) - len(raw.lstrip()),
            blank_before=blank,
            bullet=is_bullet,
            heading_hint=heading_hint or (pending_rule and len(body.split()) <= 4 and body.isupper()),
            markdown_level=level,
        )
        out.append(line)
        blank = False
        pending_rule = False
    return out


def _is_bullet(text: str, match: re.Match[str]) -> bool:
    glyph = match.group(0).strip()
    rest = text[match.end() :]
    if glyph[:1].isdigit():
        # "1. Led the team" is a bullet; "2019 - 2021" and "3D modelling" are not (the regex already
        # needs "<n>." or "<n>)"), nor is a bare "1." in front of a number.
        return bool(re.match(r"\D", rest))
    # "- 2019" is a date fragment, not an item.
    return not (glyph in ("-", "–", "—") and re.match(r"\d{4}\b", rest))


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END_RE.search(text.rstrip()))


def starts_like_continuation(text: str) -> bool:
    """Lower-case start, a conjunction or preposition, or a closing bracket/number run-on."""
    first = text[:1]
    return first.islower() or first in "(&" or bool(_CONJUNCTION_RE.match(text))


def join(lines: list[Line]) -> Line:
    """One logical line from a first line and its wrapped continuations (source = first line)."""
    first = lines[0]
    text = first.text
    for part in lines[1:]:
        glue = "" if text.endswith(("-", "/")) and part.text[:1].islower() and not text.endswith(" -") else " "
        text = f"{text}{glue}{part.text}"
    return Line(
        text=text,
        number=first.number,
        start=first.start,
        raw=first.raw,
        indent=first.indent,
        blank_before=first.blank_before,
        bullet=first.bullet,
        heading_hint=first.heading_hint,
        markdown_level=first.markdown_level,
        parts=list(lines),
    )


def strip_bullet(text: str) -> str:
    match = BULLET_RE.match(text)
    if match and _is_bullet(text, match):
        return text[match.end() :].strip()
    return text.strip()
