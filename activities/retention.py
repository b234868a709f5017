"""Storage hygiene on the `interview` queue: file deletions and small row updates, no models.

Thin: the policy comes from the worker's settings and the work from talentsync/retention.py. Each
activity heartbeats per batch, so a sweep over a large backlog is handed to another worker quickly
if this one dies, and starts where the last one stopped (cleared keys are not selected again).
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from talentsync import retention
from talentsync.media import MediaStore
from talentsync.retention import PurgeResult, RetentionInput, RetentionPolicy


class RetentionActivities:
    def __init__(self, factory: sessionmaker[Session], media: MediaStore, policy: RetentionPolicy) -> None:
        self._factory = factory
        self._media = media
        self._policy = policy

    @activity.defn(name="purge_expired_audio")
    def purge_expired_audio(self, inp: RetentionInput) -> PurgeResult:
        return retention.purge_expired_audio(
            self._factory, self._media, self._policy.audio_days, on_batch=activity.heartbeat
        )

    @activity.defn(name="purge_expired_resumes")
    def purge_expired_resumes(self, inp: RetentionInput) -> PurgeResult:
        return retention.purge_expired_resumes(
            self._factory, self._media, self._policy.resume_days, on_batch=activity.heartbeat
        )

    @activity.defn(name="purge_orphan_media")
    def purge_orphan_media(self, inp: RetentionInput) -> PurgeResult:
        return retention.purge_orphan_media(
            self._factory, self._media, self._policy.orphan_grace_hours, on_batch=activity.heartbeat
        )
