"""Dates and date ranges as resumes write them, in English, German, French, Spanish, Portuguese.

"Jan 2020 – Present", "2019-03", "März 2018 – heute", "03/2017 - 11/2019", "11.2020 – now",
"2016 to 2018", "since 2021", "Ene 2020 – Actualidad". Normalised to "YYYY-MM", or "YYYY" when
only a year is given, and "present" for an open end.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from talentsync.resume.models import Role

# Month names and abbreviations -> month number. Accents are folded before lookup ("März" ->
# "marz", "févr." -> "fevr").
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "janvier", "janv", "enero", "ene", "janeiro", "gennaio", "gen"),
    2: ("february", "feb", "februar", "fevrier", "fevr", "fev", "febrero", "fevereiro", "febbraio"),
    3: ("march", "mar", "marz", "maerz", "mars", "marzo", "marco"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mayo", "maio", "maggio", "mag"),
    6: ("june", "jun", "juni", "juin", "junio", "junho", "giugno", "giu"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "julho", "luglio", "lug"),
    8: ("august", "aug", "aout", "agosto", "ago"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "setembro", "set", "settembre"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "outubro", "out", "ottobre", "ott"),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: ("december", "dec", "dezember", "dez", "decembre", "diciembre", "dic", "dezembro", "dicembre"),
}
MONTHS: dict[str, int] = {name: number for number, names in _MONTH_NAMES.items() for name in names}
_MONTH_WORD = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_YEAR = r"(?:19|20)\d{2}"
_DATE = (
    rf"(?:\b{_MONTH_WORD}\.?,?\s*(?:'|’)?{_YEAR}(?!\d)"  # Jan 2020, Sept. 2018, marz 2018
    rf"|\b{_MONTH_WORD}\.?\s*['’]\d{{2}}(?!\d)"  # Mar '22
    rf"|(?<![\d/.-])(?:0?[1-9]|1[0-2])\s?[/.-]\s?{_YEAR}(?!\d)"  # 03/2017, 11.2020
    rf"|(?<!\d){_YEAR}[/.-](?:0[1-9]|1[0-2])(?![\d/.])"  # 2019-03
    rf"|(?:(?:spring|summer|autumn|fall|winter)\s+)?(?<![\d/.-]){_YEAR}(?!\d))"  # 2019, Summer 2015
)
PRESENT = (
    r"(?:present|current(?:ly)?|now|today|to date|ongoing|heute|jetzt|aktuell|bis heute|actualidad|actual|"
    r"presente|hoy|atual|atualmente|aujourd'?hui|en cours|oggi)"
)
_RANGE_SEP = r"\s*(?:–|—|-|−|~|→|->|to|until|till|through|thru|bis|a|à|al|hasta|até)\s*"
DATE_RANGE_RE = re.compile(
    rf"(?:from\s+|von\s+|de\s+|desde\s+)?(?P<start>{_DATE}){_RANGE_SEP}(?P<end>{_DATE}|{PRESENT}\b)"
)
_SINCE_RE = re.compile(
    rf"\b(?:since|seit|desde|depuis|dal|from)\s+(?P<start>{_DATE})|(?P<start2>{_DATE})\s*(?:–|—|-|→)\s*$"
)
SINGLE_DATE_RE = re.compile(_DATE)
_PRESENT_RE = re.compile(PRESENT)


def fold(text: str) -> str:
    """Lower case without accents, so "März" matches "marz"; same length as the input."""
    out = []
    for ch in text.lower():
        decomposed = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        out.append(base[:1] if len(base) >= 1 else ch)
    return "".join(out)


def find_date_range(text: str) -> tuple[str | None, str | None, tuple[int, int] | None]:
    """(start, end, span in ``text``) of the first date range, or Nones."""
    folded = fold(text)
    match = DATE_RANGE_RE.search(folded)
    if match:
        end_raw = match.group("end")
        end = "present" if _PRESENT_RE.fullmatch(end_raw.strip()) else normalise_date(end_raw)
        return normalise_date(match.group("start")), end, match.span()
    since = _SINCE_RE.search(folded)
    if since:
        raw = since.group("start") or since.group("start2")
        return normalise_date(raw), "present", since.span()
    return None, None, None


def normalise_date(raw: str) -> str | None:
    raw = fold(raw.strip())
    year_match = re.search(_YEAR, raw)
    short = re.search(r"['’](\d{2})(?!\d)", raw)
    if not year_match and not short:
        return None
    if year_match:
        year = year_match.group(0)
    else:
        assert short is not None
        # "Mar '22": a two-digit year is this century's up to '60, the last one's after.
        year = ("20" if int(short.group(1)) <= 60 else "19") + short.group(1)
    word = re.match(r"[a-z]+", raw)
    if word and word.group(0) in MONTHS:
        return f"{year}-{MONTHS[word.group(0)]:02d}"
    numbers = [n for n in re.findall(r"\d+", raw) if n != year]
    months = [n for n in numbers if 1 <= int(n) <= 12]
    if months:
        return f"{year}-{int(months[0]):02d}"
    return year


def has_date_range(text: str) -> bool:
    return find_date_range(text)[2] is not None


def _month_index(value: str | None, as_of: date) -> int | None:
    if value is None:
        return None
    if value == "present":
        return as_of.year * 12 + as_of.month - 1
    parts = value.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
    except ValueError:
        return None
    return year * 12 + month - 1


def years_experience(roles: list[Role], as_of: date) -> float | None:
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
