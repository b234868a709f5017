import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage, upload, type UploadHandle } from '../api/client';
import type { AudioAnswerResult } from '../api/types';
import { Alert, ProgressBar, Spinner } from '../components/ui';
import { formatBytes, formatClock } from '../lib/format';

type Phase = 'idle' | 'requesting' | 'recording' | 'recorded' | 'uploading' | 'transcribing';

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
  disabled,
  onSent,
  onConflict,
  onBusyChange,
  transcribeProgress,
}: {
  sessionId: string;
  questionId: string;
  disabled?: boolean;
  onSent: (result: AudioAnswerResult) => void;
  onConflict: (err: ApiError) => void;
  onBusyChange?: (busy: boolean) => void;
  /** 0..1 from the live `transcribing` events, when the socket is connected. */
  transcribeProgress?: number | null;
}) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<unknown>(null);
  const [elapsed, setElapsed] = useState(0);
  const [level, setLevel] = useState(0);
  const [blob, setBlob] = useState<Blob | null>(null);
  const [blobUrl, setBlobUrl] = useState<string | null>(null);
  const [progress, setProgress] = useState(0);

  const recorderRef = useRef<MediaRecorder | null>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const audioCtxRef = useRef<AudioContext | null>(null);
  const rafRef = useRef<number>(0);
  const tickRef = useRef<ReturnType<typeof setInterval> | undefined>(undefined);
  const startedAtRef = useRef(0);
  const uploadRef = useRef<UploadHandle<AudioAnswerResult> | null>(null);
  const durationRef = useRef(0);

  const supported = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia && typeof MediaRecorder !== 'undefined';

  useEffect(() => {
    onBusyChange?.(phase === 'recording' || phase === 'uploading' || phase === 'transcribing' || phase === 'requesting');
  }, [phase, onBusyChange]);

  const releaseInputs = useCallback(() => {
    cancelAnimationFrame(rafRef.current);
    clearInterval(tickRef.current);
    streamRef.current?.getTracks().forEach((t) => t.stop());
    streamRef.current = null;
    void audioCtxRef.current?.close().catch(() => undefined);
    audioCtxRef.current = null;
    setLevel(0);
  }, []);

  const discard = useCallback(() => {
    setBlob(null);
    setBlobUrl((prev) => {
      if (prev) URL.revokeObjectURL(prev);
      return null;
    });
    setElapsed(0);
    setProgress(0);
  }, []);

  // A new question means a fresh recorder.
  useEffect(() => {
    discard();
    setError(null);
    setPhase('idle');
  }, [questionId, discard]);

  useEffect(
    () => () => {
      if (recorderRef.current && recorderRef.current.state !== 'inactive') recorderRef.current.stop();
      uploadRef.current?.abort();
      releaseInputs();
    },
    [releaseInputs],
  );

  async function start() {
    setError(null);
    discard();
    setPhase('requesting');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (err) {
      setPhase('idle');
      const name = err instanceof DOMException ? err.name : '';
      setError(
        new Error(
          name === 'NotAllowedError'
            ? 'Microphone access was blocked. Allow it in your browser’s site settings, or type your answer instead.'
            : name === 'NotFoundError'
              ? 'No microphone was found. Connect one, or type your answer instead.'
              : `Could not start the microphone: ${errorMessage(err)}`,
        ),
      );
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
    recorder.ondataavailable = (ev) => {
      if (ev.data.size > 0) chunks.push(ev.data);
    };
    recorder.onstop = () => {
      releaseInputs();
      const type = recorder.mimeType || mime || 'audio/webm';
      const recorded = new Blob(chunks, { type });
      durationRef.current = (performance.now() - startedAtRef.current) / 1000;
      if (recorded.size === 0) {
        setPhase('idle');
        setError(new Error('Nothing was recorded. Check your microphone and try again.'));
        return;
      }
      setBlob(recorded);
      setBlobUrl(URL.createObjectURL(recorded));
      setPhase('recorded');
    };
    recorder.start(250);
    startedAtRef.current = performance.now();
    setElapsed(0);
    tickRef.current = setInterval(() => {
      const secs = (performance.now() - startedAtRef.current) / 1000;
      setElapsed(secs);
      if (secs >= MAX_SECONDS && recorder.state === 'recording') recorder.stop();
    }, 200);
    setPhase('recording');
  }

  function stop() {
    const rec = recorderRef.current;
    if (rec && rec.state !== 'inactive') rec.stop();
  }

  async function send() {
    if (!blob) return;
    setError(null);
    setProgress(0);
    setPhase('uploading');
    const form = new FormData();
    form.append('question_id', questionId);
    form.append('file', blob, `answer.${extensionFor(blob.type)}`);
    const handle = upload<AudioAnswerResult>(`/api/sessions/${encodeURIComponent(sessionId)}/answers/audio`, form, (f) => {
      setProgress(f);
      // Once the bytes are up, the server is transcribing and choosing the next question.
      if (f >= 1) setPhase('transcribing');
    });
    uploadRef.current = handle;
    try {
      const { data } = await handle.promise;
      uploadRef.current = null;
      discard();
      setPhase('idle');
      onSent(data);
    } catch (err) {
      uploadRef.current = null;
      if (err instanceof DOMException && err.name === 'AbortError') {
        setPhase('recorded');
        return;
      }
      setPhase('recorded');
      if (err instanceof ApiError && err.status === 409) {
        onConflict(err);
        return;
      }
      setError(err);
    }
  }

  if (!supported) {
    return (
      <Alert kind="warning" title="Voice answers are not available in this browser">
        Your browser does not support recording audio. Please type your answer instead.
      </Alert>
    );
  }

  const uploadErrorTitle =
    error instanceof ApiError
      ? error.status === 413
        ? 'Recording too large'
        : error.status === 415
          ? 'Audio format not supported'
          : error.status === 422
            ? 'The recording could not be used'
            : 'Could not send your answer'
      : undefined;

  return (
    <div className="voice" data-testid="voice-recorder">
      {error !== null && (
        <Alert kind="error" title={uploadErrorTitle} onDismiss={() => setError(null)}>
          {errorMessage(error)}
          {error instanceof ApiError && error.status === 413 && ' Try a shorter answer, or split it up.'}
        </Alert>
      )}

      <div className={`voice-stage voice-${phase}`}>
        {(phase === 'idle' || phase === 'requesting') && (
          <div className="voice-idle">
            <button
              type="button"
              className="record-btn"
              onClick={start}
              disabled={disabled || phase === 'requesting'}
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
            <button type="button" className="btn btn-danger" onClick={stop}>
              <span className="stop-square" aria-hidden="true" /> Stop
            </button>
          </div>
        )}

        {(phase === 'recorded' || phase === 'uploading' || phase === 'transcribing') && blobUrl && (
          <div className="voice-review">
            <div className="voice-review-head">
              <strong>Your recording</strong>
              <span className="muted small">
                {formatClock(durationRef.current)} · {blob ? formatBytes(blob.size) : ''}
              </span>
            </div>
            <audio controls src={blobUrl} className="voice-audio" aria-label="Play back your recording" />
            {phase === 'recorded' && (
              <div className="button-row">
                <button type="button" className="btn btn-ghost" onClick={start} disabled={disabled}>
                  ↺ Re-record
                </button>
                <button type="button" className="btn btn-primary" onClick={send} disabled={disabled}>
                  Send answer
                </button>
              </div>
            )}
            {phase === 'uploading' && (
              <div className="voice-progress">
                <span className="small">Uploading…</span>
                <ProgressBar value={progress} label="Upload progress" showValue />
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => uploadRef.current?.abort()}>
                  Cancel
                </button>
              </div>
            )}
            {phase === 'transcribing' && (
              <div className="voice-progress voice-transcribing" data-testid="transcribing">
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
