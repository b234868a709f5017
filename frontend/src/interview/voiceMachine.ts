// The voice answer's states, as a pure reducer so the rules that matter are testable without a
// browser: the recording (the "take") stays in memory until the server confirms a transcript, a
// failed or stalled send can be retried with the very same audio, and every state names the
// control that should have focus.

import { ApiError, errorMessage } from '../api/client';

export type Phase = 'idle' | 'requesting' | 'recording' | 'recorded' | 'uploading' | 'transcribing' | 'failed';

/** A finished recording. `url` is an object URL for playback, owned (and revoked) by the component. */
export interface Take {
  blob: Blob;
  url: string;
  seconds: number;
}

export interface SendFailure {
  title: string;
  message: string;
  /** Sending the same audio again can succeed (network, server busy, timeout); else record again. */
  canResend: boolean;
}

export interface VoiceState {
  phase: Phase;
  take: Take | null;
  failure: SendFailure | null;
  /** Microphone trouble (blocked, missing, nothing recorded): shown, but the take is kept. */
  notice: string | null;
  /** How many times the current take was sent. */
  sends: number;
}

export type VoiceAction =
  | { type: 'request' }
  | { type: 'mic-failed'; message: string }
  | { type: 'recording' }
  | { type: 'recorded'; take: Take }
  | { type: 'empty-recording' }
  | { type: 'send' }
  | { type: 'uploaded' }
  | { type: 'sent' }
  | { type: 'failed'; failure: SendFailure }
  | { type: 'cancelled' }
  | { type: 'dismiss' }
  | { type: 'reset' };

export const initialVoiceState: VoiceState = { phase: 'idle', take: null, failure: null, notice: null, sends: 0 };

/** Where the recorder goes back to when something did not work out: the take if there is one. */
function settled(state: VoiceState): Phase {
  return state.take ? 'recorded' : 'idle';
}

export function voiceReducer(state: VoiceState, action: VoiceAction): VoiceState {
  switch (action.type) {
    case 'request':
      // The previous take survives until a new one exists: a blocked microphone must not cost it.
      return { ...state, phase: 'requesting', failure: null, notice: null };
    case 'mic-failed':
      return { ...state, phase: settled(state), notice: action.message };
    case 'recording':
      return { ...state, phase: 'recording' };
    case 'recorded':
      return { phase: 'recorded', take: action.take, failure: null, notice: null, sends: 0 };
    case 'empty-recording':
      return { ...state, phase: settled(state), notice: 'Nothing was recorded. Check your microphone and try again.' };
    case 'send':
      if (!state.take) return state;
      return { ...state, phase: 'uploading', failure: null, notice: null, sends: state.sends + 1 };
    case 'uploaded':
      return state.phase === 'uploading' ? { ...state, phase: 'transcribing' } : state;
    case 'sent':
      // The server has the answer and its transcript: only now is the recording let go.
      return initialVoiceState;
    case 'failed':
      return { ...state, phase: state.take ? 'failed' : 'idle', failure: action.failure };
    case 'cancelled':
      return { ...state, phase: settled(state), failure: null };
    case 'dismiss':
      return { ...state, phase: state.phase === 'failed' ? settled(state) : state.phase, failure: null, notice: null };
    case 'reset':
      return initialVoiceState;
  }
}

/** How long the room waits for a transcript with no sign of progress before it stops waiting. */
export const TRANSCRIBE_STALL_MS = 90_000;

/** Turns what went wrong while sending into words and the actions that make sense next. */
export function describeSendFailure(err: unknown, stallMs = TRANSCRIBE_STALL_MS): SendFailure {
  if (err === 'stalled') {
    return {
      title: 'Transcription is taking too long',
      message:
        `No transcript after ${Math.round(stallMs / 1000)} s, so we stopped waiting. ` +
        'Your recording is still here: send it again, or record again.',
      canResend: true,
    };
  }
  if (err instanceof ApiError) {
    if (err.status === 0) {
      return { title: 'Could not reach the server', message: `${err.message} Your recording is still here.`, canResend: true };
    }
    if (err.status === 413) {
      return { title: 'Recording too large', message: `${err.message} Try a shorter answer, or split it up.`, canResend: false };
    }
    if (err.status === 415) return { title: 'Audio format not supported', message: err.message, canResend: false };
    // 422: the server listened and found no usable speech; the same audio would get the same answer.
    if (err.status === 422) return { title: 'The recording could not be used', message: err.message, canResend: false };
    return { title: 'Could not send your answer', message: `${err.message} Your recording is still here.`, canResend: true };
  }
  return { title: 'Could not send your answer', message: errorMessage(err), canResend: true };
}

export type FocusTarget = 'start' | 'stop' | 'send' | 'cancel' | 'status' | 'waiting' | 'resend' | 'rerecord' | null;

/**
 * The control that should have focus in a state, so keyboard and screen-reader users are never
 * dropped on <body> when the button they pressed disappears. `null`: leave focus where it is
 * (first render, or the room moving focus to the next question after a successful send).
 */
export function focusTarget(state: VoiceState): FocusTarget {
  switch (state.phase) {
    case 'requesting':
      // Re-recording hides the review (and the button just pressed) while the browser asks for
      // the microphone; the waiting message holds focus. A first recording keeps it on Start.
      return state.take ? 'waiting' : 'start';
    case 'recording':
      return 'stop';
    case 'recorded':
      return 'send';
    case 'uploading':
      return 'cancel';
    case 'transcribing':
      return 'status';
    case 'failed':
      return state.failure?.canResend ? 'resend' : 'rerecord';
    case 'idle':
      return state.notice ? 'start' : null;
    default:
      return null;
  }
}

/**
 * Calls `onStall` once `limitMs` pass without a `poke()`; pokes come from upload progress and
 * from the live `transcribing` events, so a long recording that is being worked on is not cut
 * off, while a stuck server is noticed.
 */
export function watchForStall(limitMs: number, onStall: () => void): { poke: () => void; stop: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!stopped) {
        stopped = true;
        onStall();
      }
    }, limitMs);
  };
  arm();
  return {
    poke: () => {
      if (!stopped) arm();
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
