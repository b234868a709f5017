import { useEffect, useRef, useState } from 'react';
import { Timer } from 'lucide-react';
import { formatClock } from '../lib/format';
import { timerPhase } from './roomPrefs';

/**
 * A countdown for the current question. It warns at 15 s and, at zero, says time is up; it never
 * sends anything by itself: the candidate finishes the thought and sends when ready.
 * `runKey` restarts it (a new question, or the same question asked again).
 */
export function AnswerTimer({ minutes, runKey, paused }: { minutes: number; runKey: string; paused?: boolean }) {
  const total = minutes * 60;
  const [left, setLeft] = useState(total);
  const endRef = useRef(0);
  const [announce, setAnnounce] = useState('');

  useEffect(() => {
    endRef.current = performance.now() + total * 1000;
    setLeft(total);
    setAnnounce('');
  }, [runKey, total]);

  useEffect(() => {
    if (paused) return;
    const t = setInterval(() => {
      setLeft(Math.max(0, Math.ceil((endRef.current - performance.now()) / 1000)));
    }, 250);
    return () => clearInterval(t);
  }, [paused, runKey]);

  const phase = timerPhase(left);
  // Screen readers hear the two moments that matter, not every second.
  useEffect(() => {
    if (phase === 'warning') setAnnounce('15 seconds left.');
    if (phase === 'up') setAnnounce('Time is up. Finish your thought and send your answer when you are ready.');
  }, [phase]);

  return (
    <div className={`answer-timer timer-${phase}`} data-testid="answer-timer">
      <Timer size={16} aria-hidden="true" />
      <span role="timer" aria-label={`Time left for this answer: ${formatClock(left)}`} className="answer-timer-clock">
        {formatClock(left)}
      </span>
      {phase === 'up' ? (
        <span className="answer-timer-note" data-testid="time-up">
          Time is up — finish your thought and send when ready.
        </span>
      ) : phase === 'warning' ? (
        <span className="answer-timer-note">15 seconds left</span>
      ) : (
        <span className="answer-timer-note muted">of {formatClock(total)}</span>
      )}
      <span className="sr-only" aria-live="assertive">
        {announce}
      </span>
    </div>
  );
}
