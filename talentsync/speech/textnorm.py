"""Text normalisation for word-error-rate scoring.

Engines differ in surface form ("Mr." vs "mister", "cold-hearted" vs "cold hearted", "Um,"), and
references differ again. Scoring raw strings would count those as recognition errors, so both
sides go through the same normaliser first (the same idea as Whisper's English normaliser, kept
small: no number or spelling standardisation).
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "mr": "mister",
    "mrs": "missus",
    "ms": "miss",
    "dr": "doctor",
    "st": "saint",
}
# Disfluencies are not part of reference transcripts, so they are not scored either way.
_DISFLUENCIES = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "hm", "mm"})
_NON_WORD = re.compile(r"[^a-z0-9' ]+")


def normalise_for_wer(text: str) -> str:
    """Lower-case, expand common abbreviations, split hyphens, drop punctuation and fillers."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[-\u2013\u2014]", " ", text)
    text = _NON_WORD.sub(" ", text)
    words = []
    for token in text.split():
        token = token.strip("'")
        if not token or token in _DISFLUENCIES:
            continue
        words.append(_ABBREVIATIONS.get(token, token))
    return " ".join(words)
