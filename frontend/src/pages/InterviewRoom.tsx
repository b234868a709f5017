import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Keyboard, Mic } from 'lucide-react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, api, errorMessage } from '../api/client';
import type { AnswerResult, AudioAnswerResult, EventMessage, Question, SessionCreated, SessionState } from '../api/types';
import { Alert, ConfirmDialog, ErrorAlert, LoadingBlock, ProgressBar, Spinner } from '../components/ui';
import { FinishStep, rememberReveal, storedReveal } from '../interview/FinishStep';
import { QuestionCard, type RoomQuestion } from '../interview/QuestionCard';
import { RevealPanel } from '../interview/RevealPanel';
import { loadPrefs } from '../interview/roomPrefs';
import { useSessionEvents } from '../interview/useSessionEvents';
import { VoiceRecorder } from '../interview/VoiceRecorder';
import { wordCount } from '../lib/format';

type Busy = null | 'submitting' | 'skipping' | 'ending' | 'again';
type Mode = 'text' | 'voice';

const POLL_MS = 2000;
const MODE_KEY = 'talentsync.answerMode';

function draftKey(sessionId: string, questionId: string) {
  return `talentsync.draft.${sessionId}.${questionId}`;
}

function isQuestion(x: unknown): x is Question {
  return !!x && typeof x === 'object' && 'id' in x && 'text' in x;
}

