"""Turn an uploaded recording into 16 kHz mono float32 samples, or reject it with a clear status.

Uploads come from browsers (MediaRecorder: webm/opus in Chromium and Firefox, mp4/aac in Safari)
and from files people pick (mp3, m4a, wav, ogg, flac). Every rejection is an ``AudioError`` that
carries the HTTP status the API should answer with, so the endpoint and the Temporal activity map
bad input to a 4xx / non-retryable failure without guessing:

- 415: not an audio container we accept (text renamed ``.webm``, an image), or no audio stream,
  or a video file;
- 422: looks like audio but cannot be decoded (corrupt, truncated header, empty);
- 413: longer than the duration cap, or larger than the byte cap.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
"""Whisper (and AssemblyAI's recommended upload format) work on 16 kHz mono."""

# How many leading bytes ``sniff_audio`` needs; the API reads this much before accepting an upload.
SNIFF_BYTES = 64

# Container kind (from sniffing) -> the FFmpeg demuxer we force. Forcing the demuxer means FFmpeg
# never "probes" its way into an unrelated format (tty text, subtitles, image sequences) for a
# file whose first bytes claimed to be audio.
_DEMUXERS: dict[str, str] = {
    "webm": "matroska",
    "matroska": "matroska",
    "ogg": "ogg",
    "mp3": "mp3",
    "mp4": "mov,mp4,m4a,3gp,3g2,mj2",
    "wav": "wav",
    "flac": "flac",
    "aac": "aac",
}


class AudioError(Exception):
    """A recording the service refuses; ``status_code`` is the HTTP status to answer with."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(f"{status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail


@dataclass(frozen=True)
class DecodedAudio:
    """16 kHz mono float32 samples in [-1, 1] plus what the upload turned out to be."""

    samples: np.ndarray
    duration_s: float
    container: str
    codec: str


def sniff_audio(head: bytes) -> str | None:
    """Name the audio container that ``head`` (the first bytes of a file) starts like, else None.

    Cheap enough to run on the first chunk of an upload before storing it. Returns one of
    ``webm``, ``matroska``, ``ogg``, ``mp3``, ``mp4``, ``wav``, ``flac``, ``aac``. "Looks like"
    only: an mp4 may still hold video and a valid header may front garbage; ``decode_audio``
    decides that.
    """
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML header; the DocType element ("webm" or "matroska") follows within a few bytes.
        return "webm" if b"webm" in head[:64] else "matroska"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if len(head) >= 8 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0:
        layer = (head[1] >> 1) & 0x03
        if layer == 0:
            # Layer bits 00 in an MPEG sync word is ADTS, i.e. raw AAC.
            return "aac"
        return "mp3"
    return None


def decode_audio(
    path: str | Path,
    *,
    max_seconds: float = 600,
    max_bytes: int | None = None,
) -> DecodedAudio:
    """Decode any accepted audio file to 16 kHz mono float32.

    Raises ``AudioError`` (413/415/422) for input the service should refuse. The duration cap is
    checked twice: against the container's declared duration before decoding (cheap rejection of
    an honest long file) and while decoding, because browser webm declares no duration and a
    header can lie.
    """
    path = Path(path)
    size = os.path.getsize(path)
    if max_bytes is not None and size > max_bytes:
        raise AudioError(413, f"audio file is {size} bytes; the limit is {max_bytes} bytes")
    if size == 0:
        raise AudioError(422, "audio file is empty")
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    kind = sniff_audio(head)
    if kind is None:
        raise AudioError(415, "not a supported audio file (expected webm, ogg, mp3, m4a/mp4, wav or flac)")

    try:
        container = av.open(str(path), mode="r", format=_DEMUXERS[kind])
    except av.error.FFmpegError as exc:
        # FFmpeg's message names server paths; log it, answer with a plain reason.
        log.info("unreadable upload", extra={"container": kind, "error": str(exc)})
        raise AudioError(422, f"cannot read the {kind} file: it is corrupt or truncated") from exc

    with container:
        # Cover art in mp3/m4a shows up as a one-frame "attached picture" video stream; only a
        # real moving-picture stream makes this a video upload.
        real_video = [s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)]
        if real_video:
            raise AudioError(415, "video files are not accepted; upload an audio recording")
        if not container.streams.audio:
            raise AudioError(415, f"the {kind} file has no audio stream")
        stream = container.streams.audio[0]
        codec = stream.codec_context.name

        declared = _declared_duration(container, stream)
        # Headers of VBR mp3s without a Xing/Info frame estimate duration from the first
        # bitrate; allow some slack here and enforce the exact cap while decoding.
        if declared is not None and declared > max_seconds * 1.02 + 0.5:
            raise AudioError(413, f"recording is {declared:.0f} s long; the limit is {max_seconds:.0f} s")

        samples = _decode_stream(container, stream, kind, max_seconds)

    if samples.size == 0:
        raise AudioError(422, f"the {kind} file contains no decodable audio")
    duration = samples.size / SAMPLE_RATE
    log.debug("decoded audio", extra={"container": kind, "codec": codec, "duration_s": duration})
    return DecodedAudio(samples=samples, duration_s=duration, container=kind, codec=codec)


def _declared_duration(container: av.container.InputContainer, stream: av.AudioStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _decode_stream(
    container: av.container.InputContainer, stream: av.AudioStream, kind: str, max_seconds: float
) -> np.ndarray:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    total = 0
    try:
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunk = out.to_ndarray().reshape(-1)
                chunks.append(chunk)
                total += chunk.size
            if total > limit:
                # Stop here rather than decode an hour of audio only to throw it away.
                raise AudioError(413, f"recording is longer than the limit of {max_seconds:.0f} s")
        for out in resampler.resample(None):
            chunk = out.to_ndarray().reshape(-1)
            chunks.append(chunk)
            total += chunk.size
    except av.error.FFmpegError as exc:
        log.info("undecodable upload", extra={"container": kind, "error": str(exc)})
        raise AudioError(422, f"cannot decode the {kind} file: it is corrupt") from exc
    if total > limit:
        raise AudioError(413, f"recording is longer than the limit of {max_seconds:.0f} s")
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    samples = np.concatenate(chunks).astype(np.float32, copy=False)
    # Some decoders overshoot full scale slightly; Whisper's features assume [-1, 1].
    np.clip(samples, -1.0, 1.0, out=samples)
    return samples
