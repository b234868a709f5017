"""`transcription` queue: draft transcripts of a recording while the candidate is still speaking.

Run by PartialTranscriptWorkflow, one pass at a time per recording; each pass publishes a
`transcript_partial` event that the room shows under the recorder.
"""

from __future__ import annotations

import logging

from temporalio import activity
from temporalio.exceptions import ApplicationError

from talentsync.contracts import DropPartialInput, TranscribePartialInput, TranscribePartialResult
from talentsync.events import EventPublisher
from talentsync.speech.audio import AudioError
from talentsync.speech.engine import SpeechEngine
from talentsync.speech.partial import ChunkStore, draft_pass

log = logging.getLogger(__name__)


class PartialTranscriptionActivities:
    def __init__(self, engine: SpeechEngine, chunks: ChunkStore, events: EventPublisher, max_seconds: float) -> None:
        self._engine = engine
        self._chunks = chunks
        self._events = events
        self._max_seconds = max_seconds

    @activity.defn(name="transcribe_partial")
    def transcribe_partial(self, inp: TranscribePartialInput) -> TranscribePartialResult:
        try:
            result = draft_pass(
                self._engine,
                self._chunks,
                inp.chunk_dir,
                inp.upto_chunk,
                inp.committed_text,
                inp.committed_until_s,
                self._max_seconds,
            )
        except AudioError as err:
            # A draft is best effort: the next chunk may make the stream decodable again.
            raise ApplicationError(err.detail, type="AudioError", non_retryable=True) from err
        self._events.publish(
            inp.session_id,
            "transcript_partial",
            # audio_s: how much of the recording this draft covers, so a client can tell how far behind it is.
            {
                "recording_id": inp.recording_id,
                "chunk_index": inp.upto_chunk,
                "text": result.text,
                "audio_s": result.audio_s,
            },
        )
        log.info(
            "draft transcript",
            extra={
                "session_id": inp.session_id,
                "chunk": inp.upto_chunk,
                "audio_s": result.audio_s,
                "decode_ms": result.decode_ms,
                "transcribe_ms": result.transcribe_ms,
            },
        )
        return TranscribePartialResult(
            text=result.text,
            committed_text=result.committed_text,
            committed_until_s=result.committed_until_s,
            audio_s=result.audio_s,
            decode_ms=result.decode_ms,
            transcribe_ms=result.transcribe_ms,
        )

    @activity.defn(name="drop_partial_audio")
    def drop_partial_audio(self, inp: DropPartialInput) -> None:
        self._chunks.drop(inp.chunk_dir)
