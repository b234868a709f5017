"""AssemblyAI speech-to-text through the official ``assemblyai`` SDK (used when ASSEMBLYAI_API_KEY is set).

What goes over the wire (SDK 1.8, ``assemblyai/api.py`` and ``prerecorded/v2/api.py``): every request
carries the key as the bare ``authorization`` header; ``POST /v2/upload`` with the raw audio bytes
answers ``{"upload_url"}``; ``POST /v2/transcript`` with ``{"audio_url", "disfluencies", ...}`` answers
a transcript in ``queued``; ``GET /v2/transcript/{id}`` is polled until ``completed`` (``text``,
``words`` with ``start``/``end`` in milliseconds and ``confidence``) or ``error`` (``error``). Failed
calls raise ``TranscriptError`` carrying the HTTP status; the SDK itself retries nothing.

The engine gets the same decoded 16 kHz samples local Whisper gets (already checked for length and
format by ``decode_audio``) and uploads them as FLAC, so both engines hear exactly the same audio and
the result has the same ``Transcript`` shape: delivery analytics (pace, fillers, pauses) run
unchanged. AssemblyAI drops "um"/"uh" unless asked, so ``disfluencies`` is always on.
"""

from __future__ import annotations

import logging
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from talentsync.speech.audio import SAMPLE_RATE, AudioError, DecodedAudio
from talentsync.speech.encode import encode_audio
from talentsync.speech.engine import ProgressCallback, SpeechServiceError, Transcript, Word

log = logging.getLogger(__name__)

T = TypeVar("T")

# Same cut as the Whisper engine: a word the service gives this little confidence is marked, not
# dropped. (Not tuned on AssemblyAI output; its confidences for clear speech sit near 0.9.)
LOW_CONFIDENCE = 0.15
# Progress is coarse: the service reports states, not fractions.
_UPLOADED, _SUBMITTED, _PROCESSING = 0.2, 0.25, 0.4
_URL = re.compile(r"https?://\S+")


