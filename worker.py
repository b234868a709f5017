"""Temporal worker: builds clients once and serves the chosen task queues.

python worker.py                       # every queue (the embedded default)
python worker.py --queues ml,feedback  # scale a role by running more processes like this
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import redis
from temporalio.worker import Worker

from activities.observability import ObservabilityInterceptor, start_worker_telemetry
from talentsync.config import Settings, configure_logging, get_settings
from talentsync.contracts import (
    ALL_QUEUES,
    QUEUE_FEEDBACK,
    QUEUE_INTERVIEW,
    QUEUE_ML,
    QUEUE_RETRIEVAL,
    QUEUE_TRANSCRIPTION,
)
from talentsync.db.engine import make_engine, make_session_factory
from talentsync.events import EventPublisher
from talentsync.media import MediaStore

if TYPE_CHECKING:
    from activities.ml import MLActivities

log = logging.getLogger("talentsync.worker")
# Roles nobody waits on interactively: scoring, resume parsing, reports (see background_worker_nice).
BACKGROUND_QUEUES = frozenset({QUEUE_ML, QUEUE_FEEDBACK})


def build_workers(client: Any, settings: Settings, queues: list[str], executor: ThreadPoolExecutor) -> list[Worker]:
    """One Temporal worker per role. Each role imports and loads only what it uses (the interview
    role never loads an ML model or spaCy), and a model is loaded once and warmed before "worker
    ready", so the first answer does not pay for it."""
    from talentsync import providers

    engine = make_engine(settings.database_url, pool_size=8)
    factory = make_session_factory(engine)
    events = EventPublisher(redis.Redis.from_url(settings.redis_url))
    media = MediaStore(settings.media_dir)
    workers = []

    def make(queue: str, activities: list[Any], workflows: list[type] | None = None, concurrency: int = 16) -> Worker:
        return Worker(
            client,
            task_queue=queue,
            workflows=workflows or [],
            activities=activities,
            activity_executor=executor,
            max_concurrent_activities=concurrency,
            interceptors=[ObservabilityInterceptor()],  # log context + metrics for every activity
        )

    shared: dict[str, MLActivities] = {}

    def ml_activities(interactive: bool = False) -> MLActivities:
        from activities.ml import MLActivities

        # The ONNX model is one session that every thread runs at once, so retrieval and scoring
        # share it. With the torch backend, follow-up retrieval (an answer waits for it) gets its
        # own copy so it never queues on the model lock behind background scoring.
        dedicated = interactive and settings.embedder == "torch"
        key = "dedicated" if dedicated else "shared"
        if key not in shared:
            from talentsync.scoring.reference_store import scoring_embedder

            # Question-side vectors persist in PostgreSQL: a restarted worker scores at full speed.
            embedder = scoring_embedder(
                providers.build_embedder(settings, dedicated=dedicated),
                factory,
                background_warm=QUEUE_ML in queues,
            )
            shared[key] = MLActivities(
                factory,
                embedder,
                providers.build_vector_store(settings, engine),
                providers.build_refiner(settings),
                events,
                min_population=settings.percentile_min_population,
            )
        return shared[key]

    for role in queues:
        queue = settings.task_queue(role)
        if role == QUEUE_INTERVIEW:
            from activities.session import SessionActivities
            from workflows.interview_session import InterviewSessionWorkflow
            from workflows.partial_transcript import PartialTranscriptWorkflow
            from workflows.question_sync import QuestionSyncWorkflow
            from workflows.resume_parse import ResumeParseWorkflow
            from workflows.retention import RetentionWorkflow

            session = SessionActivities(factory, events)
            sweep = retention_activities(settings, factory, media)
            workers.append(
                make(
                    queue,
                    [
                        session.seed_session,
                        session.record_response,
                        session.mark_asked,
                        session.mark_skipped,
                        session.set_session_status,
                        sweep.purge_expired_audio,
                        sweep.purge_expired_resumes,
                        sweep.purge_orphan_media,
                    ],
                    workflows=[
                        InterviewSessionWorkflow,
                        ResumeParseWorkflow,
                        QuestionSyncWorkflow,
                        RetentionWorkflow,
                        PartialTranscriptWorkflow,
                    ],
                )
            )
        elif role == QUEUE_ML:
            from activities.resume import ResumeActivities
            from workflows.score_preview import ScorePreviewWorkflow

            ml = ml_activities()
            resume = ResumeActivities(factory, media)
            # Few slots: scoring is CPU-bound and the machine has few cores; more would only queue.
            # find_follow_up stays registered here for sessions started before the retrieval queue.
            workers.append(
                make(
                    queue,
                    [
                        ml.score_answer,
                        ml.finalize_session,
                        ml.sync_question_vectors,
                        resume.parse_resume,
                        ml.find_follow_up,
                        ml.preview_score,
                    ],
                    # A staff score preview runs here, next to the model, as a local activity.
                    workflows=[ScorePreviewWorkflow],
                    concurrency=3,
                )
            )
        elif role == QUEUE_RETRIEVAL:
            from activities.job_match import JobMatchActivities
            from activities.weak_points import WeakPointActivities

            ranking_embedder = providers.build_embedder(settings, dedicated=True)
            ranking_store = providers.build_vector_store(settings, engine)
            job_match = JobMatchActivities(factory, ranking_embedder, ranking_store)
            weak_points = WeakPointActivities(factory, ranking_embedder, ranking_store)
            workers.append(
                make(
                    queue,
                    [
                        ml_activities(interactive=True).find_follow_up,
                        job_match.rank_questions_for_job,
                        weak_points.rank_questions_for_focus,
                    ],
                    concurrency=8,
                )
            )
        elif role == QUEUE_TRANSCRIPTION:
            from activities.partial_transcription import PartialTranscriptionActivities
            from activities.transcription import TranscriptionActivities
            from talentsync.speech.partial import ChunkStore, draft_engine

            stt = TranscriptionActivities(
                providers.build_speech_engine(settings), media, events, settings.max_audio_seconds
            )
            # Live drafts always use local Whisper's first pass: cheap, and no cloud call per second.
            drafts = PartialTranscriptionActivities(
                draft_engine(settings.whisper_model_path), ChunkStore(media.root), events, settings.max_audio_seconds
            )
            # Whisper saturates the CPU; one or two at a time per process is the useful maximum.
            workers.append(
                make(
                    queue,
                    [stt.transcribe_audio, drafts.transcribe_partial, drafts.drop_partial_audio],
                    concurrency=2,
                )
            )
        elif role == QUEUE_FEEDBACK:
            from activities.feedback import FeedbackActivities

            fb = FeedbackActivities(factory, providers.build_feedback_writer(settings))
            workers.append(make(queue, [fb.write_feedback]))
        else:
            raise SystemExit(f"unknown queue {role!r}; choose from {', '.join(ALL_QUEUES)}")
    return workers


