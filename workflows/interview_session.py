"""InterviewSessionWorkflow: one long-running workflow per interview session (`session-<uuid>`).

It owns the question queue and the session's state. The API opens it with update-with-start (the
first question comes back in the same call), sends `answer`/`skip` Updates that return the next
question, `end`/`retry_scoring` signals, and reads `get_state`. All I/O happens in activities,
referred to by name so this module never imports database, HTTP or ML code.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError

from workflows.finish_step import holds_for_finish, wait_timeout
from workflows.ranking import rank_for_focus, rank_for_job

with workflow.unsafe.imports_passed_through():
    from talentsync.contracts import (
        AnswerAgainInput,
        AnswerInput,
        AnswerResult,
        AskedQuestion,
        EndInput,
        FinalizeSessionInput,
        FinalizeSessionResult,
        FindFollowUpInput,
        FindFollowUpResult,
        MarkAskedInput,
        MarkSkippedInput,
        OpenSessionInput,
        QueuedQuestion,
        RecordResponseInput,
        RecordResponseResult,
        RetryScoringInput,
        ScoreAnswerInput,
        ScoreAnswerResult,
        SeedSessionInput,
        SeedSessionResult,
        SessionStartInput,
        SessionState,
        SessionStatus,
        SetStatusInput,
        SkipInput,
        TranscribeInput,
        TranscribeResult,
        TranscriptOut,
        WriteFeedbackInput,
    )

INTERVIEW_STATUS = SearchAttributeKey.for_keyword("InterviewStatus")

# Error types the API maps to HTTP statuses.
ERR_NOT_CURRENT = "NotCurrentQuestion"  # 409
ERR_NOT_ACTIVE = "SessionNotActive"  # 409
ERR_INVALID_ANSWER = "InvalidAnswer"  # 422
ERR_NO_SPEECH = "NoSpeechDetected"  # 422
ERR_CANNOT_REASK = "CannotAnswerAgain"  # 409

# Bounds on "answer again", so one session's history and scoring work stay small.
MAX_ATTEMPTS_PER_QUESTION = 5
MAX_REASKS_PER_SESSION = 20

LIGHT = timedelta(seconds=15)
LIGHT_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_attempts=10)

# When a worker dies mid-activity (kill -9, OOM, a lost machine), Temporal hands the activity to
# another worker only once its start-to-close or heartbeat timeout runs out; until then the answer,
# score or report waits. So short activities get a start-to-close a few times their worst
# measured run, and long or blocking ones (Whisper, an LLM writer) heartbeat from a background
# thread (activities/heartbeat.py) and get a short heartbeat timeout instead.
SEED_TIMEOUT = timedelta(seconds=20)
# score_answer: p99 2-4 s, max 4.3 s at 50-100 concurrent sessions on 2 cores (bench/interview.py).
SCORE_TIMEOUT = timedelta(seconds=10)
FINALIZE_TIMEOUT = timedelta(seconds=15)
# write_feedback: the offline writer takes milliseconds; an LLM one up to 3 x 60 s (client timeout
# and retries in talentsync/providers.py), kept alive by heartbeats.
FEEDBACK_TIMEOUT = timedelta(minutes=4)
TRANSCRIBE_TIMEOUT = timedelta(minutes=10)
HEARTBEAT_TIMEOUT = timedelta(seconds=10)
SCORING_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=20),
    maximum_attempts=5,
)


@workflow.defn
class InterviewSessionWorkflow:
    @workflow.init
    def __init__(self, inp: SessionStartInput) -> None:
        self._inp = inp
        self._status: SessionStatus = "active"
        self._seeded = False
        self._queue: list[QueuedQuestion] = []
        self._current_q: QueuedQuestion | None = None
        self._current: AskedQuestion | None = None
        self._asked = 0
        self._answered = 0
        self._skipped = 0
        self._followups_per_parent: dict[str, int] = {}
        self._said: dict[str, str] = {}  # core question id -> what the candidate said on it, for follow-ups
        self._used_templates: list[int] = []
        self._end_requested: EndInput | None = None
        self._retry_requested = False
        self._activity_tick = 0
        self._queue_done = False
        self._lock = asyncio.Lock()
        self._responses: list[str] = []
        self._scored: dict[str, float] = {}
        self._score_tasks: dict[str, asyncio.Task[None]] = {}
        self._scoring_errors: list[str] = []
        # "Answer again": every question asked so far, attempts recorded per question, and the
        # question a re-ask displaced (asked again once the re-ask is answered or skipped).
        self._asked_questions: dict[str, tuple[QueuedQuestion, AskedQuestion]] = {}
        self._attempts: dict[str, int] = {}
        self._skipped_ids: list[str] = []
        self._reasking = False
        self._interrupted: tuple[QueuedQuestion | None, AskedQuestion | None] = (None, None)
        self._reasks = 0
        self._awaiting_finish = False  # the queue is done; waiting for "Finish" (finish_step.py)

    # ------------------------------------------------------------------ main loop

    @workflow.run
    async def run(self, inp: SessionStartInput) -> SessionState:
        preferred: list[int] = []
        # Only sessions started with a job description take this path; histories without one (all
        # recorded before it existed) replay the same commands as before.
        if inp.job_description and workflow.patched("rank-questions-for-job"):
            preferred = await rank_for_job(inp)
        elif inp.focus_points and workflow.patched("rank-questions-for-focus"):
            # A "practise this" session: questions that exercise the candidate's weak points.
            preferred = await rank_for_focus(inp)
        seed = await workflow.execute_activity(
            "seed_session",
            SeedSessionInput(
                session_id=inp.session_id,
                module_id=inp.module_id,
                resume_id=inp.resume_id,
                max_questions=inp.max_questions,
                preferred_question_ids=preferred,
            ),
            result_type=SeedSessionResult,
            task_queue=inp.queues.interview,
            start_to_close_timeout=SEED_TIMEOUT,
            retry_policy=LIGHT_RETRY,
        )
        self._queue = list(seed.questions)
        await self._advance()
        self._seeded = True

        end_reason = "candidate"
        while not (self._end_requested or self._queue_done):
            tick, awaiting = self._activity_tick, self._awaiting_finish
            try:
                # The condition is awaited within this iteration, so reading the current `tick` is intended.
                await workflow.wait_condition(
                    lambda: (
                        bool(self._end_requested)
                        or self._queue_done
                        or self._activity_tick != tick  # noqa: B023
                        or self._awaiting_finish != awaiting  # noqa: B023
                    ),
                    timeout=wait_timeout(inp, awaiting),
                )
            except TimeoutError:
                # Walking away from the finish step still completes an interview whose questions are all done.
                end_reason = "candidate" if awaiting else "idle"
                break
        if self._end_requested:
            end_reason = self._end_requested.reason
        # Let an answer that is being processed finish before the session closes.
        await workflow.wait_condition(lambda: not self._lock.locked())
        self._current, self._current_q = None, None
        self._awaiting_finish = False
        return await self._finish(end_reason)

    async def _finish(self, end_reason: str) -> SessionState:
        if not self._responses:
            await self._set_status("abandoned" if end_reason == "idle" else "ended")
            return self.get_state()
        final: SessionStatus = "abandoned" if end_reason == "idle" else "completed"
        await self._set_status("scoring")
        while True:
            await workflow.wait_condition(lambda: all(t.done() for t in self._score_tasks.values()))
            failed = [r for r in self._responses if r not in self._scored]
            if not failed:
                try:
                    await workflow.execute_activity(
                        "finalize_session",
                        FinalizeSessionInput(session_id=self._inp.session_id),
                        result_type=FinalizeSessionResult,
                        task_queue=self._inp.queues.ml,
                        start_to_close_timeout=FINALIZE_TIMEOUT,
                        retry_policy=SCORING_RETRY,
                    )
                    await workflow.execute_activity(
                        "write_feedback",
                        WriteFeedbackInput(session_id=self._inp.session_id),
                        task_queue=self._inp.queues.feedback,
                        start_to_close_timeout=FEEDBACK_TIMEOUT,
                        heartbeat_timeout=HEARTBEAT_TIMEOUT,
                        retry_policy=SCORING_RETRY,
                    )
                    await self._set_status(final)
                    return self.get_state()
                except ActivityError as err:
                    self._scoring_errors.append(f"report: {_cause(err)}")
            # Park: answers are safe in PostgreSQL; staff send retry_scoring once the cause is fixed.
            # Clear the flag before writing the status: staff can see `scoring_failed` (and signal)
            # while that local activity is still running, and such a signal must not be lost.
            self._retry_requested = False
            await self._set_status("scoring_failed", detail="; ".join(self._scoring_errors[-3:]))
            await workflow.wait_condition(lambda: self._retry_requested)
            self._scoring_errors.clear()
            await self._set_status("scoring")
            for response_id in self._responses:
                if response_id not in self._scored:
                    self._start_scoring(response_id)

    # ------------------------------------------------------------------ updates

    @workflow.update
    async def open(self, inp: OpenSessionInput) -> AnswerResult:
        await workflow.wait_condition(lambda: self._seeded)
        return AnswerResult(status=self._status, question=self._current)

    @workflow.update
    async def answer(self, inp: AnswerInput) -> AnswerResult:
        async with self._lock:
            question = self._require_current(inp.question_id, inp.attempt)
            self._activity_tick += 1
            reasking = self._reasking
            attempt = self._attempts.get(question.id, 0) + 1
            text = (inp.text or "").strip()
            transcript: TranscriptOut | None = None
            transcript_data: dict | None = None
            source = "text"
            if inp.audio_key:
                source = "audio"
                tr = await workflow.execute_activity(
                    "transcribe_audio",
                    TranscribeInput(session_id=self._inp.session_id, audio_key=inp.audio_key),
                    result_type=TranscribeResult,
                    task_queue=self._inp.queues.transcription,
                    start_to_close_timeout=TRANSCRIBE_TIMEOUT,
                    heartbeat_timeout=HEARTBEAT_TIMEOUT,
                    retry_policy=RetryPolicy(maximum_attempts=3, non_retryable_error_types=["AudioError"]),
                )
                if tr.no_speech or not tr.text.strip():
                    raise ApplicationError(
                        "No speech detected in the recording. Check your microphone and try again, or type "
                        "your answer.",
                        type=ERR_NO_SPEECH,
                    )
                text = tr.text.strip()
                transcript = TranscriptOut(text=text, no_speech=False, duration_s=tr.duration_s, engine=tr.engine)
                transcript_data = tr.model_dump()
            record = workflow.execute_local_activity(
                "record_response",
                RecordResponseInput(
                    session_id=self._inp.session_id,
                    session_question_id=question.id,
                    text=text,
                    source=source,
                    audio_key=inp.audio_key,
                    transcript=transcript_data,
                    attempt=attempt,
                ),
                result_type=RecordResponseResult,
                start_to_close_timeout=LIGHT,
                retry_policy=LIGHT_RETRY,
            )
            follow_up_for = None if reasking else self._follow_up_parent(question, text)
            follow_up = None
            if follow_up_for is not None:
                first = follow_up_for is question
                # After a thin follow-up answer, the next follow-up is ranked on all that was said on the
                # question (the few words just said match nothing), and any of the question's remaining
                # follow-ups will do: each was written for it, and a thin answer leaves every angle open.
                said = text if first else f"{self._said.get(follow_up_for.id, '')} {text}".strip()
                floor = self._inp.followup_min_similarity if first else 0.0
                follow_up = self._find_follow_up(follow_up_for, said, floor)
                self._said[follow_up_for.id] = said
            recorded = await record
            self._responses.append(recorded.response_id)
            if attempt == 1:
                self._answered += 1
            if question.id in self._skipped_ids:  # a skipped question answered on a re-ask
                self._skipped_ids.remove(question.id)
                self._skipped -= 1
            self._attempts[question.id] = attempt
            # Scoring runs in the background so the next question is not held back. While a follow-up is
            # being looked for, it waits: both embed the answer at once otherwise, on the same cores, and
            # the candidate waits for the follow-up, not for the score.
            score_later = follow_up is not None and workflow.patched("score-after-follow-up")
            if not score_later:
                self._start_scoring(recorded.response_id)
            if follow_up is not None and follow_up_for is not None:
                found = await follow_up
                if score_later:
                    self._start_scoring(recorded.response_id)
                if found is not None and found.question is not None:
                    self._queue.insert(0, found.question)
                    parent_id = follow_up_for.id
                    self._followups_per_parent[parent_id] = self._followups_per_parent.get(parent_id, 0) + 1
                    if found.template_id is not None:
                        self._used_templates.append(found.template_id)
            if reasking:
                await self._resume_interrupted()
            else:
                await self._advance()
            return AnswerResult(
                status=self._status,
                question=self._current,
                response_id=recorded.response_id,
                transcript=transcript,
            )

    @answer.validator
    def _validate_answer(self, inp: AnswerInput) -> None:
        self._validate_current(inp.question_id, inp.attempt)
        if inp.audio_key:
            return
        text = (inp.text or "").strip()
        if not text:
            raise ApplicationError("The answer is empty.", type=ERR_INVALID_ANSWER)
        if len(text) > self._inp.max_answer_chars:
            raise ApplicationError(
                f"The answer is {len(text)} characters; the limit is {self._inp.max_answer_chars}.",
                type=ERR_INVALID_ANSWER,
            )

    @workflow.update
    async def skip(self, inp: SkipInput) -> AnswerResult:
        async with self._lock:
            question = self._require_current(inp.question_id)
            self._activity_tick += 1
            if self._reasking:
                # Skipping a question asked again keeps its earlier attempt: back to where we were.
                await self._resume_interrupted()
                return AnswerResult(status=self._status, question=self._current)
            await workflow.execute_local_activity(
                "mark_skipped",
                MarkSkippedInput(session_id=self._inp.session_id, session_question_id=question.id),
                start_to_close_timeout=LIGHT,
                retry_policy=LIGHT_RETRY,
            )
            self._skipped += 1
            self._skipped_ids.append(question.id)
            await self._advance()
            return AnswerResult(status=self._status, question=self._current)

    @skip.validator
    def _validate_skip(self, inp: SkipInput) -> None:
        self._validate_current(inp.question_id)

    @workflow.update
    async def answer_again(self, inp: AnswerAgainInput) -> AnswerResult:
        """Ask an earlier question (answered or skipped) again; its next answer is a new attempt."""
        async with self._lock:
            # Re-checked under the lock: an answer may have moved the session on meanwhile.
            self._validate_answer_again(inp)
            if self._reasking and self._current is not None and self._current.id == inp.question_id:
                return AnswerResult(status=self._status, question=self._current)  # a retried request
            # Marks histories that contain re-asks; sessions without one replay as before.
            workflow.patched("answer-again")
            self._activity_tick += 1
            self._reasks += 1
            self._awaiting_finish = False
            queued, asked = self._asked_questions[inp.question_id]
            if not self._reasking:
                self._interrupted = (self._current_q, self._current)
            self._reasking = True
            again = asked.model_copy(update={"attempt": self._attempts.get(inp.question_id, 0) + 1})
            self._current_q, self._current = queued, again
            return AnswerResult(status=self._status, question=self._current)

    @answer_again.validator
    def _validate_answer_again(self, inp: AnswerAgainInput) -> None:
        if self._status != "active" or self._end_requested is not None or not self._seeded:
            raise ApplicationError(f"The session is {self._status}; it takes no more answers.", type=ERR_NOT_ACTIVE)
        if self._reasking and self._current is not None and self._current.id == inp.question_id:
            return
        if inp.question_id not in self._asked_questions:
            raise ApplicationError("That question was not asked in this session.", type=ERR_CANNOT_REASK)
        done = self._attempts.get(inp.question_id, 0)
        if done == 0 and inp.question_id not in self._skipped_ids:
            raise ApplicationError("Answer that question first; then you can answer it again.", type=ERR_CANNOT_REASK)
        if done >= MAX_ATTEMPTS_PER_QUESTION:
            raise ApplicationError(
                f"That question has been answered {done} times; that is the limit.", type=ERR_CANNOT_REASK
            )
        if self._reasks >= MAX_REASKS_PER_SESSION:
            raise ApplicationError(
                f"Questions can be answered again {MAX_REASKS_PER_SESSION} times per interview.",
                type=ERR_CANNOT_REASK,
            )

    # ------------------------------------------------------------------ signals and query

    @workflow.signal
    def end(self, inp: EndInput) -> None:
        if self._end_requested is None:  # signals can't be rejected; the first one wins
            self._end_requested = inp

    @workflow.signal
    def retry_scoring(self, inp: RetryScoringInput) -> None:
        if self._status == "scoring_failed":
            self._retry_requested = True

    @workflow.query
    def get_state(self) -> SessionState:
        return SessionState(
            session_id=self._inp.session_id,
            status=self._status,
            question=self._current,
            asked=self._asked,
            answered=self._answered,
            skipped=self._skipped,
            max_questions=self._inp.max_questions,
            scored=len(self._scored),
            scoring_errors=list(self._scoring_errors),
            answered_question_ids=[q for q, n in self._attempts.items() if n > 0],
            skipped_question_ids=list(self._skipped_ids),
            reasking=self._reasking,
            awaiting_finish=self._awaiting_finish,
        )

    # ------------------------------------------------------------------ helpers

    def _validate_current(self, question_id: str, attempt: int | None = None) -> None:
        if self._status != "active" or self._end_requested is not None:
            raise ApplicationError(f"The session is {self._status}; it takes no more answers.", type=ERR_NOT_ACTIVE)
        if not self._seeded or self._current is None or self._current.id != question_id:
            raise ApplicationError("That question is not the current one.", type=ERR_NOT_CURRENT)
        if attempt is not None and attempt != self._current.attempt:
            raise ApplicationError("That attempt at the question is not the current one.", type=ERR_NOT_CURRENT)

    def _require_current(self, question_id: str, attempt: int | None = None) -> QueuedQuestion:
        # Re-checked under the lock: two updates can pass their validators before either runs.
        self._validate_current(question_id, attempt)
        assert self._current_q is not None
        return self._current_q

    def _follow_up_parent(self, question: QueuedQuestion, text: str) -> QueuedQuestion | None:
        """The core question to look for a follow-up to after this answer, or None to move on."""
        limit = self._inp.max_followups_per_question
        if limit < 1 or self._asked >= self._inp.max_questions:
            return None
        if question.kind == "core":
            if question.bank_question_id is None or self._followups_per_parent.get(question.id, 0) >= limit:
                return None
            return question
        # A thin answer to a follow-up earns one more follow-up on the same question, as an interviewer
        # would keep probing. Histories from before this existed never asked a second one.
        if question.kind != "follow_up" or question.parent_id is None:
            return None
        if len(text.split()) >= self._inp.followup_thin_words or not workflow.patched("second-follow-up-when-thin"):
            return None
        parent = self._asked_questions.get(question.parent_id, (None, None))[0]
        if parent is None or parent.bank_question_id is None or self._followups_per_parent.get(parent.id, 0) > limit:
            return None
        return parent

    def _find_follow_up(
        self, question: QueuedQuestion, text: str, min_similarity: float
    ) -> asyncio.Task[FindFollowUpResult | None]:
        # Histories recorded before the retrieval queue existed scheduled this on `ml`.
        queue = self._inp.queues.retrieval if workflow.patched("follow-ups-on-retrieval-queue") else self._inp.queues.ml

        async def find() -> FindFollowUpResult | None:
            try:
                return await workflow.execute_activity(
                    "find_follow_up",
                    FindFollowUpInput(
                        session_id=self._inp.session_id,
                        parent=question,
                        answer_text=text,
                        domain=self._inp.domain,
                        exclude_template_ids=list(self._used_templates),
                        min_similarity=min_similarity,
                    ),
                    result_type=FindFollowUpResult,
                    task_queue=queue,
                    # Bounded end to end: with no retrieval worker, or one far behind, the interview moves
                    # on without a follow-up instead of holding the candidate's answer.
                    schedule_to_close_timeout=timedelta(seconds=8),
                    start_to_close_timeout=timedelta(seconds=5),
                    retry_policy=RetryPolicy(maximum_attempts=3),
                )
            except ActivityError:
                # A follow-up is a bonus: if retrieval is down, the interview moves on.
                workflow.logger.warning("follow-up retrieval failed; moving on")
                return None

        return asyncio.create_task(find())

    def _start_scoring(self, response_id: str) -> None:
        async def score() -> None:
            try:
                result = await workflow.execute_activity(
                    "score_answer",
                    ScoreAnswerInput(session_id=self._inp.session_id, response_id=response_id),
                    result_type=ScoreAnswerResult,
                    task_queue=self._inp.queues.ml,
                    start_to_close_timeout=SCORE_TIMEOUT,
                    retry_policy=SCORING_RETRY,
                )
                self._scored[response_id] = result.overall
            except ActivityError as err:
                self._scoring_errors.append(f"answer {response_id[:8]}: {_cause(err)}")

        self._score_tasks[response_id] = asyncio.create_task(score())

    async def _advance(self) -> None:
        if self._end_requested is not None or self._asked >= self._inp.max_questions or not self._queue:
            self._current, self._current_q = None, None
            if self._seeded and holds_for_finish(self._inp, self._end_requested is not None):
                self._awaiting_finish = True
                return
            self._queue_done = True
            if self._seeded or self._asked:
                self._status = "scoring" if self._responses else "ended"
            return
        nxt = self._queue.pop(0)
        asked = AskedQuestion(id=nxt.id, text=nxt.text, kind=nxt.kind, index=self._asked)
        self._asked += 1
        self._current_q, self._current = nxt, asked
        self._asked_questions[nxt.id] = (nxt, asked)
        await workflow.execute_local_activity(
            "mark_asked",
            MarkAskedInput(session_id=self._inp.session_id, question=asked),
            start_to_close_timeout=LIGHT,
            retry_policy=LIGHT_RETRY,
        )

    async def _resume_interrupted(self) -> None:
        """After a re-ask: the question it displaced is current again (announced again, not re-counted)."""
        self._reasking = False
        queued, asked = self._interrupted
        self._interrupted = (None, None)
        if queued is None or asked is None:
            await self._advance()
            return
        self._current_q, self._current = queued, asked
        await workflow.execute_local_activity(
            "mark_asked",
            MarkAskedInput(session_id=self._inp.session_id, question=asked),
            start_to_close_timeout=LIGHT,
            retry_policy=LIGHT_RETRY,
        )

    async def _set_status(self, status: SessionStatus, detail: str | None = None) -> None:
        self._status = status
        workflow.upsert_search_attributes([INTERVIEW_STATUS.value_set(status)])
        await workflow.execute_local_activity(
            "set_session_status",
            SetStatusInput(session_id=self._inp.session_id, status=status, detail=detail),
            start_to_close_timeout=LIGHT,
            retry_policy=LIGHT_RETRY,
        )


def _cause(err: BaseException) -> str:
    while err.__cause__ is not None:
        err = err.__cause__
    return str(err)[:300]
