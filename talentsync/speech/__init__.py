"""Speech: decode uploaded recordings, transcribe them, and analyse delivery.

Free of Temporal and FastAPI. The transcription activity calls ``decode_audio`` (mapping
``AudioError.status_code`` to a non-retryable failure), then a ``SpeechEngine`` built once per
worker process, then ``analyse_delivery``.
"""

from talentsync.speech.audio import (
    SAMPLE_RATE,
    SNIFF_BYTES,
    AudioError,
    DecodedAudio,
    decode_audio,
    sniff_audio,
)
from talentsync.speech.delivery import (
    BANDS,
    Band,
    DeliveryReport,
    FillerHit,
    HedgeHit,
    Pause,
    analyse_delivery,
)
from talentsync.speech.engine import ProgressCallback, SpeechEngine, Transcript, Word
from talentsync.speech.textnorm import normalise_for_wer
from talentsync.speech.whisper import FILLER_PROMPT, FasterWhisperEngine, bundled_whisper_path

__all__ = [
    "BANDS",
    "FILLER_PROMPT",
    "SAMPLE_RATE",
    "SNIFF_BYTES",
    "AudioError",
    "Band",
    "DecodedAudio",
    "DeliveryReport",
    "FasterWhisperEngine",
    "FillerHit",
    "HedgeHit",
    "Pause",
    "ProgressCallback",
    "SpeechEngine",
    "Transcript",
    "Word",
    "analyse_delivery",
    "bundled_whisper_path",
    "decode_audio",
    "normalise_for_wer",
    "sniff_audio",
]
