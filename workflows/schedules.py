"""Temporal Schedules the product relies on, created (or brought up to date) by the worker at start.

A Schedule lives in the Temporal server, not in any worker: however many workers start, there is
one `talentsync-retention` schedule, its runs are visible in the Web UI (Schedules), and a run that
is due while no worker is up waits for one instead of being lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from talentsync.config import Settings
from talentsync.retention import RetentionInput
from workflows.retention import RetentionWorkflow

log = logging.getLogger(__name__)

RETENTION_SCHEDULE_ID = "talentsync-retention"


def retention_schedule_id(settings: Settings) -> str:
    return f"{settings.task_queue_prefix}{RETENTION_SCHEDULE_ID}"


def retention_schedule(settings: Settings) -> Schedule:
    every = timedelta(minutes=settings.retention_interval_minutes)
    return Schedule(
        action=ScheduleActionStartWorkflow(
            RetentionWorkflow.run,
            RetentionInput(),
            id=f"{settings.task_queue_prefix}retention",  # the server appends the run's time
            task_queue=settings.task_queue("interview"),
            execution_timeout=every,
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        # One sweep at a time; after an outage, one catch-up run rather than a run per missed hour.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=every),
    )


async def ensure_retention_schedule(client: Client, settings: Settings) -> str:
    """Create the retention schedule, or update an existing one to the current settings; its id."""
    schedule_id = retention_schedule_id(settings)
    desired = retention_schedule(settings)
    try:
        await client.create_schedule(schedule_id, desired)
        log.info("created schedule %s (every %d min)", schedule_id, settings.retention_interval_minutes)
    except ScheduleAlreadyRunningError:

        def to_desired(current: ScheduleUpdateInput) -> ScheduleUpdate:
            # Keep what an operator chose in the Web UI (paused, with a note); change the rest.
            desired.state = current.description.schedule.state
            return ScheduleUpdate(schedule=desired)

        await client.get_schedule_handle(schedule_id).update(to_desired)
    return schedule_id
