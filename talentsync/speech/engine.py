"""The speech-to-text interface every engine implements (local Whisper, AssemblyAI).

Callers (the transcription activity, the benchmark) depend on ``SpeechEngine`` and the pydantic
``Transcript`` only, so swapping or adding an engine touches no caller. ``Transcript`` holds plain
Python floats so it serialises through Temporal's pydantic converter and into JSONB as is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pydantic import BaseModel, field_validator

from talentsync.speech.audio import DecodedAudio

ProgressCallback = Callable[[float], None]


class Word(BaseModel):
    """One recognised word with its time span in seconds from the start of the recording."""

    text: str
    start: float
    end: float
    probability: float | None = None
    # The engine doubts it: near-zero probability, or part of a noise-like segment. Marked, never
    # silently dropped.
    low_confidence: bool = False

    @field_validator("start", "end", "probability", mode="before")
    @classmethod
    def _plain_float(cls, value: object) -> object:
        # Engines hand back numpy scalars; those are not JSON-serialisable downstream.
        if value is None:
            return None
        return float(value)  # type: ignore[arg-type]


class Transcript(BaseModel):
    text: str
    words: list[Word]
    duration_s: float
    language: str | None
    engine: str
    no_speech: bool
    # Speech accounting (engines that run VAD): seconds in which VAD heard speech, how many of
    # them recognised words cover, and how many seconds were decoded a second time to get there.
    speech_s: float | None = None
    speech_covered_s: float | None = None
    redecoded_s: float = 0.0
    # Words of noise-like segments left out of `text` and `words` (over no speech, or speech that
    # confident words already cover): kept here so nothing the engine heard is lost silently.
    doubtful_words: list[Word] = []


class SpeechServiceError(RuntimeError):
    """A remote speech-to-text service failed (not the recording's fault).

    ``retryable``: a later attempt may succeed (rate limit, 5xx, network); False when only an
    operator can fix it (refused credentials, a request the service rejects).
    """

    def __init__(self, message: str, *, retryable: bool, status_code: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status_code = status_code


class SpeechEngine(Protocol):
    """Transcribes decoded audio. Implementations load their model once and are reused."""

    name: str

    def transcribe(self, audio: DecodedAudio, on_progress: ProgressCallback | None = None) -> Transcript:
        """Return the transcript; ``on_progress`` gets the fraction (0..1) of audio processed."""
        ...