def retention_activities(settings: Settings, factory: Any, media: MediaStore) -> Any:
    from activities.retention import RetentionActivities
    from talentsync.retention import RetentionPolicy

    policy = RetentionPolicy(
        audio_days=settings.audio_retention_days,
        resume_days=settings.resume_retention_days,
        orphan_grace_hours=settings.media_orphan_grace_hours,
    )
    return RetentionActivities(factory, media, policy)


async def ensure_schedules(client: Any, settings: Settings) -> None:
    """The storage-hygiene schedule lives in Temporal; any worker serving `interview` keeps it current.
    A failure is logged, not fatal: the next worker start tries again, and interviews need no sweep."""
    from workflows.schedules import ensure_retention_schedule

    try:
        schedule_id = await ensure_retention_schedule(client, settings)
        log.info("schedule %s is set", schedule_id)
    except Exception:
        log.warning("could not create or update the retention schedule", exc_info=True)


def lower_priority_if_background(queues: list[str], increment: int) -> int:
    """Lower this process's CPU priority when it serves only background roles; returns the new niceness."""
    if increment and set(queues) <= BACKGROUND_QUEUES:
        niceness = os.nice(increment)
        log.info("background roles only (%s): CPU priority lowered to nice %d", ", ".join(queues), niceness)
        return niceness
    return os.nice(0)


