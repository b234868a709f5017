import { forwardRef } from 'react';
import { Volume2, VolumeX } from 'lucide-react';
import type { Question } from '../api/types';
import { Badge, Spinner } from '../components/ui';
import { kindLabel } from '../lib/format';
import { AnswerTimer } from './AnswerTimer';
import { useReadAloud } from './useReadAloud';

/** A question as the room shows it: `attempt` 2+ when the candidate chose to answer it again. */
export type RoomQuestion = Question & { attempt?: number };

function kindTone(kind: string): string {
  return kind === 'resume' ? 'teal' : kind === 'follow_up' ? 'amber' : 'brand';
}

export const QuestionCard = forwardRef<
  HTMLHeadingElement,
  { question: RoomQuestion | null; thinking: boolean; note: string | null; timerMinutes: number; autoRead: boolean; paused: boolean }
>(function QuestionCard({ question, thinking, note, timerMinutes, autoRead, paused }, headingRef) {
  const attempt = question?.attempt ?? 1;
  const speech = useReadAloud(question && !thinking ? question.text : null, autoRead);
  return (
    <section className="card question-card" aria-labelledby="question-text" aria-busy={thinking}>
      {question && !thinking && (
        <>
          <div className="question-meta">
            <Badge tone={kindTone(question.kind)}>{kindLabel(question.kind)}</Badge>
            {attempt > 1 && (
              <Badge tone="amber" title="Scored as a new attempt; the report keeps your earlier one too">
                Attempt {attempt}
              </Badge>
            )}
            <span className="question-tools">
              {speech.available && (
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  onClick={speech.speaking ? speech.stop : speech.speak}
                  aria-pressed={speech.speaking}
                  data-testid="read-aloud"
                >
                  {speech.speaking ? <VolumeX size={16} aria-hidden="true" /> : <Volume2 size={16} aria-hidden="true" />}
                  {speech.speaking ? 'Stop reading' : 'Read aloud'}
                </button>
              )}
            </span>
          </div>
          <h2 id="question-text" className="question-text" tabIndex={-1} ref={headingRef} data-testid="question-text">
            {question.text}
          </h2>
          {attempt > 1 && (
            <p className="small muted reask-note" data-testid="reask-note">
              You are answering this again: the new attempt is scored on its own, and the report keeps your earlier one.
            </p>
          )}
          {timerMinutes > 0 && <AnswerTimer minutes={timerMinutes} runKey={`${question.id}:${attempt}`} paused={paused} />}
        </>
      )}
      {thinking && (
        <div className="thinking" data-testid="thinking" role="status">
          <span className="thinking-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <p>{note ?? 'Thinking of the next question…'}</p>
          <p className="muted small">Sending your answer; once it is recorded, scoring happens in the background.</p>
        </div>
      )}
      {!question && !thinking && (
        <div className="thinking" role="status">
          <Spinner label="Preparing your question…" />
          <p>Preparing your question…</p>
        </div>
      )}
    </section>
  );
});
