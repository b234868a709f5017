import { useEffect, useRef } from 'react';
import { Flag } from 'lucide-react';
import { ErrorAlert, Spinner } from '../components/ui';

type Reveal = { id: string; text: string };

/** The last "answer saved" panel, kept per tab so a reload at the finish step can still offer the
 * model answer and "Answer again" for the last question. */
export function storedReveal(sessionId: string): Reveal | null {
  try {
    return JSON.parse(sessionStorage.getItem(`talentsync.reveal.${sessionId}`) ?? 'null') as Reveal | null;
  } catch {
    return null;
  }
}

export function rememberReveal(sessionId: string, reveal: Reveal | null): void {
  if (reveal) sessionStorage.setItem(`talentsync.reveal.${sessionId}`, JSON.stringify(reveal));
}

/**
 * After the last question the session stays open (the API's `finish_step`), so the last answer can
 * be answered again like every other one. The interview ends when the candidate finishes here; if
 * they leave, the session completes on its own after a short grace (Settings.session_finish_grace_minutes).
 */
export function FinishStep({
  answered,
  total,
  busy,
  error,
  onFinish,
  withReveal,
}: {
  answered: number;
  total: number;
  busy: boolean;
  error: unknown;
  onFinish: () => void;
  /** The model-answer panel (with "Answer again") for the last answer is shown below. */
  withReveal: boolean;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Focus moves here as it does to each new question, so a screen reader hears the step.
  useEffect(() => {
    window.scrollTo({ top: 0 });
    headingRef.current?.focus({ preventScroll: true });
  }, []);

  return (
    <section className="card finish-card" aria-labelledby="finish-heading" data-testid="finish-step">
      <h2 id="finish-heading" ref={headingRef} tabIndex={-1} className="finish-h">
        <Flag size={18} aria-hidden="true" /> That was the last question
      </h2>
      <p>
        You answered {answered} of {total} question{total === 1 ? '' : 's'}.
        {withReveal ? ' You can still compare your last answer with a model answer or answer it again below.' : ''} When you are
        ready, finish to have your answers scored.
      </p>
      <p className="small muted">If you leave this page, the interview finishes on its own in a few minutes.</p>
      <ErrorAlert error={error} />
      <div className="button-row">
        <button type="button" className="btn btn-primary" onClick={onFinish} disabled={busy} data-testid="finish-interview">
          {busy ? <Spinner size="sm" label="Finishing…" /> : null}
          Finish and get my report
        </button>
      </div>
    </section>
  );
}
