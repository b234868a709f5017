"""The worker's interceptor (activities/observability.py) on a real Temporal worker.

A sync activity in a thread pool, as in worker.py: its log lines must carry the workflow id, the
session id derived from it, the activity's name and attempt; a failed attempt must be counted by
activity and error type, and timed apart from the attempt that succeeds.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from prometheus_client import REGISTRY
from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.observability import ObservabilityInterceptor
from talentsync.logcontext import ContextFilter, json_formatter

log = logging.getLogger("tests.observability.activity")
ACTIVITY = "observed_flaky_step"


@activity.defn(name=ACTIVITY)
def flaky_step(n: int) -> int:
    log.info("working", extra={"n": n})
    if activity.info().attempt == 1:
        raise ApplicationError("first try fails", type="FlakyError")
    return n + 1


@activity.defn(name="observed_slow_step")
def slow_step() -> str:
    if activity.info().attempt == 1:
        # Past start-to-close (1 s) and the SDK's grace (~5 s), after which it cancels the attempt
        # itself; short sleeps, so the cancel it raises in this thread lands between them.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(0.05)
    return "done"


@activity.defn(name="observed_late_step")
def late_step() -> str:
    if activity.info().attempt == 1:
        time.sleep(2)  # past start-to-close (1 s), within the SDK's grace: finishes, but too late
    return "done"


@workflow.defn(sandboxed=False)
class SlowWorkflow:
    @workflow.run
    async def run(self, which: str) -> str:
        return await workflow.execute_activity(
            which,
            start_to_close_timeout=timedelta(seconds=1),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=10), maximum_attempts=3),
            result_type=str,
        )


@workflow.defn(sandboxed=False)
class ObservedWorkflow:
    @workflow.run
    async def run(self, n: int) -> int:
        return await workflow.execute_activity(
            flaky_step,
            n,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=10), maximum_attempts=3),
        )


def value(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_activity_lines_and_metrics(env: WorkflowEnvironment) -> None:
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(json_formatter())
    handler.addFilter(ContextFilter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    failures_before = value("talentsync_activity_failures_total", {"activity": ACTIVITY, "error": "FlakyError"})
    completed_before = value(
        "talentsync_activity_duration_seconds_count", {"activity": ACTIVITY, "outcome": "completed"}
    )
    sid = str(uuid.uuid4())
    queue = f"obs-{uuid.uuid4().hex[:8]}"
    try:
        with ThreadPoolExecutor(4) as pool:
            async with Worker(
                env.client,
                task_queue=queue,
                workflows=[ObservedWorkflow],
                activities=[flaky_step],
                activity_executor=pool,
                interceptors=[ObservabilityInterceptor()],
                workflow_runner=UnsandboxedWorkflowRunner(),
            ):
                result = await env.client.execute_workflow(
                    ObservedWorkflow.run, 41, id=f"session-{sid}", task_queue=queue
                )
    finally:
        log.removeHandler(handler)
    assert result == 42
    lines = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert [x["attempt"] for x in lines] == [1, 2]
    for line in lines:
        assert line["message"] == "working" and line["n"] == 41
        assert line["workflow_id"] == f"session-{sid}" and line["session_id"] == sid
        assert line["activity"] == ACTIVITY and line["task_queue"] == queue
    assert value("talentsync_activity_failures_total", {"activity": ACTIVITY, "error": "FlakyError"}) == (
        failures_before + 1
    )
    assert value("talentsync_activity_duration_seconds_count", {"activity": ACTIVITY, "outcome": "completed"}) == (
        completed_before + 1
    )
    assert value("talentsync_activity_duration_seconds_count", {"activity": ACTIVITY, "outcome": "failed"}) >= 1


async def test_attempts_that_time_out_count_as_failures() -> None:
    # Real time (a dev server), not time skipping: the SDK cancels an attempt when its own clock says
    # start-to-close has passed (plus a grace of a few seconds), as in production.
    cut_off = {"activity": "observed_slow_step", "error": "TimedOut"}
    late = {"activity": "observed_late_step", "error": "TimedOut"}
    before = {
        name: value("talentsync_activity_failures_total", labels) for name, labels in (("cut", cut_off), ("late", late))
    }
    queue = f"obs-{uuid.uuid4().hex[:8]}"
    dev_server = str(Path(sys.executable).parent / "temporal")
    async with await WorkflowEnvironment.start_local(dev_server_existing_path=dev_server, ui=False) as env:
        with ThreadPoolExecutor(4) as pool:
            async with Worker(
                env.client,
                task_queue=queue,
                workflows=[SlowWorkflow],
                activities=[slow_step, late_step],
                activity_executor=pool,
                interceptors=[ObservabilityInterceptor()],
                workflow_runner=UnsandboxedWorkflowRunner(),
            ):
                for which in ("observed_slow_step", "observed_late_step"):
                    result = await env.client.execute_workflow(
                        SlowWorkflow.run, which, id=f"slow-{uuid.uuid4()}", task_queue=queue
                    )
                    assert result == "done"
                # The retries have answered the workflows; the first attempts run on until they end
                # by themselves (late) or the SDK gives up on them (cut off).
                for _ in range(150):  # up to 15 s
                    if value("talentsync_activity_failures_total", cut_off) > before["cut"]:
                        break
                    await asyncio.sleep(0.1)
    assert value("talentsync_activity_failures_total", cut_off) == before["cut"] + 1
    assert value("talentsync_activity_failures_total", late) == before["late"] + 1
    for name in ("observed_slow_step", "observed_late_step"):
        assert value("talentsync_activity_duration_seconds_count", {"activity": name, "outcome": "timed_out"}) >= 1
        assert value("talentsync_activity_duration_seconds_count", {"activity": name, "outcome": "completed"}) >= 1
