"""Storage hygiene on the real stack: the retention sweep (workflow + activities + schedule), and
rejected uploads that leave no file behind."""

from __future__ import annotations

import asyncio
import io
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from temporalio.client import ScheduleActionStartWorkflow, ScheduleIntervalSpec
from temporalio.worker import Worker

from activities.retention import RetentionActivities
from api.main import create_app
from talentsync.db.engine import make_engine, make_session_factory
from talentsync.db.models import InterviewSession, Module, Response, Resume, SessionQuestion, User
from talentsync.media import MediaStore
from talentsync.retention import (
    RetentionInput,
    RetentionPolicy,
    RetentionResult,
    media_keys_of_user,
    purge_expired_audio,
    purge_expired_resumes,
)
from tests.conftest import register
from workflows.client import connect_temporal
from workflows.retention import RetentionWorkflow
from workflows.schedules import ensure_retention_schedule, retention_schedule_id

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
DAY = timedelta(days=1)


def _age(path: Path, hours: float) -> None:
    t = time.time() - hours * 3600
    os.utime(path, (t, t))


class World:
    """One candidate's rows and files, some past their retention, plus files no row refers to."""

    def __init__(self, stack, media: MediaStore) -> None:  # type: ignore[no-untyped-def]
        self.engine = make_engine(stack.database_url, pool_size=2)
        self.factory = make_session_factory(self.engine)
        self.media = media
        self.keys: dict[str, str] = {}
        with self.factory() as db, db.begin():
            user = User(email=f"ret-{uuid.uuid4().hex[:8]}@example.com", full_name="R", password_hash="x")
            db.add(user)
            db.flush()
            self.user_id = user.id
            module = db.scalars(select(Module).limit(1)).one()
            sess = InterviewSession(
                user_id=user.id,
                module_id=module.id,
                workflow_id=f"session-{uuid.uuid4()}",
                status="completed",
                max_questions=2,
            )
            db.add(sess)
            db.flush()
            for name, age in (("old_audio", 31 * DAY), ("new_audio", 2 * DAY)):
                key = self._file("audio", "webm")
                sq = SessionQuestion(
                    id=uuid.uuid4(), session_id=sess.id, kind="core", percentile_key="q:x", text="Q?", category="b"
                )
                db.add(sq)
                db.flush()
                db.add(
                    Response(
                        id=uuid.uuid4(),
                        session_id=sess.id,
                        session_question_id=sq.id,
                        text=f"the {name} answer",
                        source="audio",
                        audio_key=key,
                        transcript={"text": f"the {name} answer", "words": []},
                        created_at=NOW - age,
                    )
                )
                self.keys[name] = key
            for name, age, status in (
                ("old_resume", 400 * DAY, "parsed"),
                ("new_resume", 10 * DAY, "parsed"),
                ("failed_resume", timedelta(minutes=5), "failed"),
                ("processing_resume", timedelta(minutes=1), "processing"),
            ):
                key = self._file("resume", "pdf")
                db.add(
                    Resume(
                        id=uuid.uuid4(),
                        user_id=user.id,
                        filename=f"{name}.pdf",
                        kind="pdf",
                        size_bytes=10,
                        storage_key=key,
                        status=status,
                        parsed={"skills": ["Go"]} if status == "parsed" else None,
                        created_at=NOW - age,
                    )
                )
                self.keys[name] = key
        # Files no row refers to: an old one (its row was deleted), a young one (an upload whose
        # answer may still arrive) and a partial write a crash left behind.
        self.keys["old_orphan"] = self._file("audio", "ogg", hours_old=30)
        self.keys["young_orphan"] = self._file("resume", "txt", hours_old=2)
        self.part = media.path(media.new_key("audio", "webm")).with_suffix(".webm.part")
        self.part.write_bytes(b"half")
        _age(self.part, 30)

    def _file(self, kind: str, ext: str, hours_old: float = 0) -> str:
        key = self.media.new_key(kind, ext)
        path = self.media.write(key, b"bytes of " + key.encode())
        if hours_old:
            _age(path, hours_old)
        return key

    def stored(self, name: str) -> bool:
        return self.media.exists(self.keys[name])

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture
def world(stack, tmp_path):  # type: ignore[no-untyped-def]
    w = World(stack, MediaStore(tmp_path / "media"))
    yield w
    w.close()