class AssemblyAIEngine:
    """``SpeechEngine`` on AssemblyAI's pre-recorded API: upload, submit, poll, map the words."""

    def __init__(
        self,
        api_key: str,
        base_url: str = "https://api.assemblyai.com",
        *,
        poll_interval: float = 1.0,
        timeout: float = 300.0,
        http_timeout: float = 60.0,
        max_attempts: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        language_code: str | None = None,
        speech_model: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import assemblyai as aai

        self._aai = aai
        settings = aai.Settings(
            api_key=api_key, base_url=base_url.rstrip("/"), http_timeout=http_timeout, polling_interval=poll_interval
        )
        # One client per engine (per worker process): its connection pool is shared by the activity
        # threads; httpx clients are thread-safe.
        self._client = aai.Client(settings=settings)
        self._config = aai.TranscriptionConfig(
            disfluencies=True,
            punctuate=True,  # delivery analysis reads the commas around "like," and ", you know,"
            format_text=True,
            language_code=language_code,
            speech_model=aai.SpeechModel(speech_model) if speech_model else None,
        )
        self._transcriber = aai.Transcriber(client=self._client, config=self._config)
        self._poll_interval = poll_interval
        self._timeout = timeout
        self._max_attempts = max(1, max_attempts)
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._sleep = sleep
        self.name = f"assemblyai:{speech_model or 'default'}"

    # ------------------------------------------------------------------ calls with retries

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        """Run one SDK call; retry rate limits, 5xx and network errors with jittered backoff."""
        aai = self._aai
        delay = self._backoff
        for attempt in range(1, self._max_attempts + 1):
            try:
                return fn()
            except aai.types.AssemblyAIError as exc:
                status = exc.status_code
                if status in (401, 403):
                    raise SpeechServiceError(
                        f"AssemblyAI refused the API key ({status}) during {what}: {exc}. Check ASSEMBLYAI_API_KEY.",
                        retryable=False,
                        status_code=status,
                    ) from exc
                transient = status == 429 or (status is not None and status >= 500)
                if not transient:
                    raise SpeechServiceError(
                        f"AssemblyAI rejected the {what} request ({status}): {exc}", retryable=False, status_code=status
                    ) from exc
                error: Exception = exc
            except httpx.TransportError as exc:  # connection refused/reset, timeouts
                status, error = None, exc
            if attempt == self._max_attempts:
                raise SpeechServiceError(
                    f"AssemblyAI {what} failed after {attempt} attempts: {error}", retryable=True, status_code=status
                ) from error
            wait = min(delay, self._max_backoff) * (0.5 + random.random() / 2)
            log.warning(
                "AssemblyAI %s failed (%s); retrying in %.1f s", what, status or type(error).__name__, wait,
                extra={"attempt": attempt},
            )  # fmt: skip
            self._sleep(wait)
            delay *= 2
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ the engine

    def transcribe(self, audio: DecodedAudio, on_progress: ProgressCallback | None = None) -> Transcript:
        def progress(fraction: float) -> None:
            if on_progress is not None:
                on_progress(fraction)

        data = _flac_bytes(audio)
        upload_url = self._call("upload", lambda: self._transcriber.upload_file(data))
        progress(_UPLOADED)
        submitted = self._call("transcript request", lambda: self._transcriber.submit(upload_url))
        transcript_id = submitted.id
        if not transcript_id:
            raise SpeechServiceError("AssemblyAI answered the transcript request without an id", retryable=True)
        progress(_SUBMITTED)
        log.info("AssemblyAI transcript submitted", extra={"transcript_id": transcript_id, "bytes": len(data)})
        result = self._wait(transcript_id, progress)
        return self._result(result, audio)

    def _wait(self, transcript_id: str, progress: ProgressCallback) -> Any:
        aai = self._aai
        deadline = time.monotonic() + self._timeout
        while True:
            response = self._call(
                "transcript poll", lambda: aai.api.get_transcript(self._client.http_client, transcript_id)
            )
            status = aai.TranscriptStatus(response.status)
            if status == aai.TranscriptStatus.completed:
                return response
            if status == aai.TranscriptStatus.error:
                log.warning(
                    "AssemblyAI could not transcribe a recording",
                    extra={"transcript_id": transcript_id, "error": response.error},
                )
                # The service's reason is about the recording ("no audio", "transcoding failed"):
                # the candidate can act on it, so it travels like a decoding error (a 422).
                reason = _URL.sub("the uploaded file", str(response.error or "no reason given")).strip()[:200]
                raise AudioError(
                    422,
                    f"The speech-to-text service could not transcribe this recording ({reason}). "
                    "Record the answer again, or type it.",
                )
            # Polling is the heartbeat's occasion too (the activity's progress callback heartbeats).
            progress(_PROCESSING if status == aai.TranscriptStatus.processing else _SUBMITTED)
            if time.monotonic() >= deadline:
                raise SpeechServiceError(
                    f"AssemblyAI transcript {transcript_id} was still {status.value} after {self._timeout:.0f} s",
                    retryable=False,
                )
            self._sleep(self._poll_interval)

    def _result(self, response: Any, audio: DecodedAudio) -> Transcript:
        words = [
            Word(
                text=w.text,
                start=w.start / 1000.0,
                end=w.end / 1000.0,
                probability=w.confidence,
                low_confidence=w.confidence < LOW_CONFIDENCE,
            )
            for w in response.words or []
            if any(ch.isalnum() for ch in w.text)
        ]
        text = (response.text or "").strip()
        return Transcript(
            text=text if words else "",
            words=words,
            duration_s=audio.duration_s,
            language=str(response.language_code) if response.language_code else None,
            engine=self.name,
            no_speech=not words,
        )

    def close(self) -> None:
        """Release the SDK's HTTP connection pool."""
        self._client.http_client.close()


def _flac_bytes(audio: DecodedAudio) -> bytes:
    """The decoded samples as 16 kHz mono FLAC: lossless, about half the size of WAV."""
    with tempfile.TemporaryDirectory(prefix="talentsync-stt-") as tmp:
        path = encode_audio(audio.samples, SAMPLE_RATE, Path(tmp) / "answer.flac", "flac")
        return path.read_bytes()
