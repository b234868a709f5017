"""Worker observability: an interceptor that adds log context and metrics to every activity attempt,
and the worker process's metrics endpoint (ours and the Temporal SDK's on one page).

The interceptor is registered on every Worker in worker.py, so no activity has to remember it. While an activity runs,
each log line carries `workflow_id`, `activity`, `attempt`, `task_queue` and, for an interview
(workflow id `session-<uuid>`), `session_id`. Sync activities run in a thread under a copy of this
coroutine's context (the SDK copies it), so binding here reaches their log lines too.

Not an activity module: worker.py imports it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import temporalio.exceptions
from prometheus_client.registry import Collector
from temporalio import activity
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from talentsync.config import Settings
from talentsync.logcontext import bind_log_context, reset_log_context, session_id_from_workflow_id
from talentsync.metrics import (
    ACTIVITY_DURATION,
    ACTIVITY_FAILURES,
    SessionStatusCollector,
    TemporalSdkCollector,
    serve_metrics,
)

log = logging.getLogger(__name__)


class ObservabilityInterceptor(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _ActivityObserver(next)


def error_label(err: BaseException) -> str:
    """A bounded label for a failure: the ApplicationError's type when set, else the exception class."""
    if isinstance(err, temporalio.exceptions.ApplicationError) and err.type:
        return err.type[:64]
    return type(err).__name__


class _ActivityObserver(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        name = info.activity_type
        token = bind_log_context(
            activity=name,
            workflow_id=info.workflow_id,
            session_id=session_id_from_workflow_id(info.workflow_id),
            attempt=info.attempt,
            task_queue=info.task_queue,
        )
        started = time.perf_counter()
        outcome = "completed"
        try:
            result = await super().execute_activity(input)
            limit = info.start_to_close_timeout
            if limit and time.perf_counter() - started > limit.total_seconds():
                # Finished, but after Temporal had already timed the attempt out and retried it: the
                # result is dropped ("Activity not found on completion"), so it counts as a timeout.
                outcome = "timed_out"
                ACTIVITY_FAILURES.labels(activity=name, error="TimedOut").inc()
            return result
        except (asyncio.CancelledError, temporalio.exceptions.CancelledError):
            # The SDK cancels an attempt that outran its start-to-close or heartbeat timeout: that is
            # a failure (Temporal retries it). Cancelled because the workflow moved on or the worker
            # is stopping is not.
            details = activity.cancellation_details()
            if details is not None and details.timed_out:
                outcome = "timed_out"
                ACTIVITY_FAILURES.labels(activity=name, error="TimedOut").inc()
            else:
                outcome = "cancelled"
            raise
        except BaseException as err:
            outcome = "failed"
            ACTIVITY_FAILURES.labels(activity=name, error=error_label(err)).inc()
            raise
        finally:
            ACTIVITY_DURATION.labels(activity=name, outcome=outcome).observe(time.perf_counter() - started)
            reset_log_context(token)


@dataclass
class WorkerTelemetry:
    runtime: Runtime | None  # give it to Client.connect, so the SDK's metrics reach the page
    url: str | None  # where this process's metrics are served
    stop: Callable[[], None]


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_worker_telemetry(settings: Settings, count_sessions: bool) -> WorkerTelemetry:
    """Serve this worker's metrics on `WORKER_METRICS_PORT` (0: off) and build the Temporal runtime
    whose SDK metrics are merged into them. ``count_sessions``: also report sessions by status.

    A taken port leaves the worker running without metrics (logged as an error; Prometheus shows
    the target down): the answers matter more than their graphs.
    """
    port = settings.worker_metrics_port
    if port == 0:
        return WorkerTelemetry(None, None, lambda: None)
    sdk_address = f"127.0.0.1:{_free_loopback_port()}"  # private: only our collector reads it
    collectors: list[Collector] = [TemporalSdkCollector(f"http://{sdk_address}/metrics")]
    engine = None
    if count_sessions:
        from talentsync.db.engine import make_engine, make_session_factory

        engine = make_engine(settings.database_url, pool_size=1)
        collectors.append(SessionStatusCollector(make_session_factory(engine)))
    try:
        stop_server = serve_metrics(settings.worker_metrics_host, port, collectors)
    except OSError as err:
        log.error(
            "worker metrics are off: cannot listen on %s:%d (%s). Give each worker process on this host "
            "its own WORKER_METRICS_PORT, or 0 to turn them off.",
            settings.worker_metrics_host,
            port,
            err,
        )
        if engine is not None:
            engine.dispose()
        return WorkerTelemetry(None, None, lambda: None)
    runtime: Runtime | None = None
    try:
        runtime = Runtime(
            telemetry=TelemetryConfig(
                # Seconds and `_total` counters, as Prometheus conventions (and our own metrics) have it.
                metrics=PrometheusConfig(
                    bind_address=sdk_address, counters_total_suffix=True, durations_as_seconds=True
                )
            )
        )
    except Exception:
        log.warning("Temporal SDK metrics are off: could not start them on %s", sdk_address, exc_info=True)

    def stop() -> None:
        stop_server()
        if engine is not None:
            engine.dispose()

    url = f"http://{settings.worker_metrics_host}:{port}/metrics"
    log.info("worker metrics at %s", url)
    return WorkerTelemetry(runtime, url, stop)