async def _run_sweep(stack, world: World, policy: RetentionPolicy):  # type: ignore[no-untyped-def]
    client = await connect_temporal(stack.temporal_address)
    queue = f"retention-{uuid.uuid4().hex[:8]}"
    acts = RetentionActivities(world.factory, world.media, policy)
    with ThreadPoolExecutor(4) as pool:
        async with Worker(
            client,
            task_queue=queue,
            workflows=[RetentionWorkflow],
            activities=[acts.purge_expired_audio, acts.purge_expired_resumes, acts.purge_orphan_media],
            activity_executor=pool,
        ):
            return await client.execute_workflow(
                RetentionWorkflow.run, RetentionInput(), id=f"retention-test-{uuid.uuid4()}", task_queue=queue
            )


async def test_sweep_deletes_what_is_due_keeps_the_rest_and_is_idempotent(stack, world: World) -> None:
    first = await _run_sweep(stack, world, RetentionPolicy(audio_days=30, resume_days=365, orphan_grace_hours=24))
    assert first.audio.files_deleted >= 1 and first.audio.rows_cleared >= 1
    assert first.resumes.files_deleted >= 2  # the expired one and the one whose parse failed
    assert first.orphans.files_deleted >= 2  # the old orphan and the partial write

    assert not world.stored("old_audio") and world.stored("new_audio")
    assert not world.stored("old_resume") and not world.stored("failed_resume")
    assert world.stored("new_resume") and world.stored("processing_resume")
    assert not world.stored("old_orphan") and world.stored("young_orphan") and not world.part.exists()
    with world.factory() as db:
        responses = {
            r.text: r
            for r in db.scalars(
                select(Response).join(InterviewSession).where(InterviewSession.user_id == world.user_id)
            )
        }
        old, new = responses["the old_audio answer"], responses["the new_audio answer"]
        # The recording goes; what was said stays.
        assert old.audio_key is None and old.transcript["text"] == "the old_audio answer" and old.source == "audio"
        assert new.audio_key == world.keys["new_audio"]
        resumes = {r.filename: r for r in db.scalars(select(Resume).where(Resume.user_id == world.user_id))}
        assert resumes["old_resume.pdf"].storage_key == "" and resumes["old_resume.pdf"].parsed == {"skills": ["Go"]}
        assert resumes["failed_resume.pdf"].storage_key == ""
        assert resumes["new_resume.pdf"].storage_key == world.keys["new_resume"]
        assert resumes["processing_resume.pdf"].storage_key == world.keys["processing_resume"]

    again = await _run_sweep(stack, world, RetentionPolicy(audio_days=30, resume_days=365, orphan_grace_hours=24))
    assert again.audio.files_deleted == again.audio.rows_cleared == 0
    assert again.resumes.files_deleted == 0 and again.orphans.files_deleted == 0
    assert world.stored("new_audio") and world.stored("new_resume") and world.stored("young_orphan")


def test_zero_days_keeps_files_forever(world: World) -> None:
    audio = purge_expired_audio(world.factory, world.media, 0)
    assert audio.kept_forever and audio.files_deleted == 0 and world.stored("old_audio")
    resumes = purge_expired_resumes(world.factory, world.media, 0)
    # Kept however old, except a file whose parse failed: nothing can ever use it.
    assert resumes.kept_forever and world.stored("old_resume") and not world.stored("failed_resume")


def test_a_sweep_cut_off_between_file_and_row_finishes_next_time(world: World) -> None:
    # The file is gone but the key still points at it (the worker died before its transaction).
    world.media.discard(world.keys["old_audio"])
    result = purge_expired_audio(world.factory, world.media, 30)
    assert result.rows_cleared >= 1
    with world.factory() as db:
        keys = set(db.scalars(media_keys_of_user(world.user_id)))
    assert world.keys["old_audio"] not in keys and world.keys["new_audio"] in keys


def test_media_keys_of_user_lists_every_file_an_account_owns(world: World) -> None:
    with world.factory() as db:
        keys = set(db.scalars(media_keys_of_user(world.user_id)))
    assert keys == {
        world.keys[k]
        for k in ("old_audio", "new_audio", "old_resume", "new_resume", "failed_resume", "processing_resume")
    }
    # What an account deletion does with them (after its commit): every file gone, twice is fine.
    assert world.media.discard_many(keys) == 6
    assert world.media.discard_many([*keys, None, ""]) == 0


