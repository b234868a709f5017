"""Live (draft) transcript cost: one draft pass per chunk, as the transcription worker runs them.

    .venv/bin/python bench/live_transcript.py      # writes bench/results/live_transcript.json

Plays a LibriVox clip (looped to ~40 s) as a browser would upload it: webm/opus cut into one
chunk per CHUNK_S. For each chunk a draft pass runs on everything received so far (chunks joined,
decoded, the unsettled tail transcribed with Whisper's first pass), carrying the settled text
forward exactly as PartialTranscriptWorkflow does. Reports decode and transcribe time per pass and
the lag a candidate would see if passes ran back to back (one in flight, the newest chunk next):
the time from a word being spoken to the draft containing it, upload and Temporal overhead excluded
(each ~10-50 ms here). Also records the machine's load, which dominates on a shared box.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from talentsync.speech.audio import decode_audio
from talentsync.speech.encode import encode_audio
from talentsync.speech.partial import ChunkStore, draft_engine, draft_pass

ROOT = Path(__file__).resolve().parent.parent
CLIP = ROOT / "tests" / "fixtures" / "speech" / "sense_and_sensibility_01_austen_64kb-0870.wav"
OUT = ROOT / "bench" / "results" / "live_transcript.json"
CHUNK_S = 0.7  # the web app uploads about this often (frontend/src/interview/livePartials.ts)
LOOPS = 6


def main() -> None:
    engine = draft_engine(os.environ.get("WHISPER_MODEL_PATH"))
    clip = decode_audio(CLIP)
    samples = np.concatenate([clip.samples] * LOOPS)
    with tempfile.TemporaryDirectory() as tmp:
        webm = encode_audio(samples, 16_000, Path(tmp) / "rec.webm", "webm").read_bytes()
        total_s = samples.size / 16_000
        n_chunks = int(total_s / CHUNK_S) + 1
        size = len(webm) // n_chunks + 1
        pieces = [webm[i : i + size] for i in range(0, len(webm), size)]
        store = ChunkStore(Path(tmp))
        chunk_dir = store.chunk_dir(uuid.uuid4().hex, uuid.uuid4().hex)
        passes = []
        committed, until = "", 0.0
        clock = 0.0  # simulated wall clock: chunk i is available at (i + 1) * CHUNK_S
        i = 0
        for j, piece in enumerate(pieces):
            store.write(chunk_dir, j, piece)
        while i < len(pieces):
            available_at = (i + 1) * CHUNK_S
            clock = max(clock, available_at)
            # One pass in flight: the next pass takes the newest chunk available when it starts.
            newest = min(len(pieces) - 1, int(clock / CHUNK_S) - 1) if clock >= CHUNK_S else 0
            upto = max(i, newest)
            t0, c0 = time.perf_counter(), time.process_time()
            r = draft_pass(engine, store, chunk_dir, upto, committed, until, max_seconds=600)
            took = time.perf_counter() - t0
            cpu = time.process_time() - c0
            clock += took
            committed, until = r.committed_text, r.committed_until_s
            passes.append(
                {
                    "upto_chunk": upto,
                    "audio_s": r.audio_s,
                    "tail_s": round(r.audio_s - until, 2),
                    "decode_ms": r.decode_ms,
                    "transcribe_ms": r.transcribe_ms,
                    "pass_ms": round(took * 1000, 1),
                    # CPU seconds of this process (all threads): on a shared, overloaded machine wall
                    # time is mostly waiting for a core; this is what the pass itself costs.
                    "pass_cpu_ms": round(cpu * 1000, 1),
                    "lag_s": round(clock - r.audio_s, 2),
                }
            )
            i = upto + 1
        text = r.text
    pass_ms = [p["pass_ms"] for p in passes]
    lags = sorted(p["lag_s"] for p in passes if p["audio_s"] > 1)
    result = {
        "clip_s": round(total_s, 1),
        "chunk_s": CHUNK_S,
        "passes": len(passes),
        "chunks": len(pieces),
        "pass_ms_median": round(statistics.median(pass_ms), 1),
        "pass_ms_max": max(pass_ms),
        "pass_cpu_ms_median": round(statistics.median(p["pass_cpu_ms"] for p in passes), 1),
        "decode_ms_last": passes[-1]["decode_ms"],
        "lag_s_median": lags[len(lags) // 2],
        "lag_s_p90": lags[int(len(lags) * 0.9)],
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "final_text_start": text[:120],
        "per_pass": passes,
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "per_pass"}, indent=2))


if __name__ == "__main__":
    main()
