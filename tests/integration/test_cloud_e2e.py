"""The whole interview on the cloud adapters: Pinecone, AssemblyAI and an OpenAI-compatible model.

One worker and one API app run with every cloud switch on, pointed at the fakes in tests/fakes
(real SDKs, real wire formats): the question bank is synced into the Pinecone fake with the
re-sync command, follow-ups are retrieved from it and refined by the chat fake, a voice answer is
transcribed by the AssemblyAI fake (after a refused key surfaces as a clear 503), a slow model
leaves the template in place within the retrieval budget, and the report carries the model's
feedback. The same interview on the embedded defaults runs in test_interview_api.py and
test_audio_api.py.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from activities.transcription import SPEECH_UNAVAILABLE
from talentsync.db.engine import make_session_factory
from talentsync.embeddings import default_embedder
from talentsync.llm.openai_writer import REFINE_SYSTEM_PROMPT
from talentsync.speech.audio import decode_audio
from talentsync.speech.encode import encode_audio
from talentsync.vectors.pinecone_store import PineconeVectorStore
from talentsync.vectors.resync import resync
from tests.conftest import Stack, WorkerProc, follow_up_templates, register, start_worker, wait_report
from tests.fakes.assemblyai_server import FakeAssemblyAI, ScriptedWord
from tests.fakes.openai_server import FakeChatCompletions
from tests.fakes.pinecone_server import FakePinecone

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLIP = Path(__file__).resolve().parent.parent / "fixtures" / "speech" / "sense_and_sensibility_01_austen_64kb-0870.wav"
MODEL = "fake-gpt-cloud"
SUMMARY = "Cloud-written summary: clear structure, quantify the results."
# What the AssemblyAI fake "hears" in the voice answer: two fillers and one 2.6 s pause.
SPOKEN = [
    ScriptedWord("So,", 200, 450),
    ScriptedWord("um,", 500, 800),
    ScriptedWord("we", 900, 1000),
    ScriptedWord("measured", 1000, 1400),
    ScriptedWord("p95", 1400, 1900),
    ScriptedWord("latency", 1900, 2400),
    ScriptedWord("first.", 2400, 2800),
    ScriptedWord("Then", 5400, 5600),
    ScriptedWord("uh", 5700, 5900),
    ScriptedWord("we", 6000, 6100),
    ScriptedWord("added", 6100, 6400),
    ScriptedWord("a", 6400, 6450),
    ScriptedWord("Redis", 6450, 6800),
    ScriptedWord("cache", 6800, 7100),
    ScriptedWord("and", 7100, 7250),
    ScriptedWord("batched", 7250, 7600),
    ScriptedWord("writes.", 7600, 8000),
]


def _model_reply(body: dict[str, Any]) -> str:
    """The chat fake's "model": a tailored follow-up, or a valid feedback report."""
    system, user = body["messages"][0]["content"], json.loads(body["messages"][1]["content"])
    if system == REFINE_SYSTEM_PROMPT:
        return json.dumps({"follow_up": "Tailored: " + user["follow_up_template"]})
    return json.dumps(
        {
            "summary": SUMMARY,
            "focus_areas": ["Quantify results", "Name trade-offs", "Slow down"],
            "answers": [
                {"strengths": ["Specific"], "improvements": ["Add numbers"], "stronger_answer_outline": ["Open"]}
            ]
            * len(user["answers"]),
        }
    )


@dataclass
class Cloud:
    api: TestClient
    pinecone: FakePinecone
    assemblyai: FakeAssemblyAI
    openai: FakeChatCompletions
    worker: WorkerProc
    db: Engine