async def test_schedule_is_created_once_kept_current_and_starts_the_sweep(stack, world: World) -> None:
    settings = stack.settings(task_queue_prefix=f"sched{uuid.uuid4().hex[:6]}-", retention_interval_minutes=60)
    client = await connect_temporal(stack.temporal_address)
    schedule_id = await ensure_retention_schedule(client, settings)
    assert schedule_id == retention_schedule_id(settings) and schedule_id.endswith("talentsync-retention")
    handle = client.get_schedule_handle(schedule_id)
    try:
        await handle.pause(note="paused by an operator")
        # A second worker start (or a restart) neither fails nor un-pauses it, and applies new settings.
        await ensure_retention_schedule(client, settings.model_copy(update={"retention_interval_minutes": 30}))
        desc = await handle.describe()
        assert desc.schedule.state.paused and desc.schedule.state.note == "paused by an operator"
        assert desc.schedule.spec.intervals == [ScheduleIntervalSpec(every=timedelta(minutes=30))]
        action = desc.schedule.action
        assert isinstance(action, ScheduleActionStartWorkflow)
        assert action.workflow == "RetentionWorkflow" and action.task_queue == settings.task_queue("interview")

        await handle.unpause()
        acts = RetentionActivities(world.factory, world.media, RetentionPolicy())
        with ThreadPoolExecutor(4) as pool:
            async with Worker(
                client,
                task_queue=settings.task_queue("interview"),
                workflows=[RetentionWorkflow],
                activities=[acts.purge_expired_audio, acts.purge_expired_resumes, acts.purge_orphan_media],
                activity_executor=pool,
            ):
                await handle.trigger()
                deadline = time.monotonic() + 30
                while not (desc := await handle.describe()).info.recent_actions:
                    assert time.monotonic() < deadline, "the schedule did not start a sweep"
                    await asyncio.sleep(0.2)
                started = desc.info.recent_actions[0].action
                result = await client.get_workflow_handle(started.workflow_id, result_type=RetentionResult).result()
        assert result.audio.rows_cleared >= 1 and not world.stored("old_audio")
    finally:
        await handle.delete()


def _silence_wav() -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=16000, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 16000 * 2), dtype=np.int16), format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_rejected_uploads_leave_no_file(stack, worker) -> None:  # type: ignore[no-untyped-def]
    settings = stack.settings(max_audio_bytes=200_000, max_resume_bytes=100_000)
    with TestClient(create_app(settings), raise_server_exceptions=False) as api:
        headers = register(api)
        module = api.get("/api/modules", headers=headers).json()[0]
        start = api.post("/api/sessions", json={"module_id": module["id"], "max_questions": 2}, headers=headers)
        sid, q = start.json()["id"], start.json()["question"]
        before = _files(settings.media_dir)

        def resume(data: bytes, name: str) -> int:
            return api.post(
                "/api/resumes", files={"file": (name, data, "application/octet-stream")}, headers=headers
            ).status_code

        def audio(data: bytes, question_id: str, name: str = "a.wav") -> int:
            return api.post(
                f"/api/sessions/{sid}/answers/audio",
                data={"question_id": question_id},
                files={"file": (name, data, "application/octet-stream")},
                headers=headers,
            ).status_code

        silence = _silence_wav()
        outcomes = {
            "empty resume": resume(b"", "cv.txt"),
            "png as resume": resume(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "cv.pdf"),
            "corrupt pdf": resume(b"%PDF-1.7\n1 0 obj<<>>garbage\n%%EOF", "cv.pdf"),
            "oversized resume": resume(b"a" * 100_001, "cv.txt"),
            "empty recording": audio(b"", q["id"]),
            "text as recording": audio(b"not audio, just text\n" * 20, q["id"], "a.webm"),
            "oversized recording": audio(b"RIFF" + b"\0" * 200_000, q["id"]),
            "not the current question": audio(silence, str(uuid.uuid4())),
            "silence": audio(silence, q["id"]),  # written, transcribed, refused (no speech), removed
        }
        assert outcomes == {
            "empty resume": 422,
            "png as resume": 415,
            "corrupt pdf": 422,
            "oversized resume": 413,
            "empty recording": 422,
            "text as recording": 415,
            "oversized recording": 413,
            "not the current question": 409,
            "silence": 422,
        }
        assert _files(settings.media_dir) == before
        # A refused resume is listed as failed so the candidate sees why, but holds no bytes.
        with make_engine(stack.database_url, pool_size=1).connect() as conn:
            keys = (
                conn.execute(
                    select(Resume.storage_key)
                    .join(User, User.id == Resume.user_id)
                    .where(User.email == api.get("/api/users/me", headers=headers).json()["email"])
                )
                .scalars()
                .all()
            )
        assert keys and set(keys) == {""}
        ok = api.post(f"/api/sessions/{sid}/answers", json={"question_id": q["id"], "text": "Typed."}, headers=headers)
        assert ok.status_code == 200


async def test_the_worker_sets_up_the_schedule_at_start(stack, worker) -> None:  # type: ignore[no-untyped-def]
    client = await connect_temporal(stack.temporal_address)
    desc = await client.get_schedule_handle("talentsync-retention").describe()
    assert desc.schedule.spec.intervals == [ScheduleIntervalSpec(every=timedelta(minutes=60))]
    assert "schedule talentsync-retention is set" in worker.log.read_text()
