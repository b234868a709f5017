"""Reading order for PDF pages: two-column layouts and right-aligned fields.

pypdf's plain extraction follows the content stream, and many CV builders draw a page row by
row across both columns ("Skills Product Manager 2019 – 2022"), which interleaves a sidebar with
the main column. Its layout mode instead places text on a character grid by x-position; there a
sidebar shows up as a gutter of blank cells running down many rows. This module finds that gutter,
emits the left column, then the right one, and turns a wide gap inside a line (a date pushed to
the right margin) into a " | " field separator, as a tab is in a text file.
"""

from __future__ import annotations

import re
import statistics

from talentsync.resume.dates import DATE_RANGE_RE, fold

_GAP_RE = re.compile(r"(?<=\S)( {2,})(?=\S)")
MIN_COLUMN_ROWS = 4


def _clear(row: str, col: int) -> bool:
    return row[max(0, col - 1) : col + 2].strip() == ""


def find_gutter(rows: list[str]) -> int | None:
    """The character column separating two text columns, or None for a one-column page."""
    width = max((len(r) for r in rows), default=0)
    best: tuple[int, int] | None = None
    for col in range(8, width - 8):
        both = right = crossing = 0
        left_dates = right_dates = 0
        for row in rows:
            if len(row.rstrip()) <= col + 1:
                continue
            right += 1
            if not _clear(row, col):
                crossing += 1
                continue
            left_part, right_part = row[:col].strip(), row[col:].strip()
            if left_part:
                both += 1
                left_dates += _date_only(left_part)
                right_dates += _date_only(right_part)
        if both < MIN_COLUMN_ROWS or crossing > 0.15 * right:
            continue
        # A column of dates beside a column of titles is one table, not two columns of text.
        if left_dates > both / 2 or right_dates > both / 2:
            continue
        if best is None or both > best[0]:
            best = (both, col)
    return best[1] if best else None


def _date_only(text: str) -> bool:
    folded = fold(text)
    match = DATE_RANGE_RE.search(folded)
    return match is not None and len(folded.replace(match.group(0), "").split()) <= 1


def fields_line(row: str) -> str:
    """Collapse spacing; a gap far wider than the line's other gaps becomes ' | '."""
    indent = len(row) - len(row.lstrip(" "))
    body = row.strip()
    gaps = [len(g) for g in _GAP_RE.findall(body)]
    if not gaps:
        return " " * indent + body
    # Justified lines have uniformly wide gaps; compare each gap with the line's usual word gap.
    typical = statistics.median(len(g) for g in re.findall(r"(?<=\S) +(?=\S)", body))

    def replace(match: re.Match[str]) -> str:
        size = len(match.group(1))
        return " | " if size >= 4 and size >= 3 * typical else " "

    return " " * indent + _GAP_RE.sub(replace, body)


def reading_order(layout_text: str) -> str:
    """Text of one page in reading order (see module docstring)."""
    rows = layout_text.split("\n")
    gutter = find_gutter(rows)
    if gutter is None:
        return "\n".join(fields_line(r) for r in rows)
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []

    def flush() -> None:
        out.extend(fields_line(r) for r in left)
        out.append("")
        out.extend(fields_line(r) for r in right)
        out.append("")
        left.clear()
        right.clear()

    for row in rows:
        if len(row.rstrip()) > gutter + 1 and not _clear(row, gutter):
            flush()
            out.append(fields_line(row))
            continue
        left_part, right_part = row[:gutter].rstrip(), row[gutter:].rstrip()
        # A row blank on one side only is the other column's line spacing, not a paragraph break;
        # a row blank across the page is a gap in both.
        if not left_part.strip() and not right_part.strip():
            left.append("")
            right.append("")
            continue
        if left_part.strip():
            left.append(left_part)
        if right_part.strip():
            right.append(right_part)
    flush()
    return "\n".join(_drop_shared_indent(out))


def _drop_shared_indent(lines: list[str]) -> list[str]:
    """Right-column rows carry the column's offset as indentation; keep only relative indents."""
    out: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            shared = min(len(b) - len(b.lstrip(" ")) for b in block)
            out.extend(b[shared:] for b in block)
            block = []
        out.append(line)
    return out[:-1]
