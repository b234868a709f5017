"""`transcription` queue: decode + speech-to-text with heartbeats, then delivery analytics."""

from __future__ import annotations

import logging

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.heartbeat import keep_alive
from talentsync.contracts import TranscribeInput, TranscribeResult
from talentsync.events import EventPublisher
from talentsync.media import MediaStore
from talentsync.speech.audio import AudioError, decode_audio
from talentsync.speech.delivery import analyse_delivery
from talentsync.speech.engine import SpeechEngine, SpeechServiceError

log = logging.getLogger(__name__)

# What the candidate reads when the speech-to-text service fails: the workflow records an answer
# only after a transcript exists, so the recording was kept on disk but no answer was saved.
SPEECH_UNAVAILABLE = (
    "Speech-to-text is unavailable right now, so this recording was not transcribed and no answer was "
    "saved. Type your answer, or record it again in a few minutes."
)


class TranscriptionActivities:
    def __init__(self, engine: SpeechEngine, media: MediaStore, events: EventPublisher, max_seconds: float) -> None:
        self._engine = engine
        self._media = media
        self._events = events
        self._max_seconds = max_seconds

    @activity.defn(name="transcribe_audio")
    def transcribe_audio(self, inp: TranscribeInput) -> TranscribeResult:
        self._events.publish(inp.session_id, "transcribing", {"progress": 0.0})
        # Heartbeats from start to end (decoding a long upload and Whisper's re-decode of missed
        # speech report no progress for seconds): if this worker dies, the workflow's 10 s
        # heartbeat timeout hands the answer to another worker instead of waiting out 10 minutes.
        with keep_alive() as heartbeat:
            try:
                audio = decode_audio(self._media.path(inp.audio_key), max_seconds=self._max_seconds)
            except AudioError as err:
                # The HTTP status travels in details so the API answers 413/415/422 as the decoder decided.
                raise ApplicationError(err.detail, err.status_code, type="AudioError", non_retryable=True) from err

            def progress(fraction: float) -> None:
                heartbeat(fraction)
                self._events.publish(inp.session_id, "transcribing", {"progress": round(fraction, 3)})

            try:
                transcript = self._engine.transcribe(audio, on_progress=progress)
            except AudioError as err:
                # A remote engine can refuse a recording that decoded fine ("no audio in file").
                raise ApplicationError(err.detail, err.status_code, type="AudioError", non_retryable=True) from err
            except SpeechServiceError as err:
                # Operators need the service's reason; the candidate needs to know nothing was saved.
                log.error("speech-to-text service failed: %s", err, extra={"session_id": inp.session_id})
                raise ApplicationError(
                    SPEECH_UNAVAILABLE, type="SpeechServiceUnavailable", non_retryable=not err.retryable
                ) from err
        delivery = analyse_delivery(transcript).model_dump() if not transcript.no_speech else None
        self._events.publish(inp.session_id, "transcript", {"text": transcript.text})
        return TranscribeResult(
            text=transcript.text,
            words=[w.model_dump() for w in transcript.words],
            duration_s=transcript.duration_s,
            no_speech=transcript.no_speech,
            engine=transcript.engine,
            delivery=delivery,
            speech_s=transcript.speech_s,
            speech_covered_s=transcript.speech_covered_s,
            doubtful_words=[w.model_dump() for w in transcript.doubtful_words],
        )
