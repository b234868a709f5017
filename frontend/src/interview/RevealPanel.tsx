import { useEffect, useState } from 'react';
import { Lightbulb, RotateCcw } from 'lucide-react';
import { ApiError, api, errorMessage } from '../api/client';
import { Spinner } from '../components/ui';

/** Pack answers are wrapped at ~90 columns: single line breaks are spaces, blank lines paragraphs. */
function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean);
}

export interface ModelAnswer {
  question_id: string;
  question: string;
  model_answer: string | null;
  listening_points: { point: string; listen_for: string }[];
  other_strong_answers: string[];
}

/**
 * Shown after an answer is accepted (never before: the API refuses the model answer with 409
 * until the question has an answer). The candidate opens it when ready, and can answer the
 * question again; that attempt is scored on its own and the report lists both.
 */
export function RevealPanel({
  sessionId,
  questionId,
  questionText,
  onAnswerAgain,
  againBusy,
  onDismiss,
}: {
  sessionId: string;
  questionId: string;
  questionText: string;
  onAnswerAgain: () => void;
  againBusy: boolean;
  onDismiss: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [data, setData] = useState<ModelAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setOpen(false);
    setData(null);
    setError(null);
  }, [questionId]);

  useEffect(() => {
    if (!open || data) return;
    const ctrl = new AbortController();
    api
      .get<ModelAnswer>(`/api/sessions/${encodeURIComponent(sessionId)}/questions/${encodeURIComponent(questionId)}/model-answer`, ctrl.signal)
      .then(setData)
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(err);
      });
    return () => ctrl.abort();
  }, [open, data, sessionId, questionId]);

  const headingId = `reveal-${questionId}`;
  return (
    <section className="card reveal-card" aria-labelledby={headingId} data-testid="reveal-panel">
      <div className="reveal-head">
        <div className="reveal-title">
          <Lightbulb size={18} aria-hidden="true" />
          <h2 id={headingId} className="reveal-h">
            Answer saved — compare with a model answer
          </h2>
        </div>
        <button type="button" className="icon-btn" onClick={onDismiss} aria-label="Hide the model answer panel">
          ×
        </button>
      </div>
      <p className="small muted reveal-question">
        For: <q>{questionText}</q>
      </p>
      <div className="button-row reveal-actions">
        <button type="button" className="btn btn-secondary btn-sm" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="reveal-toggle">
          {open ? 'Hide model answer' : 'Show model answer'}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={onAnswerAgain} disabled={againBusy} data-testid="answer-again">
          {againBusy ? <Spinner size="sm" label="Asking again…" /> : <RotateCcw size={14} aria-hidden="true" />} Answer again
        </button>
      </div>
      {open && (
        <div className="reveal-body" data-testid="model-answer">
          {!data && !error && <Spinner size="sm" label="Loading the model answer…" />}
          {error !== null && (
            <p className="error-text">
              {error instanceof ApiError && error.status === 409 ? errorMessage(error) : `Could not load the model answer: ${errorMessage(error)}`}
            </p>
          )}
          {data && (
            <>
              {data.listening_points.length > 0 && (
                <>
                  <h3 className="subhead">What the interviewer listens for</h3>
                  <ul className="reveal-points">
                    {data.listening_points.map((p, i) => (
                      <li key={i}>
                        <strong>{p.point}</strong>
                        {p.listen_for && <span className="small muted"> — {p.listen_for}</span>}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <h3 className="subhead">A strong answer</h3>
              {data.model_answer ? (
                paragraphs(data.model_answer).map((p, i) => (
                  <p key={i} className="reveal-answer">
                    {p}
                  </p>
                ))
              ) : (
                <p className="reveal-answer">No model answer is stored for this question.</p>
              )}
              {data.other_strong_answers.length > 0 && (
                <details className="reveal-more">
                  <summary>Other strong answers ({data.other_strong_answers.length})</summary>
                  {data.other_strong_answers.map((a, i) => (
                    <div key={i} className="reveal-other">
                      {paragraphs(a).map((p, j) => (
                        <p key={j} className="reveal-answer">
                          {p}
                        </p>
                      ))}
                    </div>
                  ))}
                </details>
              )}
            </>
          )}
        </div>
      )}
    </section>
  );
}
