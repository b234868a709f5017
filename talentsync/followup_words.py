"""Follow-ups that use what the candidate said.

Follow-up retrieval (activities/ml.py) picks a written follow-up by its similarity to the answer.
Offline, that template is then tied to the answer with one thing the candidate named: a tool, a
system, a team or a figure, taken from a sentence that is about what the follow-up asks:

    You mentioned the checkout service. How would you confirm that a slow service is CPU-bound ...

Only things the candidate brought up count: anything the question or the follow-up already names is
left out, as are generic phrases ("the whole system", "my team"). When nothing fits, the template is
asked as written; a forced reference reads worse than none. With an OpenAI-compatible endpoint the
model rewrites the follow-up instead, and this is its silent fallback.

Pure string work (no spaCy, no model): it runs while the candidate waits for the next question.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from talentsync.scoring.text import STOPWORDS, content_stems, wordset
from talentsync.skills import CASE_SENSITIVE, SKILLS

Kind = Literal["system", "tool", "team", "number"]
KIND_ORDER: dict[str, int] = {"system": 0, "tool": 1, "team": 2, "number": 3}

MAX_PHRASE_WORDS = 6
MAX_PHRASE_CHARS = 60
LEADS = ("You mentioned {thing}.", "You brought up {thing}.")

# Sentences end at . ! ? or a blank line; a single line break is a wrapped line, not a boundary.
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")

# Modifiers that do not single out a system or team: "the whole system", "a new service".
GENERIC_MODIFIERS = wordset(
    """new old whole entire same other main existing current big small simple first second next last
    single own particular specific different real actual good bad better best worse great many several
    various every each another certain typical usual normal overall general right wrong whole key core
    important critical shared common separate additional extra given strong weak fast slow quick large huge
    tiny high low long short easy hard nice modern proper whole basic standard usual"""
)
SYSTEM_HEADS = (
    "service|services|system|pipeline|api|database|db|cache|queue|cluster|job|worker|endpoint|platform|app|"
    "application|dashboard|library|module|feature|model|schema|table|index|microservice|monolith|backend|"
    "frontend|server|page|flow|workflow|script|migration|rollout|integration|report|suite|store|"
    "warehouse|funnel|experiment|test|campaign|launch|product|tool|component|form|screen|checkout|"
    "onboarding|build|release"
)
TEAM_HEADS = "team|squad|group|department|org|organisation|organization|guild|chapter"
_DETERMINER = r"(?P<det>the|our|my|their|a|an|this|that)"
_MODS = r"(?P<mods>(?:[A-Za-z0-9][\w/.&-]*\s+){1,3}?)"
_SYSTEM_RE = re.compile(rf"\b{_DETERMINER}\s+{_MODS}(?P<head>{SYSTEM_HEADS})\b", re.IGNORECASE)
_TEAM_RE = re.compile(rf"\b{_DETERMINER}\s+{_MODS}(?P<head>{TEAM_HEADS})\b", re.IGNORECASE)

_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|hundred"
_COUNT_NOUNS = (
    "users|customers|clients|engineers|developers|people|teams|services|requests|orders|tickets|incidents|"
    "bugs|deploys|deployments|releases|servers|nodes|machines|queries|records|rows|events|messages|jobs|"
    "tests|pages|interviews|accounts|stores|markets|countries|sprints|features|experiments|reports"
)
_TIME_UNITS = "ms|milliseconds|seconds|minutes|hours|days|weeks|months|quarters|years"
_NUMBER_RE = re.compile(
    rf"(?<![\w.$])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_NUMBER_WORDS})\s?"
    rf"(?:(?P<pct>%|percent)(?P<rest>\s+(?:of|fewer|more|less|faster|slower|lower|higher)\s+(?:the\s+|our\s+|their\s+)?"
    rf"[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)?"
    rf"|(?P<count>(?:[a-z][a-z-]+\s+)?(?:{_COUNT_NOUNS}))\b"
    rf"|(?P<time>{_TIME_UNITS})\b)",
    re.IGNORECASE,
)
# Code-ish names a lexicon cannot list: threading.Lock, run_in_executor, ProcessPoolExecutor, cProfile.
_CODE_RE = re.compile(
    r"(?<![\w.])(?:[A-Za-z_]\w+(?:\.[A-Za-z_]\w+)+(?:\(\))?"  # dotted names
    r"|[a-z]+(?:_[a-z0-9]+)+"  # snake_case
    r"|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+"  # CamelCase
    r"|[a-z]+[A-Z]\w*)(?![\w.]*\w)"  # cProfile, useEffect
)
_NOT_CODE = frozenset({"e.g", "i.e", "etc", "vs"})
# "We didn't need a cron job": a thing the candidate ruled out is not one to ask them about.
_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|n't|\bno|\bwithout|\bnever|\binstead of|\brather than)(?:\s+\S+){0,2}\s*$", re.I
)
# A figure alone is a weak tie to a follow-up ("You mentioned two seconds."): it needs a closer fit.
MIN_OVERLAP = {"system": 1, "tool": 1, "team": 1, "number": 2}
_OWNER = {"our": "your", "my": "your", "a": "the", "an": "the", "this": "that"}


@dataclass(frozen=True)
class NamedThing:
    kind: Kind
    said: str  # exactly as the candidate wrote or said it
    phrase: str  # as the interviewer says it back ("your billing pipeline")
    sentence: str  # the sentence it came from
    start: int  # character offset in the answer


@dataclass(frozen=True)
class Personalised:
    text: str
    thing: NamedThing | None  # the named thing used, or None when the template is asked as written


@lru_cache(maxsize=1)
def _tool_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    folded: list[str] = []
    exact: list[str] = []
    for canonical, aliases in SKILLS.items():
        for name in (canonical, *aliases):
            if len(re.findall(r"[A-Za-z]", name)) < 2:
                continue  # "C", "R": too easily a letter in prose
            (exact if name in CASE_SENSITIVE else folded).append(re.escape(name))

    def build(names: list[str], flags: int) -> re.Pattern[str]:
        alternation = "|".join(sorted(set(names), key=len, reverse=True))
        return re.compile(rf"(?<![\w+#.-])(?:{alternation})(?![\w+#-])", flags)

    return build(folded, re.IGNORECASE), build(exact, 0)


# Lower-case spellings that are names as written ("pandas", "numpy") map to True; a canonical name with
# capitals ("Statistics", "Python") written in lower case maps to False: in prose it is an ordinary word.
_LOWER_NAMES: dict[str, bool] = {
    name.lower(): name.islower() or not name.isalpha()
    for canonical, aliases in SKILLS.items()
    for name in (canonical, *aliases)
}

# Skills that are fields of work, not things one names: a follow-up "You mentioned statistics." is empty.
_TOPICS = frozenset(
    name.lower()
    for canonical, aliases in SKILLS.items()
    for name in (canonical, *aliases)
    if name.islower()
    and (" " in name or name in {"microservices", "networking", "observability", "security", "statistics"})
    and not name.startswith("scikit")
)


def _sentences(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for part in _SENTENCE_RE.split(text):
        start = text.find(part, pos)
        if part.strip():
            out.append((start, re.sub(r"\s", " ", part)))  # one for one: offsets stay those of the answer
        pos = start + len(part)
    return out


def _specific(mods: str) -> bool:
    words = [w.lower() for w in mods.split()]
    if any(w in STOPWORDS and w not in {"one", "two"} for w in words):
        return False  # "the part of the system": the phrase runs across a clause
    return any(w not in GENERIC_MODIFIERS and re.search(r"[a-z]", w) for w in words)


def _noun_phrases(sentence: str, pattern: re.Pattern[str], kind: Kind) -> list[tuple[int, NamedThing]]:
    found: list[tuple[int, NamedThing]] = []
    for m in pattern.finditer(sentence):
        if not _specific(m.group("mods")):
            continue
        det = m.group("det")
        said = m.group(0)
        owner = _OWNER.get(det.lower(), det.lower())
        phrase = f"{owner} {m.group('mods').strip()} {m.group('head')}"
        found.append((m.start(), NamedThing(kind, said, phrase, sentence, 0)))
    return found


def _numbers(sentence: str) -> list[tuple[int, NamedThing]]:
    found: list[tuple[int, NamedThing]] = []
    for m in _NUMBER_RE.finditer(sentence):
        said = m.group(0).strip()
        if m.group("pct") and not m.group("rest"):
            continue  # "40%" alone: of what? Quoting it back would be a riddle.
        if m.group("time") and m.group("num").lower() in ("one", "a"):
            continue  # "one day" is a turn of phrase, not a figure
        phrase = said[0].lower() + said[1:] if m.group("num").isalpha() else said  # "Three engineers" mid-sentence
        found.append((m.start(), NamedThing("number", said, phrase, sentence, 0)))
    return found


def _tools(sentence: str) -> list[tuple[int, NamedThing]]:
    folded, exact = _tool_patterns()
    found: list[tuple[int, NamedThing]] = []
    for pattern in (folded, exact):
        for m in pattern.finditer(sentence):
            if pattern is exact and m.start() == 0:
                continue  # "Go ahead", "Swift action": case tells nothing at a sentence's start
            said = m.group(0)
            if said.lower() in _TOPICS or (said.isalpha() and said.islower() and _LOWER_NAMES.get(said) is False):
                continue  # a field ("statistics", "system design"), or "python" written as an ordinary word
            found.append((m.start(), NamedThing("tool", m.group(0), m.group(0), sentence, 0)))
    for m in _CODE_RE.finditer(sentence):
        name = m.group(0)
        if name.lower().rstrip("()") in _NOT_CODE or not re.search(r"[a-z]", name):
            continue
        found.append((m.start(), NamedThing("tool", name, name, sentence, 0)))
    return found


def named_things(answer: str, *, not_in: str = "") -> list[NamedThing]:
    """Things the candidate named, in order of appearance, leaving out anything ``not_in`` names."""
    known = not_in.lower()
    things: list[NamedThing] = []
    seen: set[str] = set()
    for offset, sentence in _sentences(answer):
        said_as = " ".join(sentence.split())
        candidates = (
            _noun_phrases(sentence, _SYSTEM_RE, "system")
            + _noun_phrases(sentence, _TEAM_RE, "team")
            + _tools(sentence)
            + _numbers(sentence)
        )
        for pos, thing in sorted(candidates, key=lambda c: c[0]):
            if _NEGATED_BEFORE.search(sentence[:pos]):
                continue
            phrase = " ".join(thing.phrase.split())  # a wrapped line inside the phrase
            core = phrase.split(" ", 1)[1] if thing.kind in ("system", "team") else phrase
            key = core.lower()
            if key in seen or _quoted_elsewhere(core, known) or not _quotable(phrase):
                continue
            seen.add(key)
            things.append(NamedThing(thing.kind, thing.said, phrase, said_as, offset + pos))
    return things


def _quoted_elsewhere(core: str, known: str) -> bool:
    if not known:
        return False
    if re.search(rf"(?<!\w){re.escape(core.lower())}(?!\w)", known):
        return True
    # "the rate limiter service" vs a question about "rate limiter": most of its content words are theirs
    words = content_stems(core)
    return bool(words) and len(words & content_stems(known)) / len(words) > 0.6


def _quotable(phrase: str) -> bool:
    words = phrase.split()
    return (
        1 <= len(words) <= MAX_PHRASE_WORDS
        and len(phrase) <= MAX_PHRASE_CHARS
        and phrase.count("(") == phrase.count(")")
    )


def listening_text(key_points: Any) -> str:
    """What a follow-up listens for, as text: its points' labels and descriptions (dicts, models or strings)."""
    parts: list[str] = []
    for point in key_points or []:
        if isinstance(point, str):
            parts.append(point)
            continue
        data = point if isinstance(point, dict) else point.model_dump()
        parts.extend(str(data.get(k) or "") for k in ("point", "listen_for"))
    return " ".join(p for p in parts if p)


def personalise(template: str, answer: str, *, question: str, about: str = "") -> Personalised:
    """The template with a lead-in naming one thing from the answer, when one fits.

    ``about`` is what the follow-up listens for (its listening points); a named thing fits when its
    sentence shares content words with the follow-up or with ``about``, beyond the thing's own words.
    """
    context = content_stems(f"{template} {about}")
    best: tuple[int, int, int] | None = None
    chosen: NamedThing | None = None
    for thing in named_things(answer, not_in=f"{question}\n{template}"):
        overlap = len((content_stems(thing.sentence) - content_stems(thing.said)) & context)
        if overlap < MIN_OVERLAP[thing.kind]:
            continue  # named, but in a sentence about something else
        rank = (-overlap, KIND_ORDER[thing.kind], thing.start)
        if best is None or rank < best:
            best, chosen = rank, thing
    if chosen is None:
        return Personalised(template, None)
    lead = LEADS[zlib.crc32(f"{template}|{chosen.phrase}".encode()) % len(LEADS)]
    return Personalised(f"{lead.format(thing=chosen.phrase)} {template}", chosen)
