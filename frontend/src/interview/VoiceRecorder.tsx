import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState } from 'react';
import { ApiError, errorMessage, upload, type UploadHandle } from '../api/client';
import type { AudioAnswerResult } from '../api/types';
import { Alert, ProgressBar, Spinner } from '../components/ui';
import { formatBytes, formatClock } from '../lib/format';
import { startPartialUploads, type PartialUploader } from './livePartials';
import {
  TRANSCRIBE_STALL_MS,
  describeSendFailure,
  focusTarget,
  initialVoiceState,
  voiceReducer,
  watchForStall,
  type FocusTarget,
} from './voiceMachine';

/** Recordings stop by themselves here; a spoken answer longer than this should be trimmed anyway. */
const MAX_SECONDS = 300;
const PREFERRED_MIME = 'audio/webm;codecs=opus';

function pickMime(): string | undefined {
  if (typeof MediaRecorder === 'undefined') return undefined;
  if (MediaRecorder.isTypeSupported(PREFERRED_MIME)) return PREFERRED_MIME;
  if (MediaRecorder.isTypeSupported('audio/webm')) return 'audio/webm';
  if (MediaRecorder.isTypeSupported('audio/ogg;codecs=opus')) return 'audio/ogg;codecs=opus';
  return undefined;
}

function extensionFor(mime: string): string {
  if (mime.includes('ogg')) return 'ogg';
  if (mime.includes('mp4')) return 'm4a';
  return 'webm';
}

