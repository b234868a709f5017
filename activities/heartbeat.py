"""Heartbeats for activities that block in one long call (Whisper, an LLM request).

A heartbeat timeout is how Temporal notices quickly that the worker running an activity died
(`kill -9`, OOM, a lost machine): without one, the activity is retried only when its whole
start-to-close timeout has run out, minutes later. A call that blocks cannot heartbeat itself,
so a small thread does it for as long as the call runs. It proves the process is alive, not
that the call makes progress; start-to-close still bounds a call that hangs.

Not an activity module: the activity classes import it.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable, Iterator
from typing import Any

from temporalio import activity

# Well under the heartbeat timeouts the workflow sets (10 s); the SDK throttles what it sends.
INTERVAL_S = 2.0


@contextlib.contextmanager
def keep_alive(interval: float = INTERVAL_S) -> Iterator[Callable[..., None]]:
    """Heartbeat every ``interval`` seconds until the block exits.

    Yields a function that records heartbeat details (e.g. progress) and sends them at once;
    the background beats repeat the latest details so they are never reset.
    """
    latest: tuple[Any, ...] = ()
    lock = threading.Lock()
    stop = threading.Event()
    # The activity context lives in a context variable of the activity's thread.
    context = contextvars.copy_context()

    def beat(*details: Any) -> None:
        nonlocal latest
        with lock:
            latest = details
        activity.heartbeat(*details)

    def run() -> None:
        while not stop.wait(interval):
            with lock:
                details = latest
            # A heartbeat that cannot be delivered (worker shutting down) must not kill the thread.
            with contextlib.suppress(Exception):
                context.run(activity.heartbeat, *details)

    thread = threading.Thread(target=run, name="activity-heartbeat", daemon=True)
    thread.start()
    try:
        yield beat
    finally:
        stop.set()
        thread.join(timeout=interval + 1)