@pytest.fixture(scope="module")
def cloud(stack: Stack) -> Iterator[Cloud]:
    from api.main import create_app

    prefix = f"cloud-{uuid.uuid4().hex[:6]}-"
    db = create_engine(stack.database_url)
    with (
        FakePinecone(api_key="pc-cloud-key") as pinecone,
        FakeAssemblyAI(api_key="aai-cloud-key") as assemblyai,
        FakeChatCompletions(api_key="sk-cloud-key", responder=_model_reply) as chat,
    ):
        # A fresh index, filled from PostgreSQL by the re-sync command's code.
        store = PineconeVectorStore.connect(pinecone.api_key, pinecone.host)
        report = resync(make_session_factory(db), store, default_embedder())
        store.close()
        assert report.matches, report
        env = {
            "PINECONE_API_KEY": pinecone.api_key,
            "PINECONE_HOST": pinecone.host,
            "ASSEMBLYAI_API_KEY": assemblyai.api_key,
            "ASSEMBLYAI_BASE_URL": assemblyai.base_url,
            "ASSEMBLYAI_POLL_INTERVAL_SECONDS": "0.2",
            "OPENAI_API_KEY": chat.api_key,
            "OPENAI_BASE_URL": chat.base_url,
            "OPENAI_MODEL": MODEL,
        }
        worker = start_worker(stack, prefix, env=env)
        settings = stack.settings(
            task_queue_prefix=prefix,
            **{k.lower(): v for k, v in env.items() if not k.startswith("ASSEMBLYAI_POLL")},
        )
        try:
            with TestClient(create_app(settings), raise_server_exceptions=False) as api:
                yield Cloud(api, pinecone, assemblyai, chat, worker, db)
        finally:
            worker.stop()
            db.dispose()


def _answer_for(template: dict[str, Any]) -> str:
    # Talks about what the template is stored under (its trigger and text), so retrieval finds it
    # over the similarity threshold whatever the pack's wording.
    return (
        f"{template['trigger']} {template['text']} In my last project this mattered: we measured first, "
        "changed one thing at a time, and checked p95 latency after every change."
    )


def _worker_log(cloud: Cloud) -> str:
    """The fakes' last calls and the worker's last lines, for a failure message."""
    pinecone = [(r.path, r.status) for r in cloud.pinecone.requests[-5:]]
    assemblyai = [(r.method, r.path, r.status) for r in cloud.assemblyai.requests[-5:]]
    log = cloud.worker.log.read_text(errors="replace")[-4000:]
    return f"pinecone: {pinecone}\nassemblyai: {assemblyai}\nworker log:\n{log}"


