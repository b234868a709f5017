"""Runs the web app's browser tests (node --test, playwright-core + Debian chromium) against the real
stack: the session's PostgreSQL/Redis/Temporal/worker and the API served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from devstack.services import api_argv, free_port, tcp_ready

pytestmark = [pytest.mark.slow, pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
WAV = REPO / "tests" / "fixtures" / "speech" / "sense_and_sensibility_01_austen_64kb-0870.wav"


@pytest.fixture(scope="module")
def served_api(stack, worker):
    if not (REPO / "frontend" / "dist" / "index.html").exists():
        pytest.fail(
            "the web app is not built: run `make test` (it builds frontend/dist) or `npm --prefix frontend run build`"
        )
    port = free_port()
    log = stack.data_dir / "logs" / "browser-api.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            api_argv(port),
            env=stack.env(),
            cwd=REPO,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while not tcp_ready(port):
                assert proc.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "API did not start"
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(20)


@pytest.mark.parametrize(
    "suite",
    ["auth", "interview", "resume", "voice", "craft", "a11y", "progress", "staff", "recruiter", "finish", "review"],
)
def test_browser_suite(served_api, stack, suite):
    node = shutil.which("node")
    assert node, "Node.js is required for the browser tests"
    assert Path("/usr/bin/chromium").exists(), (
        "Debian chromium is required: make test installs it (scripts/ensure-chromium.sh)"
    )
    result = subprocess.run(
        [node, "--test", f"tests/browser/{suite}.test.mjs"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": "/tmp",
            "TALENTSYNC_URL": served_api,
            "TALENTSYNC_TEST_WAV": str(WAV),
            # The staff suite signs in as the stack's first admin (created by the seed).
            "TALENTSYNC_ADMIN_EMAIL": stack.settings().first_admin_email,
            "TALENTSYNC_ADMIN_PASSWORD": stack.settings().first_admin_password.get_secret_value(),
        },
    )
    output = result.stdout + result.stderr
    print(output[-4000:])
    assert result.returncode == 0, output[-6000:]
    assert "# fail 0" in output and "# pass 0" not in output, "the browser suite ran and passed at least one test"
    assert "# skipped 0" in output, "no browser test was skipped"
