"""Delivery analytics from word timestamps: pace, fillers, pauses, hedging.

Everything is computed from ``Transcript.words`` alone, so it works the same for any engine that
returns word timings. Rates are per minute of the *answer span* (first word start to last word
end): the time a candidate takes before starting to talk, or leaves running after finishing,
should not make them look slow.

"like", "you know" and "I mean" are fillers only in some uses ("I like Python", "do you know
Redis", "I mean the cache" are not). Without prosody the evidence we have is the punctuation the
engine writes (Whisper writes the filler use as "like," / ", you know,") and pauses, so those are
what the rules look at; they miss some fillers rather than flag ordinary words.
"""

from __future__ import annotations

import itertools
import re
from typing import Literal

from pydantic import BaseModel

from talentsync.speech.engine import Transcript, Word

LONG_PAUSE_S = 2.0
# Gaps shorter than this between words are articulation, not silence.
SPEECH_GAP_S = 0.3
# A pause this long after "like" / "you know" marks it as a filler even without a comma.
FILLER_PAUSE_S = 0.5

# Always fillers, whatever follows. Spelled the ways Whisper writes them.
_FILLER_WORDS = frozenset({"um", "umm", "ummm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "hm", "mm", "mmm"})
_DETERMINERS = frozenset(
    {
        "a", "an", "the", "this", "that", "these", "those", "what", "which", "any", "some",
        "every", "each", "same", "other", "different", "one", "no", "all", "whatever", "our",
        "my", "your", "their", "his", "her", "its", "new", "right", "wrong",
    }
)  # fmt: skip
_ASKING = frozenset({"do", "did", "does", "don't", "didn't", "doesn't", "if", "as", "what", "how"})

# Target bands. wpm and fillers come from the issue (120-160 wpm is the usual coaching range for
# presentations; under ~2 fillers/min reads as fluent). The hedge and pause bands are our own
# starting points, to be tuned on real sessions.
BANDS: dict[str, tuple[float, float]] = {
    "wpm": (120.0, 160.0),
    "fillers_per_min": (0.0, 2.0),
    "hedges_per_min": (0.0, 2.0),
    "long_pauses_per_min": (0.0, 1.0),
}


class FillerHit(BaseModel):
    word: str
    start: float


class Pause(BaseModel):
    start: float
    end: float
    duration: float


class HedgeHit(BaseModel):
    phrase: str
    start: float


class Band(BaseModel):
    value: float
    target_low: float
    target_high: float
    verdict: Literal["low", "ok", "high"]


class DeliveryReport(BaseModel):
    wpm: float
    fillers_per_min: float
    filler_count: int
    fillers: list[FillerHit]
    long_pauses: list[Pause]
    speaking_time_s: float
    silence_s: float
    hedges: list[HedgeHit]
    bands: dict[str, Band]


_WORD_CHARS = re.compile(r"[^a-z0-9']+")


def _norm(text: str) -> str:
    return _WORD_CHARS.sub("", text.lower().replace("\u2019", "'"))


def _comma_after(word: Word) -> bool:
    return word.text.rstrip().endswith((",", "-", "\u2014", "..."))


def _break_after(word: Word) -> bool:
    """Punctuation after the word closes a phrase: comma, dash or sentence end."""
    return _comma_after(word) or word.text.rstrip().endswith((".", "?", "!", ";", ":"))


def _break_before(words: list[Word], i: int) -> bool:
    return i == 0 or _break_after(words[i - 1])


def _gap_after(words: list[Word], i: int) -> float:
    if i + 1 >= len(words):
        return 0.0
    return words[i + 1].start - words[i].end


def _find_fillers(words: list[Word], norm: list[str]) -> list[FillerHit]:
    hits: list[FillerHit] = []
    n = len(words)
    i = 0
    while i < n:
        term = norm[i]
        if term in _FILLER_WORDS:
            hits.append(FillerHit(word=term, start=words[i].start))
        elif term == "like":
            # "it was, like, fast" / "like... the cache" / "um like" -- but not "I like Go",
            # "looks like a bug", or "languages, like Go" (comma only before: "such as").
            after_pause = _gap_after(words, i) >= FILLER_PAUSE_S
            next_to_filler = (i > 0 and norm[i - 1] in _FILLER_WORDS) or (i + 1 < n and norm[i + 1] in _FILLER_WORDS)
            if _comma_after(words[i]) or after_pause or next_to_filler:
                hits.append(FillerHit(word="like", start=words[i].start))
        elif term == "you" and i + 1 < n and norm[i + 1] == "know":
            # ", you know," / "..., you know." -- not "do you know Redis" or "you know the API".
            asked = i > 0 and norm[i - 1] in _ASKING and not _break_after(words[i - 1])
            closes = _break_after(words[i + 1]) or _gap_after(words, i + 1) >= FILLER_PAUSE_S
            if closes and not asked:
                hits.append(FillerHit(word="you know", start=words[i].start))
                i += 2
                continue
        elif (
            # "I mean, ..." restarts a thought; "I mean the cache layer" clarifies and is content.
            term == "i"
            and i + 1 < n
            and norm[i + 1] == "mean"
            and _comma_after(words[i + 1])
            and _break_before(words, i)
        ):
            hits.append(FillerHit(word="I mean", start=words[i].start))
            i += 2
            continue
        i += 1
    return hits


# Hedging phrases as token sequences; "kind of"/"sort of" need a check on the word before.
_HEDGES: list[tuple[str, tuple[str, ...]]] = [
    ("I'm not sure", ("i'm", "not", "sure")),
    ("I'm not sure", ("i", "am", "not", "sure")),
    ("I think", ("i", "think")),
    ("I guess", ("i", "guess")),
    ("kind of", ("kind", "of")),
    ("sort of", ("sort", "of")),
    ("maybe", ("maybe",)),
    ("probably", ("probably",)),
]


def _find_hedges(words: list[Word], norm: list[str]) -> list[HedgeHit]:
    hits: list[HedgeHit] = []
    n = len(words)
    i = 0
    while i < n:
        for phrase, tokens in _HEDGES:
            k = len(tokens)
            if tuple(norm[i : i + k]) != tokens:
                continue
            if tokens[0] in ("kind", "sort") and i > 0 and norm[i - 1] in _DETERMINERS:
                # "what kind of database", "a sort of cache": a noun, not a hedge.
                continue
            hits.append(HedgeHit(phrase=phrase, start=words[i].start))
            i += k - 1
            break
        i += 1
    return hits


def _speaking_time(words: list[Word]) -> float:
    """Union of word spans, with gaps shorter than ``SPEECH_GAP_S`` counted as speaking."""
    total = 0.0
    run_start = words[0].start
    run_end = words[0].end
    for w in words[1:]:
        if w.start - run_end < SPEECH_GAP_S:
            run_end = max(run_end, w.end)
        else:
            total += run_end - run_start
            run_start, run_end = w.start, w.end
    return total + (run_end - run_start)


def _band(name: str, value: float) -> Band:
    low, high = BANDS[name]
    verdict: Literal["low", "ok", "high"] = "ok"
    if value < low:
        verdict = "low"
    elif value > high:
        verdict = "high"
    return Band(value=value, target_low=low, target_high=high, verdict=verdict)


def analyse_delivery(transcript: Transcript) -> DeliveryReport:
    """Pace, fillers, long pauses, speaking vs silence and hedges for one answer."""
    words = sorted(transcript.words, key=lambda w: w.start)
    norm = [_norm(w.text) for w in words]
    # Punctuation-only tokens ("-", "...") are not words for counting or matching.
    kept = [(w, t) for w, t in zip(words, norm, strict=True) if t]
    words = [w for w, _ in kept]
    norm = [t for _, t in kept]

    if not words:
        return DeliveryReport(
            wpm=0.0,
            fillers_per_min=0.0,
            filler_count=0,
            fillers=[],
            long_pauses=[],
            speaking_time_s=0.0,
            silence_s=round(transcript.duration_s, 2),
            hedges=[],
            bands={
                "wpm": _band("wpm", 0.0),
                "fillers_per_min": _band("fillers_per_min", 0.0),
                "hedges_per_min": _band("hedges_per_min", 0.0),
                "long_pauses_per_min": _band("long_pauses_per_min", 0.0),
            },
        )

    span_min = max(words[-1].end - words[0].start, 1e-6) / 60.0
    fillers = _find_fillers(words, norm)
    hedges = _find_hedges(words, norm)
    pauses = [
        Pause(start=a.end, end=b.start, duration=round(b.start - a.end, 3))
        for a, b in itertools.pairwise(words)
        if b.start - a.end >= LONG_PAUSE_S
    ]
    speaking = _speaking_time(words)
    duration = max(transcript.duration_s, words[-1].end)

    wpm = round(len(words) / span_min, 2)
    fillers_per_min = round(len(fillers) / span_min, 2)
    hedges_per_min = round(len(hedges) / span_min, 2)
    pauses_per_min = round(len(pauses) / span_min, 2)
    return DeliveryReport(
        wpm=wpm,
        fillers_per_min=fillers_per_min,
        filler_count=len(fillers),
        fillers=fillers,
        long_pauses=pauses,
        speaking_time_s=round(speaking, 2),
        silence_s=round(max(duration - speaking, 0.0), 2),
        hedges=hedges,
        bands={
            "wpm": _band("wpm", wpm),
            "fillers_per_min": _band("fillers_per_min", fillers_per_min),
            "hedges_per_min": _band("hedges_per_min", hedges_per_min),
            "long_pauses_per_min": _band("long_pauses_per_min", pauses_per_min),
        },
    )
