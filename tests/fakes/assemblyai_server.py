"""A fake AssemblyAI pre-recorded API (v2) on 127.0.0.1, for the real ``assemblyai`` SDK.

Shaped from what SDK 1.8 sends and parses (``assemblyai/api.py``, ``prerecorded/v2/api.py``,
``types.py``) and AssemblyAI's API reference, not from what our engine expects:

- auth: the key as the bare ``authorization`` header (no "Bearer"); a missing or wrong key is
  ``401 {"error": "Authentication error, API token missing/invalid"}``;
- ``POST /v2/upload``: the raw audio as the body -> ``{"upload_url": "https://cdn.assemblyai.com/upload/<id>"}``;
- ``POST /v2/transcript``: JSON ``{"audio_url", <options>}`` -> the transcript object, ``status: "queued"``;
- ``GET /v2/transcript/<id>``: ``queued`` -> ``processing`` -> ``completed`` (``text``, ``words``:
  ``[{"text", "start", "end", "confidence", "speaker"}]`` with times in milliseconds,
  ``audio_duration`` in seconds, ``confidence``) or ``error`` (``error``: the reason);
- errors are ``{"error": "<message>"}`` with the HTTP status.

Service behaviour it mirrors: filler words ("um", "uh", ...) are left out of ``text`` and ``words``
unless the request sets ``disfluencies: true``; an ``audio_url`` that is not a finished upload
ends in ``status: "error"`` ("Download error"); an upload that is not audio ends in ``error``
("Transcoding failed"). The fake cannot listen: what a recording "says" is scripted per test with
``script()``; an unscripted transcript ends in ``error`` so a test never passes by accident. It is
stricter than the service in one way on purpose: unknown request fields are a 400.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

UPLOAD_PREFIX = "https://cdn.assemblyai.com/upload/"
AUTH_ERROR = "Authentication error, API token missing/invalid"
FILLERS = frozenset({"um", "uh", "umm", "uhm", "hmm", "mhm", "er", "ah"})
# Request options a transcript request may carry (AssemblyAI API reference, the ones an app sends).
_TRANSCRIPT_FIELDS = frozenset(
    {
        "audio_url", "language_code", "language_detection", "punctuate", "format_text", "disfluencies",
        "speech_model", "speech_models", "word_boost", "boost_param", "keyterms_prompt", "filter_profanity",
        "speaker_labels", "speakers_expected", "audio_start_from", "audio_end_at", "webhook_url",
        "webhook_auth_header_name", "webhook_auth_header_value", "multichannel", "speech_threshold",
    }
)  # fmt: skip
# Magic bytes of the containers AssemblyAI transcodes (enough for what tests upload).
_AUDIO_MAGIC = (b"fLaC", b"RIFF", b"OggS", b"\x1a\x45\xdf\xa3", b"ID3")


@dataclass
class ScriptedWord:
    text: str
    start_ms: int
    end_ms: int
    confidence: float = 0.95


@dataclass
class Script:
    """What the next transcript "hears": words with times, or a failure reason."""

    words: list[ScriptedWord] = field(default_factory=list)
    error: str | None = None
    polls_until_done: int = 2  # GETs answered `queued`/`processing` before the terminal state


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: Any  # parsed JSON, raw bytes for uploads
    status: int = 0


@dataclass
class _Transcript:
    id: str
    request: dict[str, Any]
    script: Script
    polls: int = 0


def words_from_text(text: str, start_ms: int = 500, ms_per_word: int = 400, gap_ms: int = 80) -> list[ScriptedWord]:
    """Evenly timed words for a sentence (``ms_per_word`` each, ``gap_ms`` apart)."""
    out, t = [], start_ms
    for token in text.split():
        out.append(ScriptedWord(token, t, t + ms_per_word))
        t += ms_per_word + gap_ms
    return out


class FakeAssemblyAI:
    """One fake account. Use as a context manager (starts and stops the HTTP server)."""

    def __init__(self, api_key: str = "fake-assemblyai-key") -> None:
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self.uploads: dict[str, bytes] = {}
        self.transcripts: dict[str, _Transcript] = {}
        self._scripts: list[Script] = []
        self._failures: list[tuple[str | None, int]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle
    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeAssemblyAI:
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-assemblyai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> FakeAssemblyAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- test controls
    def script(self, text: str | None = None, *, words: list[ScriptedWord] | None = None, **kw: Any) -> None:
        """Queue what the next transcript request hears (FIFO)."""
        with self._lock:
            self._scripts.append(Script(words=words if words is not None else words_from_text(text or ""), **kw))

    def fail_next(self, status: int, times: int = 1, path: str | None = None) -> None:
        """Answer the next ``times`` requests (whose path starts with ``path``) with ``status``."""
        with self._lock:
            self._failures.extend([(path, status)] * times)

    def requests_to(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # ---- request handling
    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        rec = RecordedRequest(method, path, headers, raw)
        with self._lock:
            self.requests.append(rec)
            status, payload = self._handle(rec, raw)
        rec.status = status
        return status, payload

    def _handle(self, rec: RecordedRequest, raw: bytes) -> tuple[int, dict[str, Any]]:
        if rec.headers.get("authorization") != self.api_key:
            return 401, {"error": AUTH_ERROR}
        for i, (fpath, fstatus) in enumerate(self._failures):
            if fpath is None or rec.path.startswith(fpath):
                del self._failures[i]
                return fstatus, {"error": "fake: injected failure"}
        if rec.method == "POST" and rec.path == "/v2/upload":
            if not raw:
                return 400, {"error": "Upload failed: the request body is empty"}
            token = uuid.uuid4().hex
            self.uploads[token] = raw
            return 200, {"upload_url": UPLOAD_PREFIX + token}
        if rec.method == "POST" and rec.path == "/v2/transcript":
            try:
                body = json.loads(raw or b"null")
            except (UnicodeDecodeError, json.JSONDecodeError):
                return 400, {"error": "Invalid JSON body"}
            rec.body = body
            if not isinstance(body, dict) or not isinstance(body.get("audio_url"), str):
                return 400, {"error": "audio_url is required"}
            unknown = sorted(set(body) - _TRANSCRIPT_FIELDS)
            if unknown:
                return 400, {"error": f"Invalid request: unknown parameter(s) {unknown}"}
            script = self._scripts.pop(0) if self._scripts else Script(error="fake: no transcript was scripted")
            t = _Transcript(id=str(uuid.uuid4()), request=body, script=script)
            self.transcripts[t.id] = t
            return 200, self._view(t, "queued")
        if rec.method == "GET" and rec.path.startswith("/v2/transcript/"):
            t = self.transcripts.get(rec.path.removeprefix("/v2/transcript/"))
            if t is None:
                return 400, {"error": "Transcript lookup error, transcript id not found"}
            t.polls += 1
            if t.polls <= t.script.polls_until_done:
                return 200, self._view(t, "queued" if t.polls == 1 else "processing")
            return 200, self._finish(t)
        return 404, {"error": f"{rec.method} {rec.path} not found"}

    def _view(self, t: _Transcript, status: str) -> dict[str, Any]:
        req = t.request
        return {
            "id": t.id,
            "status": status,
            "audio_url": req["audio_url"],
            "language_code": req.get("language_code", "en_us"),
            "punctuate": req.get("punctuate", True),
            "format_text": req.get("format_text", True),
            "disfluencies": req.get("disfluencies", False),
            "speech_model": req.get("speech_model"),
            "text": None,
            "words": None,
            "utterances": None,
            "confidence": None,
            "audio_duration": None,
            "error": None,
            "webhook_url": None,
            "speaker_labels": req.get("speaker_labels", False),
        }

    def _finish(self, t: _Transcript) -> dict[str, Any]:
        url = t.request["audio_url"]
        upload = self.uploads.get(url.removeprefix(UPLOAD_PREFIX)) if url.startswith(UPLOAD_PREFIX) else None
        error = t.script.error
        if upload is None:
            error = f"Download error, unable to download {url}. Please make sure the file exists and is accessible."
        elif not upload.startswith(_AUDIO_MAGIC):
            error = "Transcoding failed. File does not appear to contain audio."
        if error is not None:
            return {**self._view(t, "error"), "error": error}
        words = t.script.words
        if not t.request.get("disfluencies"):
            words = [w for w in words if w.text.strip(",.?!").lower() not in FILLERS]
        out = [
            {"text": w.text, "start": w.start_ms, "end": w.end_ms, "confidence": w.confidence, "speaker": None}
            for w in words
        ]
        return {
            **self._view(t, "completed"),
            "text": " ".join(w.text for w in words),
            "words": out,
            "confidence": round(sum(w.confidence for w in words) / len(words), 4) if words else 0.0,
            "audio_duration": round(words[-1].end_ms / 1000) if words else 0,
            "speech_model_used": "universal",
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeAssemblyAI

    def _dispatch(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":  # an upload from a file object
            raw = b""
            while size := int(self.rfile.readline().strip() or b"0", 16):
                raw += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
        else:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload = self.fake.handle(self.command, urlsplit(self.path).path, headers, raw)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("fake assemblyai: " + format, *args)


@contextmanager
def fake_assemblyai(api_key: str = "fake-assemblyai-key") -> Iterator[FakeAssemblyAI]:
    with FakeAssemblyAI(api_key=api_key) as fake:
        yield fake