export function VoiceRecorder({
  sessionId,
  questionId,
  attempt,
  disabled,
  onSent,
  onConflict,
  onBusyChange,
  onSendStart,
  transcribeProgress,
  partialText,
  onRecordingChange,
}: {
  sessionId: string;
  questionId: string;
  /** 2+ when the question is being answered again; sent with the recording. */
  attempt?: number;
  disabled?: boolean;
  onSent: (result: AudioAnswerResult) => void;
  onConflict: (err: ApiError) => void;
  onBusyChange?: (busy: boolean) => void;
  /** A send (or a resend) of the recording starts. */
  onSendStart?: () => void;
  /** 0..1 from the live `transcribing` events, when the socket is connected. */
  transcribeProgress?: number | null;
  /** The latest draft transcript of the recording in progress (`transcript_partial` events). */
  partialText?: string | null;
  /** The id of the recording whose chunks are being uploaded for drafts, or null. */
  onRecordingChange?: (recordingId: string | null) => void;
}) {
  const [state, dispatch] = useReducer(voiceReducer, initialVoiceState);
  const { phase, take, failure, notice } = state;
  const [elapsed, setElapsed] = useState(0);
  const [level, setLevel] = useState(0);
  const [progress, setProgress] = useState(0);

  const recorderRef = useRef<MediaRecorder | null>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const audioCtxRef = useRef<AudioContext | null>(null);
  const rafRef = useRef<number>(0);
  const tickRef = useRef<ReturnType<typeof setInterval> | undefined>(undefined);
  const startedAtRef = useRef(0);
  const uploadRef = useRef<UploadHandle<AudioAnswerResult> | null>(null);
  const stallRef = useRef<ReturnType<typeof watchForStall> | null>(null);
  const partialsRef = useRef<PartialUploader | null>(null);
  const [draftUnavailable, setDraftUnavailable] = useState(false);
  /** Why the current upload was aborted: the candidate pressed Cancel, or no transcript came in time. */
  const abortReasonRef = useRef<'cancel' | 'stalled' | null>(null);
  const focusRefs = {
    start: useRef<HTMLButtonElement>(null),
    stop: useRef<HTMLButtonElement>(null),
    send: useRef<HTMLButtonElement>(null),
    cancel: useRef<HTMLButtonElement>(null),
    status: useRef<HTMLDivElement>(null),
    waiting: useRef<HTMLParagraphElement>(null),
    resend: useRef<HTMLButtonElement>(null),
    rerecord: useRef<HTMLButtonElement>(null),
  } satisfies Record<Exclude<FocusTarget, null>, unknown>;

  const supported = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia && typeof MediaRecorder !== 'undefined';

  useEffect(() => {
    onBusyChange?.(phase === 'recording' || phase === 'uploading' || phase === 'transcribing' || phase === 'requesting');
  }, [phase, onBusyChange]);

  // Focus follows the recorder: the button just pressed disappears, so move to the next control
  // instead of leaving keyboard and screen-reader users on <body>. A layout effect runs in the
  // same task as the render that removed the button, so there is no moment (visible under load,
  // and to a key pressed in it) when focus sits on <body>.
  const target = focusTarget(state);
  useLayoutEffect(() => {
    if (target) focusRefs[target].current?.focus();
    // focusRefs holds stable refs; only a change of target should move focus.
  }, [target, failure]); // eslint-disable-line react-hooks/exhaustive-deps

  // The object URL lives as long as its take.
  useEffect(() => {
    const url = take?.url;
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [take]);

  // Live progress from the server is a sign of life: it pushes the give-up deadline back.
  useEffect(() => {
    if (typeof transcribeProgress === 'number') stallRef.current?.poke();
  }, [transcribeProgress]);

  const releaseInputs = useCallback(() => {
    cancelAnimationFrame(rafRef.current);
    clearInterval(tickRef.current);
    streamRef.current?.getTracks().forEach((t) => t.stop());
    streamRef.current = null;
    void audioCtxRef.current?.close().catch(() => undefined);
    audioCtxRef.current = null;
    setLevel(0);
  }, []);

  // A new question means a fresh recorder.
  useEffect(() => {
    dispatch({ type: 'reset' });
    setElapsed(0);
    setProgress(0);
  }, [questionId]);

  useEffect(
    () => () => {
      if (recorderRef.current && recorderRef.current.state !== 'inactive') recorderRef.current.stop();
      partialsRef.current?.stop();
      stallRef.current?.stop();
      uploadRef.current?.abort();
      releaseInputs();
    },
    [releaseInputs],
  );

  async function start() {
    // The start button stays focusable while the browser asks for the microphone (a disabled
    // button would drop keyboard focus to <body>), so a second press must do nothing.
    if (phase === 'requesting' || phase === 'recording') return;
    dispatch({ type: 'request' });
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (err) {
      const name = err instanceof DOMException ? err.name : '';
      dispatch({
        type: 'mic-failed',
        message:
          name === 'NotAllowedError'
            ? 'Microphone access was blocked. Allow it in your browser’s site settings, or type your answer instead.'
            : name === 'NotFoundError'
              ? 'No microphone was found. Connect one, or type your answer instead.'
              : `Could not start the microphone: ${errorMessage(err)}`,
      });
      return;
    }
    streamRef.current = stream;

    // Live level meter: RMS of the time-domain signal, smoothed a little for the eye.
    try {
      const ctx = new AudioContext();
      audioCtxRef.current = ctx;
      const source = ctx.createMediaStreamSource(stream);
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      source.connect(analyser);
      const buf = new Uint8Array(analyser.fftSize);
      let smooth = 0;
      const draw = () => {
        analyser.getByteTimeDomainData(buf);
        let sum = 0;
        for (const v of buf) {
          const x = (v - 128) / 128;
          sum += x * x;
        }
        const rms = Math.sqrt(sum / buf.length);
        smooth = Math.max(rms, smooth * 0.85);
        setLevel(Math.min(1, smooth * 3));
        rafRef.current = requestAnimationFrame(draw);
      };
      draw();
    } catch {
      // The meter is a nicety; recording works without it.
    }

    const mime = pickMime();
    const recorder = mime ? new MediaRecorder(stream, { mimeType: mime }) : new MediaRecorder(stream);
    recorderRef.current = recorder;
    const chunks: Blob[] = [];
    partialsRef.current?.stop();
    setDraftUnavailable(false);
    const partials = startPartialUploads(sessionId, () => setDraftUnavailable(true));
    partialsRef.current = partials;
    onRecordingChange?.(partials.recordingId);
    recorder.ondataavailable = (ev) => {
      if (ev.data.size > 0) {
        chunks.push(ev.data);
        partials.push(ev.data);
      }
    };
    recorder.onstop = () => {
      partials.stop();
      releaseInputs();
      const type = recorder.mimeType || mime || 'audio/webm';
      const recorded = new Blob(chunks, { type });
      const seconds = (performance.now() - startedAtRef.current) / 1000;
      if (recorded.size === 0) {
        dispatch({ type: 'empty-recording' });
        return;
      }
      // Replaces (and so releases) the previous take only now that a new one exists.
      dispatch({ type: 'recorded', take: { blob: recorded, url: URL.createObjectURL(recorded), seconds } });
    };
    recorder.start(250);
    startedAtRef.current = performance.now();
    setElapsed(0);
    tickRef.current = setInterval(() => {
      const secs = (performance.now() - startedAtRef.current) / 1000;
      setElapsed(secs);
      if (secs >= MAX_SECONDS && recorder.state === 'recording') recorder.stop();
    }, 200);
    dispatch({ type: 'recording' });
  }

  function stop() {
    // No more drafts once the candidate stops: the final transcript comes from the sent recording,
    // and a draft pass now would only compete with it for the CPU.
    partialsRef.current?.stop();
    const rec = recorderRef.current;
    if (rec && rec.state !== 'inactive') rec.stop();
  }

  function abortUpload(reason: 'cancel' | 'stalled') {
    abortReasonRef.current = reason;
    uploadRef.current?.abort();
  }

  async function send() {
    if (!take) return;
    setProgress(0);
    dispatch({ type: 'send' });
    onSendStart?.();
    abortReasonRef.current = null;
    // The same bytes every time, and the API derives the answer's update id from them (so a double
    // send is recorded once). A resend after a failure also carries its send number: the server
    // would otherwise replay the earlier failure for the same id instead of trying again.
    const form = new FormData();
    form.append('question_id', questionId);
    if (attempt && attempt > 1) form.append('attempt', String(attempt));
    if (state.sends > 0) form.append('send', String(state.sends + 1));
    form.append('file', take.blob, `answer.${extensionFor(take.blob.type)}`);
    const stall = watchForStall(TRANSCRIBE_STALL_MS, () => abortUpload('stalled'));
    stallRef.current = stall;
    const handle = upload<AudioAnswerResult>(`/api/sessions/${encodeURIComponent(sessionId)}/answers/audio`, form, (f) => {
      setProgress(f);
      stall.poke();
      // Once the bytes are up, the server is transcribing and choosing the next question.
      if (f >= 1) dispatch({ type: 'uploaded' });
    });
    uploadRef.current = handle;
    try {
      const { data } = await handle.promise;
      dispatch({ type: 'sent' });
      onSent(data);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') {
        if (abortReasonRef.current === 'stalled') dispatch({ type: 'failed', failure: describeSendFailure('stalled') });
        else dispatch({ type: 'cancelled' });
        return;
      }
      if (err instanceof ApiError && err.status === 409) {
        dispatch({ type: 'cancelled' });
        onConflict(err);
        return;
      }
      dispatch({ type: 'failed', failure: describeSendFailure(err) });
    } finally {
      stall.stop();
      if (stallRef.current === stall) stallRef.current = null;
      if (uploadRef.current === handle) uploadRef.current = null;
    }
  }

  if (!supported) {
    return (
      <Alert kind="warning" title="Voice answers are not available in this browser">
        Your browser does not support recording audio. Please type your answer instead.
      </Alert>
    );
  }

  const reviewing = phase === 'recorded' || phase === 'uploading' || phase === 'transcribing' || phase === 'failed';
  const showStart = phase === 'idle' || (phase === 'requesting' && !take);

  return (
    <div className="voice" data-testid="voice-recorder">
      {notice && (
        <Alert kind="error" onDismiss={() => dispatch({ type: 'dismiss' })}>
          {notice}
        </Alert>
      )}
      {failure && (
        <div data-testid="voice-send-failed">
          <Alert kind="error" title={failure.title}>
            {failure.message}
          </Alert>
        </div>
      )}

      <div className={`voice-stage voice-${phase}`}>
        {showStart && (
          <div className="voice-idle">
            <button
              type="button"
              ref={focusRefs.start}
              className="record-btn"
              onClick={start}
              disabled={disabled}
              aria-disabled={phase === 'requesting' || undefined}
              aria-label="Start recording"
            >
              <span className="record-dot" aria-hidden="true" />
            </button>
            <div>
              <strong>{phase === 'requesting' ? 'Waiting for microphone permission…' : 'Record your answer'}</strong>
              <p className="muted small">Speak naturally; you can listen back and re-record before sending.</p>
            </div>
          </div>
        )}

        {phase === 'requesting' && take && (
          <p className="small" role="status" tabIndex={-1} ref={focusRefs.waiting}>
            Waiting for microphone permission…
          </p>
        )}

        {phase === 'recording' && (
          <div className="voice-recording">
            <div className="rec-indicator">
              <span className="rec-pulse" aria-hidden="true" />
              <span>Recording</span>
              <span className="rec-timer" aria-live="off" data-testid="rec-timer">
                {formatClock(elapsed)}
              </span>
            </div>
            <div className="level-meter" role="meter" aria-label="Microphone level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(level * 100)}>
              {Array.from({ length: 24 }, (_, i) => (
                <span key={i} className={`level-seg ${level * 24 > i ? 'on' : ''} ${i >= 20 ? 'hot' : i >= 15 ? 'warm' : ''}`} />
              ))}
            </div>
            <button type="button" ref={focusRefs.stop} className="btn btn-danger" onClick={stop}>
              <span className="stop-square" aria-hidden="true" /> Stop
            </button>
          </div>
        )}

        {(phase === 'recording' || (reviewing && take)) && (
          <LiveDraft text={partialText ?? null} recording={phase === 'recording'} unavailable={draftUnavailable} />
        )}

        {reviewing && take && (
          <div className="voice-review">
            <div className="voice-review-head">
              <strong>Your recording</strong>
              <span className="muted small">
                {formatClock(take.seconds)} · {formatBytes(take.blob.size)}
              </span>
            </div>
            <audio controls src={take.url} className="voice-audio" aria-label="Play back your recording" />
            {phase === 'recorded' && (
              <div className="button-row">
                <button type="button" className="btn btn-ghost" onClick={start} disabled={disabled}>
                  ↺ Re-record
                </button>
                <button type="button" ref={focusRefs.send} className="btn btn-primary" onClick={send} disabled={disabled}>
                  Send answer
                </button>
              </div>
            )}
            {phase === 'failed' && failure && (
              <div className="button-row">
                <button type="button" ref={focusRefs.rerecord} className="btn btn-ghost" onClick={start} disabled={disabled}>
                  ↺ Record again
                </button>
                {failure.canResend && (
                  <button type="button" ref={focusRefs.resend} className="btn btn-primary" onClick={send} disabled={disabled}>
                    Try sending again
                  </button>
                )}
              </div>
            )}
            {phase === 'uploading' && (
              <div className="voice-progress">
                <span className="small">Uploading…</span>
                <ProgressBar value={progress} label="Upload progress" showValue />
                <button type="button" ref={focusRefs.cancel} className="btn btn-ghost btn-sm" onClick={() => abortUpload('cancel')}>
                  Cancel
                </button>
              </div>
            )}
            {phase === 'transcribing' && (
              <div
                className="voice-progress voice-transcribing"
                data-testid="transcribing"
                ref={focusRefs.status}
                tabIndex={-1}
                role="status"
              >
                <Spinner size="sm" label="Transcribing…" />
                <span>Transcribing… then choosing your next question</span>
                {typeof transcribeProgress === 'number' && transcribeProgress > 0 && (
                  <ProgressBar value={transcribeProgress} label="Transcription progress" showValue />
                )}
              </div>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

/** The draft transcript under the recorder: words appear while the candidate speaks. */
function LiveDraft({ text, recording, unavailable }: { text: string | null; recording: boolean; unavailable: boolean }) {
  if (!recording && !text) return null;
  return (
    <div className="live-draft" data-testid="live-transcript">
      <span className="live-draft-label small">
        {recording ? 'Live transcript (draft)' : 'Draft transcript — the final one is made when you send'}
      </span>
      {/* Not a live region: a screen reader re-reading the draft every second would talk over the candidate. */}
      <p className={`live-draft-text ${text ? '' : 'muted'}`}>
        {text || (unavailable ? 'The live transcript is unavailable right now; your recording is not affected.' : 'Listening…')}
      </p>
    </div>
  );
}
