"""Voice answers through the API: upload, transcribe on the transcription queue, delivery analytics."""

from __future__ import annotations

import io
import time
from pathlib import Path

import av
import numpy as np
import pytest

from talentsync.speech.audio import decode_audio
from talentsync.speech.encode import encode_audio
from tests.conftest import register

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SPEECH = Path(__file__).resolve().parent.parent / "fixtures" / "speech"
CLIP = SPEECH / "sense_and_sensibility_01_austen_64kb-0870.wav"


def _start(api, headers, max_questions: int = 2) -> tuple[str, dict]:
    module = next(m for m in api.get("/api/modules", headers=headers).json() if m["slug"] == "behavioral")
    r = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": max_questions}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["question"]


def _send(api, headers, sid, qid, data: bytes, filename: str):
    return api.post(
        f"/api/sessions/{sid}/answers/audio",
        data={"question_id": qid},
        files={"file": (filename, data, "application/octet-stream")},
        headers=headers,
    )


def test_voice_answer_is_transcribed_scored_and_analysed(api, tmp_path):
    headers = register(api)
    sid, q = _start(api, headers, max_questions=1)
    audio = decode_audio(CLIP)
    webm = encode_audio(audio.samples, 16000, tmp_path / "answer.webm", "webm")
    r = _send(api, headers, sid, q["id"], webm.read_bytes(), "answer.webm")
    assert r.status_code == 200, r.text
    body = r.json()
    assert "dashwood" in body["transcript"]["text"].lower()
    assert body["question"] is None
    deadline = time.monotonic() + 60
    while (rep := api.get(f"/api/sessions/{sid}/report", headers=headers)).status_code == 202:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    answer = rep.json()["answers"][0]
    assert answer["source"] == "audio" and "dashwood" in answer["answer"].lower()
    assert answer["delivery"]["wpm"] > 60 and "bands" in answer["delivery"]
    audio_resp = api.get(answer["audio_url"], headers=headers)
    assert audio_resp.status_code == 200 and audio_resp.headers["content-type"].startswith("audio/webm")


def _silence_wav() -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=16000, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 16000 * 3), dtype=np.int16), format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "filename", "status", "words"),
    [
        ("text file named .webm", "answer.webm", 415, "not audio"),
        ("silence", "silence.wav", 422, "No speech"),
        ("corrupt webm", "broken.webm", 422, ""),
    ],
)
def test_bad_audio_is_a_clear_4xx_and_the_question_stays_open(api, name, filename, status, words):
    headers = register(api)
    sid, q = _start(api, headers)
    data = {
        "text file named .webm": b"this is not audio at all, just text pretending\n" * 20,
        "silence": _silence_wav(),
        "corrupt webm": b"\x1a\x45\xdf\xa3" + b"\x00\x01garbage" * 500,
    }[name]
    r = _send(api, headers, sid, q["id"], data, filename)
    assert r.status_code == status, r.text
    assert words.lower() in r.json()["detail"].lower()
    # Nothing is lost or stuck: the same question is still current and takes a typed answer.
    state = api.get(f"/api/sessions/{sid}", headers=headers).json()
    assert state["question"]["id"] == q["id"] and state["status"] == "active"
    ok = api.post(
        f"/api/sessions/{sid}/answers",
        json={"question_id": q["id"], "text": "Typed instead."},
        headers=headers,
    )
    assert ok.status_code == 200


def test_oversized_audio_is_413(api):
    headers = register(api)
    sid, q = _start(api, headers)
    r = _send(api, headers, sid, q["id"], b"RIFF" + b"\x00" * (26 * 1024 * 1024), "big.wav")
    assert r.status_code == 413
