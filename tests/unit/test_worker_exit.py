"""worker.py ends the process when any of its Temporal workers stops, so a supervisor restarts it.

``serve`` is driven with stand-ins for ``temporalio.worker.Worker`` (the same run/shutdown
contract): a poller that fails must end serving at once and shut the other workers down.
The real process exiting non-zero is covered in tests/integration/test_worker_crash.py.
"""

from __future__ import annotations

import asyncio
import time

import pytest

import worker as worker_module
from worker import WorkerStopped, serve, watch_server


class StandInWorker:
    def __init__(self, task_queue: str, fail_after: float | None = None, return_after: float | None = None) -> None:
        self.task_queue = task_queue
        self._fail_after = fail_after
        self._return_after = return_after
        self._shutdown = asyncio.Event()
        self.shutdown_called = False

    async def run(self) -> None:
        if self._fail_after is not None:
            await asyncio.sleep(self._fail_after)
            raise RuntimeError(f"poller on {self.task_queue} failed")
        if self._return_after is not None:
            await asyncio.sleep(self._return_after)
            return
        await self._shutdown.wait()

    async def shutdown(self) -> None:
        self.shutdown_called = True
        self._shutdown.set()


async def never() -> None:
    await asyncio.Event().wait()


async def test_a_failing_poller_ends_serving_and_stops_the_others() -> None:
    healthy, failing = StandInWorker("interview"), StandInWorker("ml", fail_after=0.05)
    started = time.monotonic()
    failure = await asyncio.wait_for(serve([healthy, failing], asyncio.Event(), never()), 5)  # type: ignore[list-item]
    assert isinstance(failure, RuntimeError) and "poller on ml failed" in str(failure)
    assert healthy.shutdown_called and failing.shutdown_called
    assert time.monotonic() - started < 2


async def test_a_worker_that_returns_on_its_own_is_a_failure() -> None:
    failure = await asyncio.wait_for(
        serve([StandInWorker("feedback", return_after=0.05)], asyncio.Event(), never()),  # type: ignore[list-item]
        5,
    )
    assert isinstance(failure, WorkerStopped)


async def test_a_requested_stop_is_not_a_failure() -> None:
    workers = [StandInWorker("interview"), StandInWorker("ml")]
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.05, stop.set)
    assert await asyncio.wait_for(serve(workers, stop, never()), 5) is None  # type: ignore[arg-type]
    assert all(w.shutdown_called for w in workers)


async def test_the_server_watchdog_ending_is_a_failure() -> None:
    async def server_gone() -> None:
        await asyncio.sleep(0.05)

    failure = await asyncio.wait_for(serve([StandInWorker("interview")], asyncio.Event(), server_gone()), 5)  # type: ignore[list-item]
    assert isinstance(failure, WorkerStopped)


async def test_shutdown_after_a_failure_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # A worker whose shutdown hangs (an activity stuck in its thread) must not keep the process up.
    class Stuck(StandInWorker):
        async def shutdown(self) -> None:
            self.shutdown_called = True
            await asyncio.Event().wait()

    monkeypatch.setattr(worker_module, "SHUTDOWN_GRACE_S", 0.2)
    started = time.monotonic()
    failure = await asyncio.wait_for(
        serve([Stuck("transcription"), StandInWorker("ml", fail_after=0.05)], asyncio.Event(), never()),  # type: ignore[list-item]
        5,
    )
    assert failure is not None and time.monotonic() - started < 2


class UnreachableServer:
    def __init__(self, answers: list[bool | Exception]) -> None:
        self.answers = answers

    async def check_health(self, **options: object) -> bool:
        answer = self.answers.pop(0) if self.answers else OSError("connection refused")
        if isinstance(answer, Exception):
            raise answer
        return answer


class StandInClient:
    def __init__(self, answers: list[bool | Exception]) -> None:
        self.service_client = UnreachableServer(answers)


async def test_watchdog_returns_once_the_server_is_gone_long_enough() -> None:
    client = StandInClient([True, True])
    started = time.monotonic()
    await asyncio.wait_for(watch_server(client, max_unreachable_s=0.3, every_s=0.05), 5)
    # Two good checks (0.1 s), then failures for at least 0.3 s.
    assert 0.35 <= time.monotonic() - started < 2


async def test_watchdog_forgives_a_short_outage() -> None:
    client = StandInClient([True, OSError("blip"), True] + [True] * 100)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(watch_server(client, max_unreachable_s=0.3, every_s=0.05), 1)
