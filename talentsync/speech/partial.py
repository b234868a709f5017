"""Live (draft) transcripts of a recording still in progress.

The browser uploads its MediaRecorder chunks as they come (one every second or so); chunk 0 holds
the container header and every later chunk continues the same stream, so chunks 0..n joined are
a valid recording of everything said so far. A draft pass decodes that and transcribes only the
part that is not settled yet:

- the audio up to `committed_until_s` was transcribed by an earlier pass and its words are kept
  (`committed_text`), so the work per pass stays bounded however long the answer runs;
- once the undecided tail grows past TAIL_SETTLE_S, its words that end more than KEEP_OPEN_S
  before the end are settled, since Whisper may still change the newest words as more arrives.

The final transcript is not this: the answer's own upload goes through the full transcription.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from talentsync.speech.audio import SAMPLE_RATE, DecodedAudio, decode_audio
from talentsync.speech.engine import SpeechEngine, Word

TAIL_SETTLE_S = 12.0
KEEP_OPEN_S = 4.0
MIN_TAIL_S = 0.4  # less than this is not worth a decode
MAX_CHUNKS = 1000  # ~16 min at one chunk a second: far past the 5-minute answer cap
MAX_CHUNK_BYTES = 2 * 1024 * 1024
_ID = re.compile(r"^[0-9a-f]{32}$")


class ChunkStore:
    """Chunks on disk under `<media root>/partial/<session hex>/<recording hex>/<index>.webm`."""

    def __init__(self, root: Path) -> None:
        self.root = root / "partial"

    def chunk_dir(self, session_hex: str, recording_hex: str) -> str:
        if not (_ID.match(session_hex) and _ID.match(recording_hex)):
            raise ValueError("invalid session or recording id")
        return f"{session_hex}/{recording_hex}"

    def _dir(self, chunk_dir: str) -> Path:
        parts = chunk_dir.split("/")
        if len(parts) != 2 or not all(_ID.match(p) for p in parts):  # ids come from us; else traversal
            raise ValueError(f"invalid chunk dir {chunk_dir!r}")
        return self.root / parts[0] / parts[1]

    def write(self, chunk_dir: str, index: int, data: bytes) -> None:
        if not 0 <= index < MAX_CHUNKS:
            raise ValueError("chunk index out of range")
        d = self._dir(chunk_dir)
        d.mkdir(parents=True, exist_ok=True)
        tmp = d / f"{index:05d}.part"
        tmp.write_bytes(data)
        os.replace(tmp, d / f"{index:05d}.webm")

    def contiguous(self, chunk_dir: str, upto: int) -> list[Path]:
        """Chunks 0..upto, stopping at the first one missing (a later upload may still fill it)."""
        d = self._dir(chunk_dir)
        paths = []
        for i in range(min(upto, MAX_CHUNKS - 1) + 1):
            p = d / f"{i:05d}.webm"
            if not p.is_file():
                break
            paths.append(p)
        return paths

    def joined(self, chunk_dir: str, paths: list[Path]) -> Path:
        out = self._dir(chunk_dir) / "joined.rec"
        tmp = out.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            for p in paths:
                fh.write(p.read_bytes())
        os.replace(tmp, out)
        return out

    def drop(self, chunk_dir: str) -> None:
        shutil.rmtree(self._dir(chunk_dir), ignore_errors=True)


@dataclass(frozen=True)
class DraftResult:
    text: str
    committed_text: str
    committed_until_s: float
    audio_s: float
    decode_ms: float
    transcribe_ms: float


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _words_text(words: list[Word]) -> str:
    # Engines differ on whether a word carries its leading space: join the stripped words.
    return " ".join(w.text.strip() for w in words if w.text.strip())


def draft_pass(
    engine: SpeechEngine,
    store: ChunkStore,
    chunk_dir: str,
    upto: int,
    committed_text: str,
    committed_until_s: float,
    max_seconds: float,
) -> DraftResult:
    t0 = time.perf_counter()
    paths = store.contiguous(chunk_dir, upto)
    if not paths:
        return DraftResult(committed_text, committed_text, committed_until_s, 0.0, 0.0, 0.0)
    audio = decode_audio(store.joined(chunk_dir, paths), max_seconds=max_seconds)
    t1 = time.perf_counter()
    start = int(committed_until_s * SAMPLE_RATE)
    tail = audio.samples[start:]
    tail_s = tail.size / SAMPLE_RATE
    if tail_s < MIN_TAIL_S:
        return DraftResult(committed_text, committed_text, committed_until_s, audio.duration_s, _ms(t0, t1), 0.0)
    transcript = engine.transcribe(
        DecodedAudio(
            samples=np.ascontiguousarray(tail), duration_s=tail_s, container=audio.container, codec=audio.codec
        )
    )
    t2 = time.perf_counter()
    words = transcript.words
    settled = []
    if tail_s > TAIL_SETTLE_S:
        settled = [w for w in words if w.end < tail_s - KEEP_OPEN_S]
    if settled:
        committed_text = _join(committed_text, _words_text(settled))
        committed_until_s = committed_until_s + settled[-1].end
        words = words[len(settled) :]
    live = _words_text(words) if words else ("" if settled else transcript.text)
    return DraftResult(
        text=_join(committed_text, live),
        committed_text=committed_text,
        committed_until_s=round(committed_until_s, 3),
        audio_s=round(audio.duration_s, 3),
        decode_ms=_ms(t0, t1),
        transcribe_ms=_ms(t1, t2),
    )


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 1)


def draft_engine(model_path: str | None) -> SpeechEngine:
    """Local Whisper, first pass only: the cheap pass a draft needs (the model is shared with the
    full engine when the paths match, see FasterWhisperEngine)."""
    from talentsync.speech.whisper import FasterWhisperEngine

    return FasterWhisperEngine(model_path=model_path, account_for_speech=False, temperature_fallback=False)