def _idle_in_transaction_on_templates(db: Engine) -> int:
    with db.connect() as c:
        return int(
            c.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' "
                    "AND query ILIKE '%follow_up_templates%' AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        )


def test_interview_end_to_end_on_cloud_backends(cloud: Cloud, tmp_path: Path) -> None:
    api = cloud.api
    headers = register(api)
    module = next(m for m in api.get("/api/modules", headers=headers).json() if m["slug"] == "backend-python")
    start = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": 4}, headers=headers)
    assert start.status_code == 201, start.text
    sid, q1 = start.json()["id"], start.json()["question"]
    assert q1["kind"] == "core"

    # 1. Text answer -> follow-up retrieved from Pinecone, tailored by the model.
    t1 = follow_up_templates(cloud.db, q1["id"])
    assert t1, "the first core question has follow-up templates"
    r = api.post(
        f"/api/sessions/{sid}/answers", json={"question_id": q1["id"], "text": _answer_for(t1[0])}, headers=headers
    )
    assert r.status_code == 200, r.text
    f1 = r.json()["question"]
    assert f1["kind"] == "follow_up" and f1["text"].startswith("Tailored: "), (t1, _worker_log(cloud))
    assert f1["text"].removeprefix("Tailored: ") in {" ".join(t["text"].split()) for t in t1}
    queries = cloud.pinecone.requests_to("/query")
    assert queries and queries[-1].body["namespace"] == "followups"
    assert "question_id" in json.dumps(queries[-1].body["filter"]) and "domain" in json.dumps(
        queries[-1].body["filter"]
    )

    # 2. Voice answer. A refused key first: a clear 503, nothing saved, the question stays open.
    clip = decode_audio(CLIP)

    def send_audio(take: int) -> Any:
        # Each take is a new recording (other bytes): the update id follows the content, so
        # sending the very same bytes again would be answered with the first outcome.
        webm = encode_audio(clip.samples, 16000, tmp_path / f"take{take}.webm", "webm", bit_rate=24_000 + take * 8000)
        return api.post(
            f"/api/sessions/{sid}/answers/audio",
            data={"question_id": f1["id"]},
            files={"file": ("answer.webm", webm.read_bytes(), "audio/webm")},
            headers=headers,
        )

    cloud.assemblyai.fail_next(401, path="/v2/upload")
    refused = send_audio(1)
    assert refused.status_code == 503 and refused.json()["detail"] == SPEECH_UNAVAILABLE
    assert api.get(f"/api/sessions/{sid}", headers=headers).json()["question"]["id"] == f1["id"]

    cloud.assemblyai.script(words=SPOKEN)
    voiced = send_audio(2)
    assert voiced.status_code == 200, (voiced.text, _worker_log(cloud))
    spoken_text = " ".join(w.text for w in SPOKEN)
    assert voiced.json()["transcript"]["text"] == spoken_text
    assert voiced.json()["transcript"]["engine"].startswith("assemblyai")
    [create] = [r for r in cloud.assemblyai.requests_to("POST", "/v2/transcript") if r.status == 200]
    assert create.body["disfluencies"] is True and create.body["audio_url"].startswith("https://cdn.assemblyai.com/")
    assert create.headers["authorization"] == cloud.assemblyai.api_key
    q2 = voiced.json()["question"]
    assert q2 is not None and q2["kind"] == "core"

    # 3. A slow model: the template is asked as written, within the retrieval budget, and no
    #    database transaction is held open while the model is awaited.
    t2 = follow_up_templates(cloud.db, q2["id"])
    assert t2
    held: list[int] = []
    cloud.openai.delay = 3.5
    cloud.openai.delay_if = lambda body: body["messages"][0]["content"] == REFINE_SYSTEM_PROMPT
    cloud.openai.while_delayed = lambda body: held.append(_idle_in_transaction_on_templates(cloud.db))
    began = time.perf_counter()
    r = api.post(
        f"/api/sessions/{sid}/answers", json={"question_id": q2["id"], "text": _answer_for(t2[0])}, headers=headers
    )
    waited = time.perf_counter() - began
    cloud.openai.delay = 0.0
    assert r.status_code == 200, (r.text, _worker_log(cloud))
    f2 = r.json()["question"]
    # The template as written, or led in offline with something the answer named ("You mentioned ...").
    assert f2["kind"] == "follow_up" and any(
        f2["text"] == t["text"] or f2["text"].endswith(f" {t['text']}") for t in t2
    )
    assert 2.4 < waited < 5.0, waited
    assert held == [0]

    # 4. Last answer; the session ends and the report carries scores, delivery and the model's feedback.
    r = api.post(
        f"/api/sessions/{sid}/answers",
        json={"question_id": f2["id"], "text": "We cached per tenant and invalidated on write; p95 fell to 140 ms."},
        headers=headers,
    )
    assert r.status_code == 200 and r.json()["question"] is None, r.text
    report = wait_report(api, headers, sid, timeout=180)
    assert report["feedback_writer"] == MODEL and report["summary"] == SUMMARY
    # Every answer scored (the numbers are the scorer's business, tested elsewhere).
    assert len(report["answers"]) == 4 and all(0 <= a["scores"]["overall"] <= 100 for a in report["answers"])
    assert [a["question"]["kind"] for a in report["answers"]] == ["core", "follow_up", "core", "follow_up"]
    voice = report["answers"][1]
    assert voice["source"] == "audio" and voice["answer"] == spoken_text
    assert voice["delivery"]["filler_count"] == 2 and len(voice["delivery"]["long_pauses"]) == 1
    [feedback_request] = [
        r for r in cloud.openai.requests if r["body"]["messages"][0]["content"] != REFINE_SYSTEM_PROMPT
    ]
    assert feedback_request["body"]["model"] == MODEL
    assert feedback_request["headers"]["authorization"] == f"Bearer {cloud.openai.api_key}"
    assert len(json.loads(feedback_request["body"]["messages"][1]["content"])["answers"]) == 4
