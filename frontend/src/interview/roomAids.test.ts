import { describe, expect, it } from 'vitest';
import { timerPhase } from './roomPrefs';
import { focusTarget, initialVoiceState, voiceReducer } from './voiceMachine';

describe('answer timer', () => {
  it('runs, warns in the last 15 seconds, then says time is up', () => {
    expect(timerPhase(60)).toBe('running');
    expect(timerPhase(16)).toBe('running');
    expect(timerPhase(15)).toBe('warning');
    expect(timerPhase(1)).toBe('warning');
    expect(timerPhase(0)).toBe('up');
  });
});

describe('focus while the microphone is requested', () => {
  const take = { blob: new Blob(['x']), url: 'blob:x', seconds: 3 };

  it('stays on Start for a first recording (the button remains focusable)', () => {
    const s = voiceReducer(initialVoiceState, { type: 'request' });
    expect(s.phase).toBe('requesting');
    expect(focusTarget(s)).toBe('start');
  });

  it('moves to the waiting message when re-recording hides the review', () => {
    const recorded = voiceReducer(initialVoiceState, { type: 'recorded', take });
    const s = voiceReducer(recorded, { type: 'request' });
    expect(focusTarget(s)).toBe('waiting');
    expect(s.take).toBe(take);
  });
});