async def run(queues: list[str], max_unreachable_s: float) -> int:
    """Serve ``queues`` until SIGINT/SIGTERM (exit code 0) or until a worker fails (exit code 1)."""
    from workflows.client import connect_temporal

    settings = get_settings()
    configure_logging(settings.log_level, settings.resolved_log_format)
    lower_priority_if_background(queues, settings.background_worker_nice)
    # Hostile PDFs make pypdf log pages of warnings; the parse result already says what was wrong.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    # Sessions by status come from the process that writes them (the interview role).
    telemetry = start_worker_telemetry(settings, count_sessions=QUEUE_INTERVIEW in queues)
    client = await connect_temporal(settings.temporal_address, settings.temporal_namespace, runtime=telemetry.runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    executor = ThreadPoolExecutor(max_workers=24)
    failure: BaseException | None = None
    try:
        workers = build_workers(client, settings, queues, executor)
        if QUEUE_INTERVIEW in queues:
            await ensure_schedules(client, settings)
        log.info("worker ready on queues: %s", ", ".join(settings.task_queue(q) for q in queues))
        failure = await serve(workers, stop, watch_server(client, max_unreachable_s))
    finally:
        # After a failure, do not wait for activities still running in threads: their heartbeats
        # stop with this process and Temporal gives them to the restarted worker.
        executor.shutdown(wait=failure is None, cancel_futures=failure is not None)
        telemetry.stop()
    if failure is not None:
        log.error("a worker failed; exiting so the supervisor restarts this process", exc_info=failure)
        return 1
    log.info("worker stopped")
    return 0


class WorkerStopped(RuntimeError):
    """A Temporal worker (its pollers) ended while the process was not asked to stop."""


async def serve(workers: list[Worker], stop: asyncio.Event, watchdog: Awaitable[None]) -> BaseException | None:
    """Run every worker until ``stop`` is set or any worker or the watchdog ends; then stop them all.

    A poller that dies must take the process with it: a process that stays up with one role not
    polling looks healthy to its supervisor and never gets restarted. Returns what failed, or
    None after a requested stop. Shutdown is graceful either way, so in-flight workflow tasks go
    back to the server at once instead of waiting out the sticky-queue timeout.
    """
    runs = {asyncio.create_task(w.run(), name=f"worker {w.task_queue}"): w for w in workers}
    stopped = asyncio.create_task(stop.wait(), name="stop requested")
    watch = asyncio.ensure_future(watchdog)
    done, _ = await asyncio.wait([*runs, stopped, watch], return_when=asyncio.FIRST_COMPLETED)
    failure: BaseException | None = None
    for task in done:
        if task is stopped:
            continue
        error = task.exception()
        failure = failure or error or WorkerStopped(f"{task.get_name()} stopped without being asked to")
        log.error("%s ended: %s", task.get_name() if task in runs else "server watchdog", error or "no error")
    stopped.cancel()
    watch.cancel()
    # Bounded: a blocking activity (Whisper, an LLM call) cannot be interrupted in its thread.
    shutdown = asyncio.gather(*(w.shutdown() for w in workers), return_exceptions=True)
    try:
        await asyncio.wait_for(shutdown, timeout=SHUTDOWN_GRACE_S if failure else None)
        await asyncio.gather(*runs, return_exceptions=True)
    except TimeoutError:
        log.warning("workers did not shut down within %.0f s; exiting anyway", SHUTDOWN_GRACE_S)
    await asyncio.gather(watch, return_exceptions=True)
    return failure


SHUTDOWN_GRACE_S = 10.0


async def watch_server(client: Any, max_unreachable_s: float, every_s: float = 5.0) -> None:
    """Return once the Temporal server has not answered a health check for ``max_unreachable_s``.

    The SDK retries failed polls forever, so a worker cut off from its server (a restarted
    server with a new address, a network partition) never fails by itself; it just stops
    working. Exiting lets the supervisor, systemd or Kubernetes restart and reconnect it.
    """
    if max_unreachable_s <= 0:
        await asyncio.Event().wait()  # watching is off: wait until cancelled
    loop = asyncio.get_running_loop()
    last_ok = loop.time()
    while True:
        await asyncio.sleep(every_s)
        try:
            if await client.service_client.check_health(timeout=timedelta(seconds=every_s)):
                last_ok = loop.time()
                continue
            reason = "not serving"
        except Exception as err:
            reason = str(err) or type(err).__name__
        away = loop.time() - last_ok
        log.warning("Temporal server unreachable for %.0f s: %s", away, reason)
        if away >= max_unreachable_s:
            log.error("Temporal server unreachable for %.0f s; giving up", away)
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queues", default=",".join(ALL_QUEUES), help="comma-separated task queue roles")
    parser.add_argument(
        "--exit-after-unreachable",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="exit with code 1 when the Temporal server has been unreachable this long (default 60; 0: never)",
    )
    args = parser.parse_args()
    queues = [q.strip() for q in args.queues.split(",") if q.strip()]
    code = asyncio.run(run(queues, args.exit_after_unreachable))
    if code:
        # Threads still inside an activity would keep the interpreter alive at exit; the process
        # must end now so its supervisor restarts it.
        logging.shutdown()
        os._exit(code)


if __name__ == "__main__":
    main()
