import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import {
  describeSendFailure,
  focusTarget,
  initialVoiceState,
  voiceReducer,
  watchForStall,
  type Take,
  type VoiceAction,
  type VoiceState,
} from './voiceMachine';

const take = (name = 'first'): Take => ({ blob: new Blob([name], { type: 'audio/webm' }), url: `blob:${name}`, seconds: 4 });

function run(actions: VoiceAction[], from: VoiceState = initialVoiceState): VoiceState {
  return actions.reduce(voiceReducer, from);
}

const recorded = run([{ type: 'request' }, { type: 'recording' }, { type: 'recorded', take: take() }]);

describe('voiceReducer keeps the recording until the server confirms a transcript', () => {
  it('keeps the take when the send fails, and a retry sends the same take again', () => {
    const failed = run(
      [{ type: 'send' }, { type: 'uploaded' }, { type: 'failed', failure: describeSendFailure(new ApiError(503, 'busy')) }],
      recorded,
    );
    expect(failed.phase).toBe('failed');
    expect(failed.take).toBe(recorded.take);
    const retry = voiceReducer(failed, { type: 'send' });
    expect(retry.phase).toBe('uploading');
    expect(retry.take).toBe(recorded.take);
    expect(retry.failure).toBeNull();
    expect(retry.sends).toBe(2);
  });

  it('keeps the take when the transcript never comes (stalled)', () => {
    const stalled = run([{ type: 'send' }, { type: 'uploaded' }, { type: 'failed', failure: describeSendFailure('stalled') }], recorded);
    expect(stalled.phase).toBe('failed');
    expect(stalled.take?.blob).toBe(recorded.take?.blob);
  });

  it('lets go of the take only once the answer is sent', () => {
    const sent = run([{ type: 'send' }, { type: 'uploaded' }, { type: 'sent' }], recorded);
    expect(sent.take).toBeNull();
    expect(sent.phase).toBe('idle');
  });

  it('keeps the old take while a new recording is requested, and when the microphone then fails', () => {
    const again = voiceReducer(recorded, { type: 'request' });
    expect(again.take).toBe(recorded.take);
    const blocked = voiceReducer(again, { type: 'mic-failed', message: 'Microphone access was blocked.' });
    expect(blocked.phase).toBe('recorded');
    expect(blocked.take).toBe(recorded.take);
    expect(blocked.notice).toMatch(/blocked/);
    const empty = run([{ type: 'request' }, { type: 'recording' }, { type: 'empty-recording' }], recorded);
    expect(empty.take).toBe(recorded.take);
    expect(empty.phase).toBe('recorded');
  });

  it('replaces the take with a new recording', () => {
    const second = take('second');
    const next = run([{ type: 'request' }, { type: 'recording' }, { type: 'recorded', take: second }], recorded);
    expect(next.take).toBe(second);
    expect(next.sends).toBe(0);
  });

  it('a cancelled upload goes back to the recording', () => {
    const cancelled = run([{ type: 'send' }, { type: 'cancelled' }], recorded);
    expect(cancelled.phase).toBe('recorded');
    expect(cancelled.take).toBe(recorded.take);
  });

  it('a new question starts clean', () => {
    expect(voiceReducer(recorded, { type: 'reset' })).toEqual(initialVoiceState);
  });
});

describe('describeSendFailure', () => {
  it('offers to resend when the same audio can still succeed', () => {
    expect(describeSendFailure('stalled').canResend).toBe(true);
    expect(describeSendFailure('stalled').message).toMatch(/90 s/);
    expect(describeSendFailure(new ApiError(0, null)).canResend).toBe(true);
    expect(describeSendFailure(new ApiError(503, 'The interview service is busy')).canResend).toBe(true);
    expect(describeSendFailure(new ApiError(504, null)).canResend).toBe(true);
    expect(describeSendFailure(new ApiError(429, null)).canResend).toBe(true);
  });

  it('asks for a new recording when the server rejected this audio', () => {
    const noSpeech = describeSendFailure(new ApiError(422, 'No speech detected in the recording.'));
    expect(noSpeech.canResend).toBe(false);
    expect(noSpeech.message).toBe('No speech detected in the recording.');
    expect(describeSendFailure(new ApiError(413, null)).canResend).toBe(false);
    expect(describeSendFailure(new ApiError(415, null)).canResend).toBe(false);
  });
});

describe('focusTarget', () => {
  it('moves focus to the next meaningful control, never leaving it on a vanished button', () => {
    expect(focusTarget(initialVoiceState)).toBeNull();
    expect(focusTarget(run([{ type: 'request' }, { type: 'recording' }]))).toBe('stop');
    expect(focusTarget(recorded)).toBe('send');
    expect(focusTarget(voiceReducer(recorded, { type: 'send' }))).toBe('cancel');
    expect(focusTarget(run([{ type: 'send' }, { type: 'uploaded' }], recorded))).toBe('status');
    const retryable = run([{ type: 'send' }, { type: 'failed', failure: describeSendFailure(new ApiError(503, null)) }], recorded);
    expect(focusTarget(retryable)).toBe('resend');
    const rejected = run([{ type: 'send' }, { type: 'failed', failure: describeSendFailure(new ApiError(422, 'No speech')) }], recorded);
    expect(focusTarget(rejected)).toBe('rerecord');
    expect(focusTarget(run([{ type: 'request' }, { type: 'mic-failed', message: 'blocked' }]))).toBe('start');
  });
});

describe('watchForStall', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once after the limit with no progress', () => {
    vi.useFakeTimers();
    const onStall = vi.fn();
    watchForStall(90_000, onStall);
    vi.advanceTimersByTime(89_999);
    expect(onStall).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onStall).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(200_000);
    expect(onStall).toHaveBeenCalledTimes(1);
  });

  it('progress pushes the deadline back, and stop disarms it', () => {
    vi.useFakeTimers();
    const onStall = vi.fn();
    const watch = watchForStall(90_000, onStall);
    vi.advanceTimersByTime(60_000);
    watch.poke();
    vi.advanceTimersByTime(60_000);
    expect(onStall).not.toHaveBeenCalled();
    watch.stop();
    vi.advanceTimersByTime(200_000);
    expect(onStall).not.toHaveBeenCalled();
  });
});