export function InterviewRoom() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const seed = (location.state ?? null) as { created?: SessionCreated; maxQuestions?: number } | null;

  const [session, setSession] = useState<SessionState | null>(null);
  const [question, setQuestion] = useState<RoomQuestion | null>(seed?.created?.question ?? null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [voiceBusy, setVoiceBusy] = useState(false);
  const [liveNote, setLiveNote] = useState<string | null>(null);
  const [transcribeProgress, setTranscribeProgress] = useState<number | null>(null);
  const [draft, setDraft] = useState('');
  const [mode, setMode] = useState<Mode>(() => (localStorage.getItem(MODE_KEY) === 'voice' ? 'voice' : 'text'));
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [lastTranscript, setLastTranscript] = useState<string | null>(null);
  const [prefs] = useState(loadPrefs);
  /** The question just answered: its model answer can be revealed, and it can be answered again. */
  const [reveal, setReveal] = useState<{ id: string; text: string } | null>(null);
  const [reasking, setReasking] = useState(false);
  /** Every question is done; the session waits for "Finish" (see FinishStep). */
  const [finishing, setFinishing] = useState(false);
  const [partialText, setPartialText] = useState<string | null>(null);
  const recordingRef = useRef<string | null>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const busyRef = useRef<Busy>(null);
  busyRef.current = busy;
  const answerId = useId();

  const goToReport = useCallback(() => navigate(`/sessions/${id}/report`, { replace: true }), [id, navigate]);

  const applyState = useCallback(
    (s: SessionState) => {
      setSession(s);
      if (s.status !== 'active') {
        goToReport();
        return;
      }
      // Never swap the question under someone mid-submit: the POST's answer is authoritative then.
      // The workflow says whether the current question is one asked again (e.g. after a reload).
      if (!busyRef.current && typeof (s as { reasking?: boolean }).reasking === 'boolean')
        setReasking(!!(s as { reasking?: boolean }).reasking);
      if (!busyRef.current) setFinishing(!!s.awaiting_finish);
      if (!busyRef.current && s.awaiting_finish) setReveal((prev) => prev ?? storedReveal(id));
      if (!busyRef.current)
        setQuestion((prev: RoomQuestion | null) =>
          s.question && prev?.id === s.question.id && (prev.attempt ?? 1) === ((s.question as RoomQuestion).attempt ?? 1) ? prev : s.question,
        );
    },
    [goToReport, id],
  );

  useEffect(() => rememberReveal(id, reveal), [id, reveal]);

  const refresh = useCallback(async () => {
    try {
      const s = await api.get<SessionState>(`/api/sessions/${encodeURIComponent(id)}`);
      setLoadError(null);
      applyState(s);
    } catch (err) {
      setLoadError(err);
    }
  }, [id, applyState]);

  useEffect(() => {
    document.title = 'Interview · TalentSync';
    void refresh();
  }, [refresh]);

  const onEvent = useCallback(
    (msg: EventMessage) => {
      const data = msg.data as Record<string, unknown> | null;
      switch (msg.type) {
        case 'question': {
          const q = isQuestion(data) ? data : isQuestion(data?.question) ? (data.question as Question) : null;
          if (q && !busyRef.current) setQuestion(q);
          void refresh();
          break;
        }
        case 'transcribing': {
          const progress = typeof data?.progress === 'number' ? data.progress : null;
          setTranscribeProgress(progress);
          setLiveNote('Transcribing your answer…');
          break;
        }
        case 'transcript_partial': {
          // Drafts of an earlier recording (a re-record) must not overwrite the current one.
          if (data?.recording_id === recordingRef.current && typeof data?.text === 'string') setPartialText(data.text);
          break;
        }
        case 'transcript': {
          const text = typeof data?.text === 'string' ? data.text : null;
          if (text) setLastTranscript(text);
          setLiveNote(null);
          break;
        }
        case 'report_ready':
          goToReport();
          break;
        // 'scoring' reports one answer scored in the background while the interview goes on.
        case 'status': {
          const status = typeof data === 'string' ? data : typeof data?.status === 'string' ? data.status : null;
          if (status && status !== 'active') goToReport();
          break;
        }
        default:
          break;
      }
    },
    [refresh, goToReport],
  );

  const eventsMode = useSessionEvents(id, onEvent, !!session && session.status === 'active');

  // Fallback when the socket is down: poll the live state.
  useEffect(() => {
    if (eventsMode !== 'polling' || !session || session.status !== 'active') return;
    const t = setInterval(() => {
      if (!busyRef.current) void refresh();
    }, POLL_MS);
    return () => clearInterval(t);
  }, [eventsMode, session, refresh]);

  // Restore the draft for this question (typed answers survive a reload).
  useEffect(() => {
    if (!question) return;
    setDraft(sessionStorage.getItem(draftKey(id, question.id)) ?? '');
    setActionError(null);
    setPartialText(null);
    // Each question (and each new attempt) starts at the room's top: "Question N of M" and "End
    // interview" must not sit under the sticky header, as they did when focus scrolled the page on
    // a phone or the candidate had scrolled down to the model answer.
    window.scrollTo({ top: 0 });
    headingRef.current?.focus({ preventScroll: true });
  }, [id, question?.id, question?.attempt]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!question) return;
    if (draft) sessionStorage.setItem(draftKey(id, question.id), draft);
    else sessionStorage.removeItem(draftKey(id, question.id));
  }, [draft, id, question]);

  useEffect(() => {
    localStorage.setItem(MODE_KEY, mode);
  }, [mode]);

  function advance(result: AnswerResult, answeredDelta: number) {
    if (question) sessionStorage.removeItem(draftKey(id, question.id));
    setReasking(false);
    // After an accepted answer (not a skip) the model answer for that question can be revealed.
    setReveal(answeredDelta > 0 && question ? { id: question.id, text: question.text } : null);
    const waitsForFinish = !result.question && result.status === 'active';
    if (!waitsForFinish && (!result.question || (result.status && result.status !== 'active'))) {
      goToReport();
      return;
    }
    setFinishing(waitsForFinish);
    setQuestion(result.question);
    setSession((s) =>
      s
        ? {
            ...s,
            status: result.status ?? s.status,
            question: result.question,
            // A re-answer is a new attempt, not another question answered or asked.
            answered: s.answered + (reasking ? 0 : answeredDelta),
            asked: s.asked + (reasking ? 0 : 1),
          }
        : s,
    );
  }

  async function handleConflict(err: ApiError) {
    setNotice(`${errorMessage(err)} — we've loaded the current question.`);
    await refresh();
  }

  async function submitText() {
    if (!question || busy || !draft.trim()) return;
    setBusy('submitting');
    setActionError(null);
    setNotice(null);
    setLastTranscript(null);
    try {
      const result = await api.post<AnswerResult>(`/api/sessions/${encodeURIComponent(id)}/answers`, {
        question_id: question.id,
        text: draft.trim(),
        attempt: question.attempt ?? 1,
      });
      advance(result, 1);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) await handleConflict(err);
      else setActionError(err);
    } finally {
      setBusy(null);
    }
  }

  async function skip() {
    if (!question || busy) return;
    setBusy('skipping');
    setActionError(null);
    setNotice(null);
    try {
      const result = await api.post<Partial<AnswerResult> | null>(`/api/sessions/${encodeURIComponent(id)}/skip`, {
        question_id: question.id,
      });
      if (result && 'question' in result) advance({ status: result.status ?? 'active', question: result.question ?? null }, 0);
      else await refresh();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) await handleConflict(err);
      else setActionError(err);
    } finally {
      setBusy(null);
    }
  }

  async function answerAgain(questionId: string) {
    if (busy) return;
    setBusy('again');
    setActionError(null);
    setNotice(null);
    try {
      const result = await api.post<AnswerResult>(
        `/api/sessions/${encodeURIComponent(id)}/questions/${encodeURIComponent(questionId)}/answer-again`,
      );
      setReveal(null);
      setLastTranscript(null);
      setReasking(true);
      setFinishing(false);
      if (result.question) setQuestion(result.question);
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  }

  async function endEarly() {
    setBusy('ending');
    setActionError(null);
    try {
      await api.post(`/api/sessions/${encodeURIComponent(id)}/end`);
      goToReport();
    } catch (err) {
      setActionError(err);
      setConfirmEnd(false);
      setBusy(null);
    }
  }

  function onVoiceSendStart() {
    // A resend starts from nothing: progress left over from the failed try would be a lie.
    setTranscribeProgress(null);
    setActionError(null);
    setNotice(null);
    setLastTranscript(null);
    setReveal(null);
  }

  function onVoiceSent(result: AudioAnswerResult) {
    const text = result.transcript?.text?.trim();
    setLastTranscript(text ? text : '(No speech was recognised in that recording.)');
    setLiveNote(null);
    setTranscribeProgress(null);
    advance(result, 1);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submitText();
    }
  }

  if (loadError && !session) {
    const notFound = loadError instanceof ApiError && (loadError.status === 404 || loadError.status === 403);
    return (
      <div className="page narrow">
        <ErrorAlert error={loadError} onRetry={notFound ? undefined : () => void refresh()} title="Could not open this interview" />
        <Link to="/" className="btn btn-secondary">
          Back to dashboard
        </Link>
      </div>
    );
  }
  if (!session && !question) return <LoadingBlock label="Opening your interview…" />;

  const maxQ = session?.max_questions ?? seed?.maxQuestions ?? 0;
  const answered = session?.answered ?? 0;
  const qNumber = question ? question.index + 1 : answered + 1;
  const words = wordCount(draft);
  const thinking = busy === 'submitting';

  return (
    <div className="page room">
      <div className="room-top">
        <div>
          <p className="eyebrow">{session?.module.name ?? 'Interview'}</p>
          <h1 className="room-title">
            {question ? (
              <>
                Question {qNumber}
                {maxQ ? <span className="muted"> of {maxQ}</span> : null}
              </>
            ) : finishing ? (
              'All questions answered'
            ) : (
              'Preparing your question…'
            )}
          </h1>
        </div>
        <div className="room-top-right">
          <span className={`live-dot live-${eventsMode}`} title={eventsMode === 'live' ? 'Live updates connected' : 'Checking for updates every 2 s'}>
            {eventsMode === 'live' ? 'Live' : eventsMode === 'polling' ? 'Auto-refresh' : 'Connecting…'}
          </span>
          {!finishing && (
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setConfirmEnd(true)} disabled={!!busy}>
              End interview
            </button>
          )}
        </div>
      </div>

      {maxQ > 0 && (
        <div className="room-progress">
          <ProgressBar value={Math.min(1, answered / maxQ)} label={`${answered} of ${maxQ} questions answered`} />
          <span className="small muted" data-testid="progress-text">
            {answered} of {maxQ} answered
          </span>
        </div>
      )}

      {notice && (
        <Alert kind="warning" onDismiss={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      {loadError !== null && session && (
        <Alert kind="warning">Connection trouble: {errorMessage(loadError)}. Retrying…</Alert>
      )}

      {lastTranscript && !thinking && (
        <div className="card transcript-card" data-testid="transcript" aria-live="polite">
          <div className="transcript-head">
            <span className="badge badge-neutral">Previous answer · transcript</span>
            <button type="button" className="icon-btn" onClick={() => setLastTranscript(null)} aria-label="Hide transcript">
              ×
            </button>
          </div>
          <p className="transcript-text">“{lastTranscript}”</p>
        </div>
      )}

      {/* Above the model answer, so Finish stays in view however long that answer is. */}
      {finishing && !question && (
        <FinishStep answered={answered} total={maxQ} busy={busy === 'ending'} error={actionError} onFinish={() => void endEarly()} withReveal={!!reveal} />
      )}

      {reveal && !thinking && (
        <RevealPanel
          sessionId={id}
          questionId={reveal.id}
          questionText={reveal.text}
          againBusy={busy === 'again'}
          onAnswerAgain={() => void answerAgain(reveal.id)}
          onDismiss={() => setReveal(null)}
        />
      )}

      {!finishing && (
        <QuestionCard
          ref={headingRef}
          question={question}
          thinking={thinking}
          note={liveNote}
          timerMinutes={prefs.timerMinutes}
          autoRead={prefs.autoRead}
          paused={!!busy}
        />
      )}

      {question && (
        <section className="card answer-card" aria-label="Your answer">
          <div className="tabs" role="tablist" aria-label="Answer with">
            <button
              type="button"
              role="tab"
              aria-selected={mode === 'text'}
              className={`tab ${mode === 'text' ? 'active' : ''}`}
              onClick={() => setMode('text')}
              disabled={voiceBusy}
            >
              <Keyboard size={16} aria-hidden="true" /> Type
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={mode === 'voice'}
              className={`tab ${mode === 'voice' ? 'active' : ''}`}
              onClick={() => setMode('voice')}
              disabled={!!busy}
            >
              <Mic size={16} aria-hidden="true" /> Speak
            </button>
          </div>

          <ErrorAlert error={actionError} />

          {mode === 'text' ? (
            <div className="text-answer">
              <label htmlFor={answerId} className="sr-only">
                Your answer
              </label>
              <textarea
                id={answerId}
                ref={textareaRef}
                className="answer-box"
                placeholder="Type your answer. Aim for a clear structure: situation, what you did, and the result."
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                onKeyDown={onKeyDown}
                disabled={thinking}
                rows={8}
                data-testid="answer-input"
              />
              <div className="answer-foot">
                <span className={`small ${words > 0 && words < 40 ? 'warn-text' : 'muted'}`} aria-live="polite" data-testid="word-count">
                  {words} {words === 1 ? 'word' : 'words'}
                  {words > 0 && words < 40 ? ' · a bit short — most strong answers run 120–300 words' : ''}
                </span>
                <div className="button-row">
                  <button type="button" className="btn btn-ghost" onClick={skip} disabled={!!busy}>
                    {busy === 'skipping' ? <Spinner size="sm" label="Skipping…" /> : null}
                    {reasking ? 'Keep my earlier answer' : 'Skip'}
                  </button>
                  <button type="button" className="btn btn-primary" onClick={submitText} disabled={!!busy || !draft.trim()}>
                    {busy === 'submitting' && <Spinner size="sm" label="Submitting…" />}
                    Submit answer <kbd className="kbd">Ctrl ↵</kbd>
                  </button>
                </div>
              </div>
            </div>
          ) : (
            <div className="voice-answer">
              <VoiceRecorder
                sessionId={id}
                questionId={question.id}
                attempt={question.attempt ?? 1}
                disabled={!!busy}
                onSent={onVoiceSent}
                onConflict={(err) => void handleConflict(err)}
                onBusyChange={setVoiceBusy}
                onSendStart={onVoiceSendStart}
                transcribeProgress={transcribeProgress}
                partialText={partialText}
                onRecordingChange={(rid) => {
                  recordingRef.current = rid;
                  setPartialText(null);
                }}
              />
              <div className="answer-foot">
                <span className="muted small">Recordings are transcribed and analysed for pace, filler words and pauses.</span>
                <button type="button" className="btn btn-ghost" onClick={skip} disabled={!!busy || voiceBusy}>
                  {reasking ? 'Keep my earlier answer' : 'Skip'}
                </button>
              </div>
            </div>
          )}
        </section>
      )}

      <details className="tips">
        <summary>Tips for a strong answer</summary>
        <ul>
          <li>
            <strong>Structure:</strong> situation → task → what <em>you</em> did → result (STAR).
          </li>
          <li>
            <strong>Be specific:</strong> numbers, names of tools, the size of the team or system.
          </li>
          <li>
            <strong>Cover the essentials:</strong> the report shows which key points you hit and missed.
          </li>
        </ul>
      </details>

      <ConfirmDialog
        open={confirmEnd}
        title="End the interview now?"
        confirmLabel="End and get my report"
        danger
        busy={busy === 'ending'}
        onConfirm={endEarly}
        onCancel={() => setConfirmEnd(false)}
      >
        <p>
          You have answered {answered} question{answered === 1 ? '' : 's'}. Your answers so far will be scored; unanswered questions are left out.
        </p>
      </ConfirmDialog>
    </div>
  );
}
