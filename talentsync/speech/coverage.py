"""Speech accounting: how much of the speech that voice-activity detection heard is backed by words.

Whisper can skip a whole 30 s window (a window judged silent, or a decode that ends on a lone
timestamp and jumps ahead), and nothing in its output says so. Silero VAD is an independent
witness: every stretch of audio it calls speech should end up under recognised words. These are
the interval helpers the engine uses to check that, kept free of any model so they are cheap to
test.

Times are seconds from the start of the recording. Interval lists are sorted and non-overlapping
after ``merge``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Interval = tuple[float, float]

# Word timestamps come from cross-attention alignment and are off by a few hundred milliseconds;
# VAD stretches include breaths and short pauses between words. This much slack around each word
# makes a correct transcript cover its speech, while a missing sentence (seconds long) still shows.
WORD_SLACK_S = 0.5


def merge(intervals: Iterable[Interval], join_gap: float = 0.0) -> list[Interval]:
    """Sorted union of ``intervals``; pieces closer than ``join_gap`` are joined."""
    out: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1] + join_gap:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def total(intervals: Iterable[Interval]) -> float:
    return sum(end - start for start, end in intervals)


def overlap(a: Sequence[Interval], b: Sequence[Interval]) -> float:
    """Length of the intersection of two merged interval lists."""
    i = j = 0
    length = 0.0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if hi > lo:
            length += hi - lo
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return length


def clip(intervals: Sequence[Interval], start: float, end: float) -> list[Interval]:
    """The parts of merged ``intervals`` that lie within [start, end]."""
    return [(max(s, start), min(e, end)) for s, e in intervals if min(e, end) > max(s, start)]


def word_cover(spans: Iterable[Interval], slack: float = WORD_SLACK_S) -> list[Interval]:
    """Time that recognised words account for: each word's span widened by ``slack`` each side."""
    return merge((max(0.0, s - slack), e + slack) for s, e in spans)


@dataclass(frozen=True)
class StretchCoverage:
    """One VAD decode stretch: seconds of speech VAD heard in it, and how many of them words cover."""

    start: float
    end: float
    speech_s: float
    covered_s: float

    @property
    def missing_s(self) -> float:
        return max(0.0, self.speech_s - self.covered_s)


def account(
    stretches: Sequence[Interval], speech: Sequence[Interval], word_spans: Iterable[Interval]
) -> list[StretchCoverage]:
    """Per decode stretch, the speech VAD heard there and the part of it that words cover."""
    speech = merge(speech)
    cover = word_cover(word_spans)
    result = []
    for start, end in stretches:
        heard = clip(speech, start, end)
        result.append(StretchCoverage(start=start, end=end, speech_s=total(heard), covered_s=overlap(heard, cover)))
    return result


# A stretch is re-decoded when this much of its speech has no word near it. One and a half
# seconds is three or four words: less than that is within the alignment noise of a correct decode.
MISSING_SPEECH_S = 1.5
MISSING_FRACTION = 0.2


def is_deficient(cov: StretchCoverage) -> bool:
    """Speech with no words, or too few: more than 1.5 s, or a fifth of the stretch, unaccounted for."""
    if cov.speech_s <= 0:
        return False
    return cov.missing_s >= MISSING_SPEECH_S or cov.missing_s >= MISSING_FRACTION * cov.speech_s
