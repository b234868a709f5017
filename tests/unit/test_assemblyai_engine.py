"""AssemblyAIEngine through the real ``assemblyai`` SDK against a fake AssemblyAI API on 127.0.0.1.

Asserts on what the SDK put on the wire (auth header, upload body, ``audio_url``, ``disfluencies``)
and on the transcript shape delivery analytics reads; every error path ends in a clear error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import assemblyai as aai
import numpy as np
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.transcription import SPEECH_UNAVAILABLE, TranscriptionActivities
from talentsync.config import Settings
from talentsync.contracts import TranscribeInput
from talentsync.media import MediaStore
from talentsync.providers import build_speech_engine
from talentsync.speech.assemblyai_engine import AssemblyAIEngine
from talentsync.speech.audio import AudioError, DecodedAudio, decode_audio
from talentsync.speech.delivery import analyse_delivery
from talentsync.speech.encode import encode_audio
from talentsync.speech.engine import SpeechServiceError
from tests.fakes.assemblyai_server import UPLOAD_PREFIX, FakeAssemblyAI, ScriptedWord, fake_assemblyai

# SDK 1.8 still calls pydantic's v1-style `.dict()`/`.parse_obj()`; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:assemblyai")

CLIP = Path(__file__).resolve().parent.parent / "fixtures" / "speech" / "sense_and_sensibility_01_austen_64kb-0870.wav"

# An answer with two fillers ("um", "uh"), a filler "like," and a 2.5 s pause after "cache.".
FILLER_ANSWER = [
    ScriptedWord("So", 300, 500, 0.98),
    ScriptedWord("um,", 600, 900, 0.91),
    ScriptedWord("I", 1000, 1100, 0.99),
    ScriptedWord("added", 1100, 1400, 0.97),
    ScriptedWord("a", 1400, 1450, 0.99),
    ScriptedWord("cache.", 1450, 1900, 0.96),
    ScriptedWord("It", 4400, 4550, 0.99),
    ScriptedWord("was,", 4550, 4800, 0.95),
    ScriptedWord("like,", 4800, 5100, 0.9),
    ScriptedWord("uh", 5200, 5400, 0.88),
    ScriptedWord("ten", 5500, 5750, 0.1),
    ScriptedWord("times", 5750, 6050, 0.97),
    ScriptedWord("faster.", 6050, 6500, 0.98),
]


@pytest.fixture(scope="module")
def audio() -> DecodedAudio:
    return decode_audio(CLIP)


@pytest.fixture
def fake() -> Iterator[FakeAssemblyAI]:
    with fake_assemblyai(api_key="aai-test-key") as f:
        yield f


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def engine(fake: FakeAssemblyAI, sleeps: Sleeps) -> Iterator[AssemblyAIEngine]:
    e = AssemblyAIEngine(fake.api_key, fake.base_url, poll_interval=0.01, timeout=5, sleep=sleeps)
    yield e
    e.close()


def test_transcript_has_the_local_engines_shape_and_feeds_delivery(fake, engine, audio) -> None:
    fake.script(words=FILLER_ANSWER)
    progress: list[float] = []
    t = engine.transcribe(audio, on_progress=progress.append)

    assert t.engine == "assemblyai:default" and not t.no_speech
    assert t.text == " ".join(w.text for w in FILLER_ANSWER)
    assert [w.text for w in t.words] == [w.text for w in FILLER_ANSWER]
    assert (t.words[1].start, t.words[1].end, t.words[1].probability) == (0.6, 0.9, 0.91)
    assert [w.text for w in t.words if w.low_confidence] == ["ten"]
    assert t.duration_s == pytest.approx(audio.duration_s) and t.language == "en_us"
    assert progress[0] == 0.2 and progress[-1] < 1.0 and progress == sorted(progress)
    # Serialises through Temporal's converter and JSONB as is.
    json.dumps(t.model_dump())

    report = analyse_delivery(t)
    assert report.filler_count == 3 and {f.word for f in report.fillers} == {"um", "uh", "like"}
    assert [(p.start, p.end) for p in report.long_pauses] == [(1.9, 4.4)]
    assert 100 < report.wpm < 130  # 13 words over 6.2 s


def test_requests_on_the_wire(fake, engine, audio) -> None:
    fake.script("I led the migration of our payments service.")
    engine.transcribe(audio)
    upload, create = fake.requests_to("POST", "/v2/upload"), fake.requests_to("POST", "/v2/transcript")
    polls = fake.requests_to("GET", "/v2/transcript/")
    assert [r.status for r in (*upload, *create, *polls)] == [200, 200, 200, 200, 200]
    for r in fake.requests:
        assert r.headers["authorization"] == "aai-test-key"  # the bare key, no "Bearer"
        assert "AssemblyAI/1.0 (sdk=Python/" in r.headers["user-agent"]
    # The upload is the decoded samples as FLAC: same audio Whisper would hear.
    body = upload[0].body
    assert body[:4] == b"fLaC"
    sent = tmp_decode(body)
    assert sent.duration_s == pytest.approx(audio.duration_s, abs=0.01)
    np.testing.assert_allclose(sent.samples[:16000], audio.samples[:16000], atol=1e-3)
    # The transcript request names the upload's URL and asks for fillers to be kept.
    [token] = fake.uploads
    request = create[0].body
    assert request["audio_url"] == UPLOAD_PREFIX + token
    assert request["disfluencies"] is True and request["punctuate"] is True and request["format_text"] is True
    [tid] = fake.transcripts
    assert [r.path for r in polls] == [f"/v2/transcript/{tid}"] * 3  # queued, processing, completed


def tmp_decode(data: bytes) -> DecodedAudio:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".flac") as fh:
        fh.write(data)
        fh.flush()
        return decode_audio(fh.name)


def test_without_disfluencies_the_service_drops_fillers(fake, tmp_path) -> None:
    """Why the engine always sets ``disfluencies``: the fake, like AssemblyAI, drops fillers otherwise."""
    client = aai.Client(settings=aai.Settings(api_key=fake.api_key, base_url=fake.base_url, polling_interval=0.01))
    wav = encode_audio(np.zeros(16000, dtype=np.float32), 16000, tmp_path / "a.wav", "wav").read_bytes()
    for disfluencies in (False, True):
        fake.script(words=FILLER_ANSWER)
        config = aai.TranscriptionConfig(disfluencies=disfluencies)
        t = aai.Transcriber(client=client, config=config).transcribe(wav)
        assert t.status == aai.TranscriptStatus.completed
        has_fillers = any(w.text.strip(",").lower() in ("um", "uh") for w in t.words)
        assert has_fillers is disfluencies
    client.http_client.close()


def test_silence_is_no_speech(fake, engine, audio) -> None:
    fake.script(words=[])
    t = engine.transcribe(audio)
    assert t.no_speech and t.words == [] and t.text == ""


def test_wrong_key_is_a_clear_non_retryable_error(fake, audio) -> None:
    wrong = AssemblyAIEngine("aai-wrong-key", fake.base_url, poll_interval=0.01)
    with pytest.raises(SpeechServiceError, match=r"refused the API key \(401\).*ASSEMBLYAI_API_KEY") as err:
        wrong.transcribe(audio)
    assert err.value.retryable is False and err.value.status_code == 401
    assert [r.status for r in fake.requests] == [401]  # not retried
    wrong.close()


@pytest.mark.parametrize(("status", "path"), [(429, "/v2/upload"), (503, "/v2/transcript"), (500, "/v2/transcript/")])
def test_rate_limits_and_5xx_are_retried_with_backoff(fake, engine, sleeps, audio, status, path) -> None:
    fake.script("We sharded by tenant.")
    fake.fail_next(status, times=2, path=path)
    assert engine.transcribe(audio).text == "We sharded by tenant."
    failed = [r for r in fake.requests if r.status == status]
    assert len(failed) == 2 and all(r.path.startswith(path) for r in failed)
    backoffs = [s for s in sleeps if s != 0.01]  # poll interval aside
    assert len(backoffs) == 2 and 0.25 <= backoffs[0] <= 0.5 and 0.5 <= backoffs[1] <= 1.0


def test_a_failure_that_persists_surfaces_as_retryable(fake, engine, audio) -> None:
    fake.fail_next(502, times=10, path="/v2/upload")
    with pytest.raises(SpeechServiceError, match="upload failed after 4 attempts") as err:
        engine.transcribe(audio)
    assert err.value.retryable is True and err.value.status_code == 502
    assert len(fake.requests_to("POST", "/v2/upload")) == 4
    assert fake.requests_to("POST", "/v2/transcript") == []


def test_an_unreachable_service_is_retryable(audio, sleeps) -> None:
    with fake_assemblyai() as gone:
        url = gone.base_url
    e = AssemblyAIEngine("k", url, max_attempts=2, sleep=sleeps)
    with pytest.raises(SpeechServiceError, match="failed after 2 attempts") as err:
        e.transcribe(audio)
    assert err.value.retryable is True and len(sleeps) == 1
    e.close()


def test_a_transcript_in_error_state_is_an_audio_error(fake, engine, audio) -> None:
    fake.script(error="Transcoding failed. File does not appear to contain audio.")
    with pytest.raises(AudioError) as err:
        engine.transcribe(audio)
    assert err.value.status_code == 422
    assert "could not transcribe this recording (Transcoding failed." in err.value.detail
    assert "type it" in err.value.detail


def test_the_reason_shown_never_carries_urls(fake, engine, audio) -> None:
    fake.script(error="Download error, unable to download https://cdn.assemblyai.com/upload/abc. Try again.")
    with pytest.raises(AudioError) as err:
        engine.transcribe(audio)
    assert "https://" not in err.value.detail and "the uploaded file" in err.value.detail


def test_polling_gives_up_after_the_timeout(fake, sleeps, audio) -> None:
    fake.script("never finishes", polls_until_done=10**6)
    e = AssemblyAIEngine(fake.api_key, fake.base_url, poll_interval=0.02, timeout=0.3)
    with pytest.raises(SpeechServiceError, match=r"still (queued|processing) after 0 s") as err:
        e.transcribe(audio)
    assert err.value.retryable is False
    assert 5 <= len(fake.requests_to("GET", "/v2/transcript/")) <= 40
    e.close()


def test_settings_select_assemblyai(fake) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, assemblyai_api_key=fake.api_key, assemblyai_base_url=fake.base_url
    )
    engine = build_speech_engine(settings)
    assert isinstance(engine, AssemblyAIEngine) and engine.name.startswith("assemblyai")
    engine.close()


# --------------------------------------------------------------------------- the activity


class Events:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any] | None]] = []

    def publish(self, session_id: str, type_: str, data: dict[str, Any] | None = None) -> None:
        self.sent.append((type_, data))


@pytest.fixture
def upload(tmp_path: Path, audio: DecodedAudio) -> tuple[MediaStore, str]:
    media = MediaStore(tmp_path / "media")
    key = media.new_key("audio", "webm")
    media.path(key).parent.mkdir(parents=True, exist_ok=True)
    encode_audio(audio.samples, 16000, media.path(key), "webm")
    return media, key


def _run(engine: AssemblyAIEngine, upload: tuple[MediaStore, str], heartbeats: list[Any]) -> Any:
    media, key = upload
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *details: heartbeats.append(details)
    acts = TranscriptionActivities(engine, media, Events(), max_seconds=300)  # type: ignore[arg-type]
    return env.run(acts.transcribe_audio, TranscribeInput(session_id="s-1", audio_key=key))


def test_activity_returns_transcript_and_delivery_and_heartbeats_while_polling(fake, engine, upload) -> None:
    fake.script(words=FILLER_ANSWER, polls_until_done=3)
    beats: list[Any] = []
    result = _run(engine, upload, beats)
    assert result.engine == "assemblyai:default" and result.text.startswith("So um,")
    assert result.delivery["filler_count"] == 3 and len(result.delivery["long_pauses"]) == 1
    assert result.words[0] == {"text": "So", "start": 0.3, "end": 0.5, "probability": 0.98, "low_confidence": False}
    assert len(beats) >= 5  # upload, submit, one per poll


def test_activity_maps_a_refused_key_to_a_non_retryable_candidate_message(fake, upload) -> None:
    wrong = AssemblyAIEngine("aai-wrong-key", fake.base_url)
    with pytest.raises(ApplicationError) as err:
        _run(wrong, upload, [])
    assert err.value.type == "SpeechServiceUnavailable" and err.value.non_retryable
    assert err.value.message == SPEECH_UNAVAILABLE and "no answer was saved" in SPEECH_UNAVAILABLE
    wrong.close()


def test_activity_leaves_transient_failures_to_temporals_retries(fake, upload, sleeps) -> None:
    e = AssemblyAIEngine(fake.api_key, fake.base_url, max_attempts=2, sleep=sleeps)
    fake.fail_next(503, times=2, path="/v2/upload")
    with pytest.raises(ApplicationError) as err:
        _run(e, upload, [])
    assert err.value.type == "SpeechServiceUnavailable" and not err.value.non_retryable
    e.close()


def test_activity_maps_a_failed_transcript_to_audio_error(fake, engine, upload) -> None:
    fake.script(error="Transcoding failed. File does not appear to contain audio.")
    with pytest.raises(ApplicationError) as err:
        _run(engine, upload, [])
    assert err.value.type == "AudioError" and err.value.non_retryable and err.value.details == (422,)
