"""A WebSocket flood against a running API, from its own process (so the flood's client work does not
share the event loop being measured). Gets the tickets first and prints a JSON line, then opens every
socket at once and prints a second JSON line: what each open ended with.

    python tests/integration/ws_flood.py http://127.0.0.1:PORT <bearer token> <session id> <legit> <forged>
"""

from __future__ import annotations

import asyncio
import collections
import json
import sys
import time

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus


async def _open(url: str, hold: asyncio.Event, live: list[str]) -> str:
    try:
        async with connect(url, open_timeout=20, close_timeout=2) as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), 20))
            live.append(url)
            await hold.wait()  # keep accepted sockets open until every open has been tried
            return f"open:{first['type']}"
    except ConnectionClosed as closed:
        return f"closed:{closed.rcvd.code if closed.rcvd else 'none'}"
    except InvalidStatus as refused:
        return f"http:{refused.response.status_code}"
    except (OSError, TimeoutError) as err:
        return f"error:{type(err).__name__}"


async def main(base: str, token: str, sid: str, legit: int, forged: int) -> None:
    ws_base = base.replace("http://", "ws://")
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        replies = await asyncio.gather(*(client.post(f"/api/sessions/{sid}/events/ticket") for _ in range(legit)))
    tickets = collections.Counter(r.status_code for r in replies)
    print(json.dumps({"tickets": dict(tickets)}), flush=True)  # the parent starts measuring here
    started = time.perf_counter()
    urls = [ws_base + r.json()["url"] for r in replies if r.status_code == 200]
    urls += [f"{ws_base}/api/sessions/{sid}/events?ticket=forged{i:04d}" for i in range(forged)]
    hold = asyncio.Event()
    live: list[str] = []
    tasks = [asyncio.create_task(_open(u, hold, live)) for u in urls]
    # Every open is either refused or live (holding its slot) before any live one lets go.
    while sum(t.done() for t in tasks) + len(live) < len(tasks) and time.perf_counter() - started < 60:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    hold.set()
    outcomes = collections.Counter(await asyncio.gather(*tasks))
    print(json.dumps({"outcomes": dict(outcomes), "seconds": round(time.perf_counter() - started, 2)}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])))
