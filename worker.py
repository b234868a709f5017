"""Temporal worker: builds clients once and serves the chosen task queues.

python worker.py                       # every queue (the embedded default)
python worker.py --queues ml,feedback  # scale a role by running more processes like this
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import redis
from temporalio.worker import Worker

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
            shared[key] = MLActivities(
                factory,
                providers.build_embedder(settings, dedicated=dedicated),
                providers.build_vector_store(settings, engine),
                providers.build_refiner(settings),
                events,
            )
        return shared[key]

    for role in queues:
        queue = settings.task_queue(role)
        if role == QUEUE_INTERVIEW:
            from activities.session import SessionActivities
            from workflows.interview_session import InterviewSessionWorkflow
            from workflows.question_sync import QuestionSyncWorkflow
            from workflows.resume_parse import ResumeParseWorkflow

            session = SessionActivities(factory, events)
            workers.append(
                make(
                    queue,
                    [
                        session.seed_session,
                        session.record_response,
                        session.mark_asked,
                        session.mark_skipped,
                        session.set_session_status,
                    ],
                    workflows=[InterviewSessionWorkflow, ResumeParseWorkflow, QuestionSyncWorkflow],
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
            workers.append(make(queue, [ml_activities(interactive=True).find_follow_up], concurrency=8))
        elif role == QUEUE_TRANSCRIPTION:
            from activities.transcription import TranscriptionActivities

            stt = TranscriptionActivities(
                providers.build_speech_engine(settings), media, events, settings.max_audio_seconds
            )
            # Whisper saturates the CPU; one or two at a time per process is the useful maximum.
            workers.append(make(queue, [stt.transcribe_audio], concurrency=2))
        elif role == QUEUE_FEEDBACK:
            from activities.feedback import FeedbackActivities

            fb = FeedbackActivities(factory, providers.build_feedback_writer(settings))
            workers.append(make(queue, [fb.write_feedback]))
        else:
            raise SystemExit(f"unknown queue {role!r}; choose from {', '.join(ALL_QUEUES)}")
    return workers


async def run(queues: list[str]) -> None:
    from workflows.client import connect_temporal

    settings = get_settings()
    configure_logging(settings.log_level)
    # Hostile PDFs make pypdf log pages of warnings; the parse result already says what was wrong.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    client = await connect_temporal(settings.temporal_address, settings.temporal_namespace)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=24) as executor:
        workers = build_workers(client, settings, queues, executor)
        log.info("worker ready on queues: %s", ", ".join(settings.task_queue(q) for q in queues))
        # Graceful shutdown hands in-flight tasks back quickly instead of waiting for the sticky timeout.
        async with contextlib_async_exit(workers):
            await stop.wait()
        log.info("worker stopped")


class contextlib_async_exit:
    def __init__(self, workers: list[Worker]) -> None:
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> None:
        self._tasks = [asyncio.create_task(w.run()) for w in self._workers]

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(w.shutdown() for w in self._workers), return_exceptions=True)
        await asyncio.gather(*self._tasks, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queues", default=",".join(ALL_QUEUES), help="comma-separated task queue roles")
    args = parser.parse_args()
    queues = [q.strip() for q in args.queues.split(",") if q.strip()]
    asyncio.run(run(queues))


if __name__ == "__main__":
    main()
