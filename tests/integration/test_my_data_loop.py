"""Progress, export and account deletion never hold the API's event loop, measured the same way as
test_event_loop.py (uvicorn in this test's loop, a monitor of how late the loop wakes up)."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile

import httpx
import pytest

from tests.integration.test_event_loop import MAX_LAG_S, RESUME, STRONG, Live, _register, live  # noqa: F401

pytestmark = pytest.mark.integration


async def _interview(c: httpx.AsyncClient, headers: dict[str, str], module_id: int) -> str:
    start = await c.post("/api/sessions", json={"module_id": module_id, "max_questions": 2}, headers=headers)
    assert start.status_code == 201, start.text
    sid, q = start.json()["id"], start.json()["question"]
    while q is not None:
        r = await c.post(f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": STRONG}, headers=headers)
        assert r.status_code == 200, r.text
        q = r.json()["question"]
    return sid


async def test_my_data_routes_never_block_the_event_loop(live: Live) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=live.base, timeout=120) as c:
        headers = await _register(c)
        up = await c.post("/api/resumes", files={"file": ("cv.txt", RESUME.encode(), "text/plain")}, headers=headers)
        assert up.status_code == 202
        module = (await c.get("/api/modules", headers=headers)).json()[0]
        sids = [await _interview(c, headers, module["id"]) for _ in range(3)]
        deadline = time.monotonic() + 180
        for sid in sids:
            while (await c.get(f"/api/sessions/{sid}/report", headers=headers)).status_code == 202:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.3)

        timings: dict[str, float] = {}
        for stage, call in (
            ("progress", lambda: c.get("/api/me/progress", headers=headers)),
            ("export", lambda: c.get("/api/me/export", headers=headers)),
            ("delete", lambda: c.delete("/api/me", headers=headers)),
        ):
            live.monitor.stage = f"me:{stage}"
            t0 = time.perf_counter()
            r = await call()
            timings[stage] = time.perf_counter() - t0
            assert r.status_code in (200, 204), (stage, r.text)
            if stage == "progress":
                assert len(r.json()["sessions"]) == 3
            if stage == "export":
                names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
                assert "sessions.json" in names and any(n.startswith("files/resumes/") for n in names)
        live.monitor.stage = "after"

    lags = {k: round(v * 1000, 1) for k, v in live.monitor.per_stage.items() if k.startswith("me:")}
    print(f"\nmy-data routes: { ({k: round(v * 1000) for k, v in timings.items()}) } ms; loop lag per stage {lags} ms")
    worst = max(v for k, v in live.monitor.per_stage.items() if k.startswith("me:"))
    assert worst < MAX_LAG_S, f"event loop held {worst * 1000:.0f} ms during {lags}"
