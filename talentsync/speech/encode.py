"""Encode samples into the formats uploads arrive in, the way their producers write them.

Used by the tests and bench/stt.py to turn reference clips into real uploads; ``webm`` mimics a
browser's MediaRecorder: Opus at 48 kHz in a live-mode WebM with no duration or cues, which is
exactly the case ``decode_audio`` must measure by decoding.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Literal

import av
import numpy as np

AudioFormat = Literal["wav", "flac", "mp3", "ogg", "webm", "m4a"]

# format -> (muxer, codec, encoder sample rate, muxer options)
_SPECS: dict[str, tuple[str, str, int, dict[str, str]]] = {
    "wav": ("wav", "pcm_s16le", 16_000, {}),
    "flac": ("flac", "flac", 16_000, {}),
    "mp3": ("mp3", "libmp3lame", 44_100, {}),
    # Firefox records Ogg/Opus; Chromium records WebM/Opus. Both run Opus at 48 kHz.
    "ogg": ("ogg", "libopus", 48_000, {}),
    "webm": ("webm", "libopus", 48_000, {"live": "1"}),
    # Safari and phone voice memos: AAC in an MPEG-4 container.
    "m4a": ("ipod", "aac", 44_100, {}),
}


def encode_audio(
    samples: np.ndarray,
    sample_rate: int,
    path: str | Path,
    fmt: AudioFormat,
    *,
    bit_rate: int = 32_000,
) -> Path:
    """Write mono float32 ``samples`` (at ``sample_rate``) to ``path`` as ``fmt``.

    ``bit_rate`` applies to the lossy codecs; 32 kb/s is at the low end of what browsers use for
    speech, so accuracy measured on it is not flattered by a generous bitrate.
    """
    muxer, codec, rate, options = _SPECS[fmt]
    path = Path(path)
    pcm = np.clip(np.asarray(samples, dtype=np.float32).reshape(1, -1), -1.0, 1.0)
    with av.open(str(path), mode="w", format=muxer, options=options) as out:
        stream = out.add_stream(codec, rate=rate)
        assert isinstance(stream, av.AudioStream)
        stream.layout = "mono"
        if codec not in ("pcm_s16le", "flac"):
            stream.bit_rate = bit_rate
        # Encoders take one sample format each (s16 for PCM, fltp for Opus/AAC, ...).
        formats = stream.codec_context.codec.audio_formats or []
        resampler = av.AudioResampler(format=formats[0].name if formats else "flt", layout="mono", rate=rate)
        frame = av.AudioFrame.from_ndarray(pcm, format="flt", layout="mono")
        frame.sample_rate = sample_rate
        frame.pts = 0
        frame.time_base = Fraction(1, sample_rate)
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(resampled):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
