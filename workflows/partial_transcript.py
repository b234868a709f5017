"""PartialTranscriptWorkflow: live transcripts of one recording, one draft pass at a time.

Started (or signalled, if running) by the API with signal-with-start for every uploaded chunk,
workflow id `partial-<session>-<recording>`. Bounded work: at most one pass is in flight per
recording, and each pass takes the newest chunk index, so chunks that arrived meanwhile are not
decoded one by one (stale passes are dropped, not queued). Ends after IDLE without a new chunk,
deleting the chunks; the answer itself is transcribed from its own upload as before.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from talentsync.contracts import (
        DropPartialInput,
        PartialChunkSignal,
        PartialTranscriptStart,
        TranscribePartialInput,
        TranscribePartialResult,
    )

IDLE = timedelta(seconds=20)
MAX_PASSES = 400  # keeps the history small: a 5-minute answer at one chunk a second needs ~300
PASS_TIMEOUT = timedelta(seconds=15)


@workflow.defn
class PartialTranscriptWorkflow:
    @workflow.init
    def __init__(self, inp: PartialTranscriptStart) -> None:
        self._latest = inp.first_chunk
        self._done = -1

    @workflow.signal
    def chunk(self, sig: PartialChunkSignal) -> None:
        self._latest = max(self._latest, sig.chunk_index)

    @workflow.run
    async def run(self, inp: PartialTranscriptStart) -> int:
        committed_text, committed_until = "", 0.0
        passes = 0
        while passes < MAX_PASSES:
            try:
                await workflow.wait_condition(lambda: self._latest > self._done, timeout=IDLE)
            except TimeoutError:
                break
            upto = self._latest
            try:
                result = await workflow.execute_activity(
                    "transcribe_partial",
                    TranscribePartialInput(
                        session_id=inp.session_id,
                        recording_id=inp.recording_id,
                        chunk_dir=inp.chunk_dir,
                        upto_chunk=upto,
                        committed_text=committed_text,
                        committed_until_s=committed_until,
                    ),
                    result_type=TranscribePartialResult,
                    task_queue=inp.transcription_queue,
                    start_to_close_timeout=PASS_TIMEOUT,
                    # A draft that is late is useless: no retry, the next chunk brings a new pass.
                    retry_policy=RetryPolicy(maximum_attempts=1),
                )
                committed_text, committed_until = result.committed_text, result.committed_until_s
            except ActivityError:
                workflow.logger.info("draft pass failed; waiting for the next chunk")
            self._done = upto
            passes += 1
        await workflow.execute_activity(
            "drop_partial_audio",
            DropPartialInput(chunk_dir=inp.chunk_dir),
            task_queue=inp.transcription_queue,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        return passes
