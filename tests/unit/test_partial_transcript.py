"""Draft transcripts (talentsync/speech/partial.py): chunk storage and the settle-the-old-words rule,
with a scripted engine so the arithmetic is checked without a model."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pytest

from talentsync.speech.audio import SAMPLE_RATE, DecodedAudio
from talentsync.speech.encode import encode_audio
from talentsync.speech.engine import Transcript, Word
from talentsync.speech.partial import KEEP_OPEN_S, TAIL_SETTLE_S, ChunkStore, draft_pass


class ScriptedEngine:
    """One word per second of the audio it is given ("w0", "w1", ...), numbered from where the tail starts."""

    name = "scripted"

    def __init__(self) -> None:
        self.tails: list[float] = []

    def transcribe(self, audio: DecodedAudio, on_progress=None) -> Transcript:  # type: ignore[no-untyped-def]
        seconds = audio.samples.size / SAMPLE_RATE
        self.tails.append(round(seconds, 1))
        words = [Word(text=f" w{i}", start=i, end=i + 0.8) for i in range(int(seconds))]
        return Transcript(
            text="".join(w.text for w in words),
            words=words,
            duration_s=seconds,
            language="en",
            engine=self.name,
            no_speech=not words,
        )


def _chunks(tmp_path: Path, seconds: float, n: int) -> tuple[ChunkStore, str]:
    samples = (0.1 * np.sin(np.arange(int(seconds * SAMPLE_RATE)) / 20)).astype(np.float32)
    data = encode_audio(samples, SAMPLE_RATE, tmp_path / "rec.webm", "webm").read_bytes()
    store = ChunkStore(tmp_path / "media")
    chunk_dir = store.chunk_dir(uuid.uuid4().hex, uuid.uuid4().hex)
    size = len(data) // n + 1
    for i in range(n):
        store.write(chunk_dir, i, data[i * size : (i + 1) * size])
    return store, chunk_dir


def test_chunk_dirs_are_our_ids_only(tmp_path: Path) -> None:
    store = ChunkStore(tmp_path)
    with pytest.raises(ValueError):
        store.chunk_dir("../../etc", uuid.uuid4().hex)
    with pytest.raises(ValueError):
        store.write("../x/y", 0, b"data")
    with pytest.raises(ValueError):
        store.write(store.chunk_dir(uuid.uuid4().hex, uuid.uuid4().hex), -1, b"data")


def test_a_missing_chunk_stops_the_join_there(tmp_path: Path) -> None:
    store = ChunkStore(tmp_path)
    d = store.chunk_dir(uuid.uuid4().hex, uuid.uuid4().hex)
    for i in (0, 1, 3):
        store.write(d, i, b"x")
    assert [p.name for p in store.contiguous(d, 3)] == ["00000.webm", "00001.webm"]
    store.drop(d)
    assert store.contiguous(d, 3) == []


def test_short_answers_are_drafted_whole_and_words_keep_their_spaces(tmp_path: Path) -> None:
    store, d = _chunks(tmp_path, 6.0, 4)
    engine = ScriptedEngine()
    r = draft_pass(engine, store, d, 3, "", 0.0, max_seconds=60)
    assert r.text == "w0 w1 w2 w3 w4 w5"
    assert r.committed_text == "" and r.committed_until_s == 0.0


def test_long_answers_settle_old_words_so_each_pass_decodes_a_bounded_tail(tmp_path: Path) -> None:
    total = TAIL_SETTLE_S + 8
    store, d = _chunks(tmp_path, total, 6)
    engine = ScriptedEngine()
    first = draft_pass(engine, store, d, 5, "", 0.0, max_seconds=60)
    # Words ending more than KEEP_OPEN_S before the end are settled; the rest stays open.
    assert first.committed_until_s == pytest.approx(total - KEEP_OPEN_S - 0.2, abs=1.0)
    assert first.text.startswith(first.committed_text) and first.text.split()[-1] == f"w{int(total) - 1}"
    # The next pass only decodes what was not settled, and keeps the settled words as they were.
    again = draft_pass(engine, store, d, 5, first.committed_text, first.committed_until_s, max_seconds=60)
    assert engine.tails[-1] < TAIL_SETTLE_S
    assert again.text.startswith(first.committed_text)


class _Events:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict]] = []

    def publish(self, session_id: str, type_: str, data: dict | None = None) -> None:
        self.sent.append((session_id, type_, data or {}))


def test_a_draft_never_takes_the_last_transcription_slot(tmp_path: Path) -> None:
    from temporalio.exceptions import ApplicationError

    from activities.partial_transcription import PartialTranscriptionActivities
    from talentsync.contracts import TranscribePartialInput

    store, d = _chunks(tmp_path, 3.0, 2)
    events = _Events()
    acts = PartialTranscriptionActivities(ScriptedEngine(), store, events, 60)  # type: ignore[arg-type]
    sid = str(uuid.uuid4())
    inp = TranscribePartialInput(session_id=sid, recording_id="r", chunk_dir=d, upto_chunk=1)
    assert acts.transcribe_partial(inp).text == "w0 w1 w2"
    assert events.sent[-1][1] == "transcript_partial" and events.sent[-1][2]["text"] == "w0 w1 w2"
    # While one draft runs (the slot is held), another is refused at once instead of queueing.
    acts._draft_slots.acquire()
    with pytest.raises(ApplicationError) as err:
        acts.transcribe_partial(inp)
    assert err.value.type == "DraftBusy" and err.value.non_retryable
    acts._draft_slots.release()
    assert acts.transcribe_partial(inp).text == "w0 w1 w2"
