"""A fake OpenAI chat-completions endpoint on 127.0.0.1, for the real ``openai`` SDK.

Speaks ``POST /v1/chat/completions`` (non-streaming) the way api.openai.com does: the key as
``Authorization: Bearer <key>``, a JSON body with ``model`` and ``messages``, a ``chat.completion``
object back; errors as ``{"error": {"message", "type", "code"}}`` with the HTTP status (401 for a
wrong key). What the model "says" comes from ``replies`` (FIFO), else from ``responder``; with
neither, the request fails with a 500 so a test never passes on an unplanned call.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import openai

log = logging.getLogger(__name__)


class FakeChatCompletions:
    """Use as a context manager, or ``start()``/``stop()``."""

    def __init__(self, api_key: str = "test", responder: Callable[[dict[str, Any]], str] | None = None) -> None:
        self.api_key = api_key
        self.requests: list[dict[str, Any]] = []  # {"path", "headers", "body", "status"}
        self.replies: list[str] = []
        self.responder = responder
        # Seconds to wait before answering a request whose body matches, e.g. only refinements.
        self.delay: float = 0.0
        self.delay_if: Callable[[dict[str, Any]], bool] = lambda body: True
        # Called (with the body) while a delayed request is held, to look at the world meanwhile.
        self.while_delayed: Callable[[dict[str, Any]], None] | None = None
        self._failures: list[int] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"null")
                record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                with fake._lock:
                    fake.requests.append(record)
                status, payload = fake._answer(record)
                record["status"] = status
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (its timeout), as a slow server's clients do

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("fake openai: " + format, *args)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-openai", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def client(self, **kw: Any) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.base_url, api_key=self.api_key, **{"max_retries": 0, **kw})

    def fail_next(self, status: int, times: int = 1) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def start(self) -> FakeChatCompletions:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> FakeChatCompletions:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _answer(self, record: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = record["body"]
        if record["headers"].get("authorization") != f"Bearer {self.api_key}":
            return 401, _error("Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
        if record["path"] != "/v1/chat/completions":
            return 404, _error(f"Unknown request URL: POST {record['path']}", "invalid_request_error", None)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            content = self.replies.pop(0) if self.replies else None
        if failure is not None:
            return failure, _error("fake: injected failure", "server_error", None)
        if self.delay and self.delay_if(body):
            if self.while_delayed is not None:
                self.while_delayed(body)
            time.sleep(self.delay)
        if content is None and self.responder is not None:
            content = self.responder(body)
        if content is None:
            return 500, _error("fake: no reply was scripted for this request", "server_error", None)
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
        }


def _error(message: str, type_: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


@contextmanager
def fake_openai_server(api_key: str = "test") -> Iterator[FakeChatCompletions]:
    with FakeChatCompletions(api_key=api_key) as fake:
        yield fake
