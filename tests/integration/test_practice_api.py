"""Practice aids through the API with the real workflow and worker: the model answer only after
answering, answering again as a new attempt, skipped questions in the report, a job description
at start, and live transcripts of a recording uploaded in chunks."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
import redis

from talentsync.events import channel, current_key
from talentsync.speech.audio import decode_audio
from talentsync.speech.encode import encode_audio
from tests.conftest import register, wait_report

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLIP = Path(__file__).resolve().parent.parent / "fixtures" / "speech" / "sense_and_sensibility_01_austen_64kb-0870.wav"
ANSWER = (
    "In my last role I led a migration of our billing service. I measured the error rate first, agreed "
    "on a phased plan with the two engineers who disagreed, shipped behind a feature flag and cut billing "
    "errors by thirty percent within six weeks. I learned to write the decision down for the team."
)


def _start(api, headers, **extra) -> dict:  # type: ignore[no-untyped-def]
    module = next(m for m in api.get("/api/modules", headers=headers).json() if m["slug"] == "behavioral")
    r = api.post("/api/sessions", json={"module_id": module["id"], **extra}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_model_answer_only_after_answering_then_answer_again_and_skip_show_in_the_report(api, stack):
    headers = register(api)
    started = _start(api, headers, max_questions=3)
    sid, q1 = started["id"], started["question"]
    url = f"/api/sessions/{sid}/questions/{q1['id']}/model-answer"

    before = api.get(url, headers=headers)
    assert before.status_code == 409 and "Answer this question first" in before.json()["detail"]
    # Answering again before answering at all is refused too.
    assert api.post(f"/api/sessions/{sid}/questions/{q1['id']}/answer-again", headers=headers).status_code == 409

    r = api.post(f"/api/sessions/{sid}/answers", json={"question_id": q1["id"], "text": ANSWER}, headers=headers)
    assert r.status_code == 200, r.text
    q2 = r.json()["question"]

    after = api.get(url, headers=headers)
    assert after.status_code == 200, after.text
    body = after.json()
    assert body["model_answer"] and body["listening_points"] and body["listening_points"][0]["point"]
    # Another candidate cannot read it, even knowing the ids.
    assert api.get(url, headers=register(api)).status_code == 404

    again = api.post(f"/api/sessions/{sid}/questions/{q1['id']}/answer-again", headers=headers)
    assert again.status_code == 200, again.text
    assert again.json()["question"]["id"] == q1["id"] and again.json()["question"]["attempt"] == 2
    # The mirrored current question (what a reconnecting socket gets first) is the re-ask too.
    mirrored = json.loads(redis.Redis.from_url(stack.redis_url).get(current_key(sid)))
    assert mirrored["type"] == "question" and mirrored["data"]["id"] == q1["id"] and mirrored["data"]["attempt"] == 2
    # The same words again are a new attempt, not a deduplicated retry.
    second = api.post(
        f"/api/sessions/{sid}/answers", json={"question_id": q1["id"], "text": ANSWER, "attempt": 2}, headers=headers
    )
    assert second.status_code == 200, second.text
    assert second.json()["question"]["id"] == q2["id"]

    skipped = api.post(f"/api/sessions/{sid}/skip", json={"question_id": q2["id"]}, headers=headers)
    assert skipped.status_code == 200, skipped.text
    q3 = skipped.json()["question"]
    last = api.post(f"/api/sessions/{sid}/answers", json={"question_id": q3["id"], "text": ANSWER}, headers=headers)
    assert last.status_code == 200 and last.json()["question"] is None

    report = wait_report(api, headers, sid)
    by_id = {a["question"]["id"]: a for a in report["answers"]}
    assert [a["question"]["id"] for a in report["answers"]] == [q1["id"], q2["id"], q3["id"]]
    assert by_id[q1["id"]]["attempt"] == 2
    assert [e["attempt"] for e in by_id[q1["id"]]["earlier_attempts"]] == [1]
    assert by_id[q1["id"]]["earlier_attempts"][0]["overall"] is not None, "the earlier attempt was scored too"
    assert by_id[q2["id"]]["skipped"] is True and by_id[q2["id"]]["scores"] is None
    sessions = api.get("/api/sessions", headers=headers).json()
    assert next(s for s in sessions if s["id"] == sid)["answered"] == 2


def test_job_description_is_validated_and_steers_the_first_question(api):
    headers = register(api)
    module = next(m for m in api.get("/api/modules", headers=headers).json() if m["slug"] == "behavioral")
    short = api.post("/api/sessions", json={"module_id": module["id"], "job_description": "dev"}, headers=headers)
    assert short.status_code == 422 and "too short" in short.json()["detail"]
    huge = api.post("/api/sessions", json={"module_id": module["id"], "job_description": "x" * 7000}, headers=headers)
    assert huge.status_code == 422
    jd = (
        "We want someone who resolves conflict between colleagues calmly, handles disagreements with "
        "their manager and gives difficult feedback to peers."
    )
    started = _start(api, headers, max_questions=2, job_description=jd)
    text = started["question"]["text"].lower()
    assert any(w in text for w in ("conflict", "disagree", "feedback")), text
    api.post(f"/api/sessions/{started['id']}/end", headers=headers)


def test_partial_transcripts_stream_while_a_recording_is_uploaded_in_chunks(api, stack, tmp_path):
    headers = register(api)
    started = _start(api, headers, max_questions=1)
    sid = started["id"]
    audio = decode_audio(CLIP)
    webm = encode_audio(audio.samples, 16000, tmp_path / "rec.webm", "webm").read_bytes()
    # Chunks as MediaRecorder hands them over: one stream cut into pieces, header in the first.
    pieces = [webm[i : i + len(webm) // 4 + 1] for i in range(0, len(webm), len(webm) // 4 + 1)]
    recording = uuid.uuid4().hex
    client = redis.Redis.from_url(stack.redis_url)
    sub = client.pubsub()
    sub.subscribe(channel(sid))
    try:
        bad = api.post(
            f"/api/sessions/{sid}/answers/audio/partial",
            data={"recording_id": recording, "chunk_index": "0"},
            files={"file": ("c.webm", b"not audio at all", "application/octet-stream")},
            headers=headers,
        )
        assert bad.status_code == 415
        texts: list[str] = []
        for i, piece in enumerate(pieces):
            r = api.post(
                f"/api/sessions/{sid}/answers/audio/partial",
                data={"recording_id": recording, "chunk_index": str(i)},
                files={"file": ("c.webm", piece, "application/octet-stream")},
                headers=headers,
            )
            assert r.status_code == 202, r.text
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            msg = sub.get_message(timeout=1.0)
            if not msg or msg["type"] != "message":
                continue
            event = json.loads(msg["data"])
            if event["type"] == "transcript_partial":
                assert event["data"]["recording_id"] == recording
                texts.append(event["data"]["text"])
                if event["data"]["chunk_index"] == len(pieces) - 1:
                    break
        assert texts, "no transcript_partial event"
        assert "dashwood" in texts[-1].lower(), texts
        # At most one pass in flight and stale ones dropped: never more passes than chunks.
        assert len(texts) <= len(pieces)
    finally:
        sub.close()
        api.post(f"/api/sessions/{sid}/end", headers=headers)
