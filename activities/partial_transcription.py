"""`transcription` queue: draft transcripts of a recording while the candidate is still speaking.

Run by PartialTranscriptWorkflow, one pass at a time per recording; each pass publishes a
`transcript_partial` event that the room shows under the recorder.
"""

from __future__ import annotations

import logging
import threading

from temporalio import activity
from temporalio.exceptions import ApplicationError

from talentsync.contracts import DropPartialInput, TranscribePartialInput, TranscribePartialResult
from talentsync.events import EventPublisher
from talentsync.speech.audio import AudioError
from talentsync.speech.engine import SpeechEngine
from talentsync.speech.partial import ChunkStore, draft_pass

log = logging.getLogger(__name__)


class PartialTranscriptionActivities:
    def __init__(
        self,
        engine: SpeechEngine,
        chunks: ChunkStore,
        events: EventPublisher,
        max_seconds: float,
        max_concurrent_drafts: int = 1,
    ) -> None:
        self._engine = engine
        self._chunks = chunks
        self._events = events
        self._max_seconds = max_seconds
        # Drafts share the worker's transcription slots with answers being sent; capping them keeps
        # a slot free for a final transcript however many candidates are speaking at once.
        self._draft_slots = threading.BoundedSemaphore(max_concurrent_drafts)

    @activity.defn(name="transcribe_partial")
    def transcribe_partial(self, inp: TranscribePartialInput) -> TranscribePartialResult:
        if not self._draft_slots.acquire(blocking=False):
            # Busy with another draft: this one is skipped; the recording's next chunk brings a new pass.
            raise ApplicationError("draft transcription is busy", type="DraftBusy", non_retryable=True)
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
        finally:
            self._draft_slots.release()
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
