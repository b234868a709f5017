"""Worker-side Prometheus metrics: activity timing and failures, answers scored, sessions by status,
and the Temporal SDK's own metrics merged into the same page.

One scrape target per worker process (`WORKER_METRICS_PORT`). The Temporal SDK (its Rust core)
can only serve its metrics on an HTTP address of its own; the worker binds that to a private
127.0.0.1 port and `TemporalSdkCollector` re-exposes it on every scrape, so an operator configures
one target per process and never exposes the SDK port.

Free of Temporal and FastAPI: the interceptor that feeds these lives in activities/observability.py.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from typing import get_args

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from talentsync.contracts import SessionStatus
from talentsync.db.models import InterviewSession

log = logging.getLogger(__name__)

# From a local PostgreSQL write (~5 ms) through scoring (~0.1-1 s) to Whisper and an LLM (minutes).
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

ACTIVITY_DURATION = Histogram(
    "talentsync_activity_duration_seconds",
    "Time an activity attempt took in this worker, by activity name and outcome "
    "(completed, failed, timed_out, cancelled).",
    ["activity", "outcome"],
    buckets=DURATION_BUCKETS,
)
ACTIVITY_FAILURES = Counter(
    "talentsync_activity_failures",
    "Activity attempts that raised or timed out (error TimedOut), by activity name and error type. "
    "Temporal retries most of them.",
    ["activity", "error"],
)
ANSWERS_SCORED = Counter(
    "talentsync_answers_scored",
    "Scores written by score_answer. An attempt that finishes after its timeout wrote its score too "
    "(the retry rewrites the same row), so under overload this can exceed the answers.",
)

# Every status a session can have, so a status that drops to zero shows 0 instead of vanishing.
SESSION_STATUSES: tuple[str, ...] = get_args(SessionStatus)


class SessionStatusCollector(Collector):
    """`talentsync_sessions{status}`: how many sessions are in each status now, read from PostgreSQL.

    A gauge from the table rather than a counter of transitions: the table is the truth (a
    transition retried by Temporal would be counted twice, a restarted worker would start from
    zero), and the question an operator asks is "how many sessions are stuck in scoring_failed
    right now". Several interview workers report the same numbers: aggregate with max, not sum.
    The count is cached for ``ttl_s`` so that several scrapers cost one query.
    """

    def __init__(self, factory: sessionmaker[Session], ttl_s: float = 15.0) -> None:
        self._factory = factory
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._cached: dict[str, int] | None = None
        self._at = 0.0

    def _counts(self) -> dict[str, int] | None:
        with self._lock:
            if self._cached is not None and time.monotonic() - self._at < self._ttl_s:
                return self._cached
            try:
                with self._factory() as db:
                    rows = db.execute(
                        select(InterviewSession.status, func.count()).group_by(InterviewSession.status)
                    ).all()
            except Exception:
                log.warning("could not count sessions by status for the metrics", exc_info=True)
                return None
            counts = dict.fromkeys(SESSION_STATUSES, 0)
            counts.update({status: int(n) for status, n in rows})
            self._cached, self._at = counts, time.monotonic()
            return counts

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "talentsync_sessions", "Interview sessions by status (from PostgreSQL).", labels=["status"]
        )

    def describe(self) -> Iterator[Metric]:
        # Registering asks for the names; without this it would run collect() (a query) to learn them.
        yield self._family()

    def collect(self) -> Iterator[Metric]:
        counts = self._counts()
        if counts is None:  # no data beats a zero that looks like "no sessions"
            return
        family = self._family()
        for status, n in sorted(counts.items()):
            family.add_metric([status], n)
        yield family


class TemporalSdkCollector(Collector):
    """Re-exposes the Temporal SDK's Prometheus page (served on a private loopback port) on ours.

    The SDK's names all start with `temporal_` and ours with `talentsync_`, so the merged page has
    no clashing families. If the SDK page cannot be read, its series are missing from that scrape
    and `talentsync_temporal_sdk_scrape_ok` says 0.
    """

    def __init__(self, url: str, timeout_s: float = 2.0) -> None:
        self._url = url
        self._timeout_s = timeout_s

    def describe(self) -> Iterator[Metric]:
        # Registering asks for the names; without this it would read the SDK page (not up yet) to learn them.
        yield self._ok()

    @staticmethod
    def _ok() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "talentsync_temporal_sdk_scrape_ok", "1 if the Temporal SDK's metrics were read on this scrape."
        )

    def collect(self) -> Iterator[Metric]:
        ok = self._ok()
        try:
            with urllib.request.urlopen(self._url, timeout=self._timeout_s) as resp:  # noqa: S310 - our own loopback URL
                text = resp.read().decode()
            families = list(text_string_to_metric_families(text))
        except Exception as err:
            log.warning("could not read the Temporal SDK metrics at %s: %s", self._url, err)
            ok.add_metric([], 0)
            yield ok
            return
        ok.add_metric([], 1)
        yield ok
        yield from families


def serve_metrics(
    host: str, port: int, collectors: Iterable[Collector] = (), registry: CollectorRegistry = REGISTRY
) -> Callable[[], None]:
    """Serve ``registry`` (plus ``collectors``) at http://host:port/metrics in a daemon thread.

    Raises OSError when the port is taken. Returns a function that stops the server.
    """
    added = []
    for c in collectors:
        registry.register(c)
        added.append(c)
    try:
        server, thread = start_http_server(port, addr=host, registry=registry)
    except OSError:
        for c in added:
            registry.unregister(c)
        raise

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        for c in added:
            registry.unregister(c)

    return stop
