"""WebSocket flood client, run in its own process so its work does not share the API's CPU budget
accounting with the prober. Reads a JSON list of {"token", "session_id"} on stdin; for each user
fetches `per_user` tickets, opens all sockets at once, prints {"open": n} when every open has
ended one way or the other, holds them `hold_s` seconds, then prints the outcome counts.

    python -m bench.chaos.ws_flood http://127.0.0.1:PORT PER_USER HOLD_S < users.json
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


async def _open(url: str, opened: asyncio.Event, release: asyncio.Event, counter: list[int]) -> str:
    try:
        async with connect(url, open_timeout=60, close_timeout=5) as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), 60))
            counter[0] += 1
            opened.set()
            await release.wait()
            return f"open:{first.get('type')}"
    except ConnectionClosed as closed:
        return f"closed:{closed.rcvd.code if closed.rcvd else 'none'}"
    except InvalidStatus as refused:
        return f"http:{refused.response.status_code}"
    except (OSError, TimeoutError) as err:
        return f"error:{type(err).__name__}"


async def main(base: str, per_user: int, hold_s: float) -> None:
    users = json.loads(sys.stdin.read())
    ws_base = base.replace("http://", "ws://")
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def ticket(user: dict[str, str]) -> httpx.Response:
            return await client.post(
                f"/api/sessions/{user['session_id']}/events/ticket",
                headers={"Authorization": f"Bearer {user['token']}"},
            )

        replies = await asyncio.gather(*(ticket(u) for u in users for _ in range(per_user)))
    tickets = collections.Counter(r.status_code for r in replies)
    urls = [ws_base + r.json()["url"] for r in replies if r.status_code == 200]
    opened, release, counter = asyncio.Event(), asyncio.Event(), [0]
    started = time.perf_counter()
    tasks = [asyncio.create_task(_open(u, opened, release, counter)) for u in urls]
    while sum(t.done() for t in tasks) + counter[0] < len(tasks) and time.perf_counter() - started < 120:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    print(json.dumps({"tickets": dict(tickets), "open": counter[0], "open_s": round(time.perf_counter() - started, 2)}))
    sys.stdout.flush()
    await asyncio.sleep(hold_s)
    release.set()
    outcomes = collections.Counter(await asyncio.gather(*tasks))
    print(json.dumps({"outcomes": dict(outcomes)}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
