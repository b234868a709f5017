import { useState } from 'react';
import { Mic } from 'lucide-react';
import type { ReportAnswer } from '../api/types';
import { Badge, ScoreBar } from '../components/ui';
import { dimensionLabel, formatScore, kindLabel, ordinal, scoreTone } from '../lib/format';
import { DeliveryPanel } from './DeliveryPanel';
import { FlagChips } from './FlagChips';

function transcriptText(t: ReportAnswer['transcript']): string | null {
  if (!t) return null;
  if (typeof t === 'string') return t;
  return t.text ?? null;
}

const LONG_ANSWER_CHARS = 600;

/** Earlier attempts at a question the candidate answered again (the card shows the latest). */
interface EarlierAttempt {
  attempt: number;
  answer: string;
  source?: string;
  overall: number | null;
  created_at: string;
}
type AnswerItem = ReportAnswer & { attempt?: number; earlier_attempts?: EarlierAttempt[] };

const STATUS_ICON = { covered: '✓', partly: '◐', missed: '✗' } as const;
const STATUS_TEXT = { covered: 'Shown:', partly: 'Partly shown:', missed: 'Missed:' } as const;

export function PercentileLine({
  value,
  population,
  minimum,
  noun,
}: {
  value: number | null | undefined;
  population: number | undefined;
  minimum: number | undefined;
  noun: 'answer' | 'session';
}) {
  const n = population ?? 0;
  if (value === null || value === undefined) {
    return (
      <p className="small muted percentile-line">
        Percentile appears once {minimum ?? 5} other candidates have {noun === 'answer' ? 'answered this question' : 'finished this module'}{' '}
        (so far {n}).
      </p>
    );
  }
  return (
    <p className="small muted percentile-line">
      {ordinal(value)} percentile — better than {Math.round(value)}% of {n} other candidates&apos;{' '}
      {noun === 'answer' ? 'answers to this question' : 'sessions in this module'}, scored the same way.
    </p>
  );
}

export function AnswerCard({ item, number }: { item: AnswerItem; number: number }) {
  const [expanded, setExpanded] = useState(false);
  const transcript = transcriptText(item.transcript);
  const text = item.answer ?? transcript ?? '';
  const isVoice = item.source === 'audio' || !!item.delivery || !!item.audio_url;
  const scores = item.scores;
  const skipped = item.skipped || (!scores && !text);
  const long = text.length > LONG_ANSWER_CHARS;
  const shown = long && !expanded ? `${text.slice(0, LONG_ANSWER_CHARS).trimEnd()}…` : text;
  const dims = scores ? Object.values(scores.dimensions ?? {}).filter((d) => d && typeof d.score === 'number') : [];
  const statusOf = (k: { covered: boolean; status?: 'covered' | 'partly' | 'missed' }) =>
    k.status ?? (k.covered ? 'covered' : 'missed');
  const covered = scores?.key_points.filter((k) => statusOf(k) === 'covered').length ?? 0;

  return (
    <article className="card answer-report" data-testid="answer-card" aria-labelledby={`q-${number}`}>
      <header className="answer-report-head">
        <div className="answer-report-title">
          <div className="question-meta">
            <span className="q-number">Q{number}</span>
            <Badge tone={item.question.kind === 'resume' ? 'teal' : item.question.kind === 'follow_up' ? 'amber' : 'brand'}>
              {kindLabel(item.question.kind)}
            </Badge>
            {isVoice && <Badge tone="neutral"><Mic size={12} aria-hidden="true" /> Spoken</Badge>}
            {skipped && <Badge tone="neutral">Skipped</Badge>}
            {(item.attempt ?? 1) > 1 && <Badge tone="amber">Attempt {item.attempt}</Badge>}
          </div>
          <h3 id={`q-${number}`}>{item.question.text}</h3>
        </div>
        {scores && (
          <div className={`score-chip tone-${scoreTone(scores.overall)}`} aria-label={`Score ${formatScore(scores.overall)} out of 100`}>
            <span className="score-chip-num">{formatScore(scores.overall)}</span>
            <span className="score-chip-of">/100</span>
          </div>
        )}
      </header>

      {scores?.flags && <FlagChips flags={scores.flags} paddingCost={scores.padding_cost} />}

      {scores?.seems_to_answer && (
        <p className="small seems-to-answer" data-testid="seems-to-answer">
          This answer seems to answer another question: <q>{scores.seems_to_answer}</q>
        </p>
      )}

      {scores && (
        <PercentileLine
          value={item.percentile}
          population={item.percentile_population}
          minimum={item.percentile_min_population}
          noun="answer"
        />
      )}

      {text ? (
        <div className="answer-text">
          <h4 className="subhead">{isVoice ? 'What you said (transcript)' : 'Your answer'}</h4>
          <p className="answer-quote">{shown}</p>
          <div className="answer-text-foot small muted">
            {scores && <span>{scores.word_count} words</span>}
            {long && (
              <button type="button" className="link-btn" onClick={() => setExpanded((e) => !e)} aria-expanded={expanded}>
                {expanded ? 'Show less' : 'Show full answer'}
              </button>
            )}
          </div>
        </div>
      ) : (
        <p className="muted" data-testid="skipped-note">
          {item.skipped ? 'You skipped this question, so it has no score.' : 'No answer was given for this question.'}
        </p>
      )}

      {item.earlier_attempts && item.earlier_attempts.length > 0 && (
        <details className="earlier-attempts" data-testid="earlier-attempts">
          <summary>
            Earlier attempt{item.earlier_attempts.length === 1 ? '' : 's'} ({item.earlier_attempts.length}) — the score above is for your latest
          </summary>
          <ol>
            {item.earlier_attempts.map((e) => (
              <li key={e.attempt}>
                <span className="small">
                  <strong>Attempt {e.attempt}</strong>
                  {e.overall !== null && <> · {formatScore(e.overall)}/100</>}
                </span>
                <p className="answer-quote small">{e.answer.length > LONG_ANSWER_CHARS ? `${e.answer.slice(0, LONG_ANSWER_CHARS).trimEnd()}…` : e.answer}</p>
              </li>
            ))}
          </ol>
        </details>
      )}

      {item.delivery && <DeliveryPanel delivery={item.delivery} audioUrl={item.audio_url} />}

      {scores && (
        <div className="answer-grid">
          {dims.length > 0 && (
            <div>
              <h4 className="subhead">Scores by dimension</h4>
              <ul className="dim-list">
                {dims.map((d) => (
                  <li key={d.name}>
                    <div className="dim-row">
                      <span className="dim-name">{dimensionLabel(d.name)}</span>
                      <span className={`dim-score tone-${scoreTone(d.score)}`}>{formatScore(d.score)}</span>
                    </div>
                    <ScoreBar score={d.score} label={`${dimensionLabel(d.name)} score`} />
                    {d.explanation && <p className="dim-expl small muted">{d.explanation}</p>}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {scores.key_points.length > 0 && (
            <div>
              <h4 className="subhead">
                What the interviewer listens for{' '}
                <span className="muted small">({covered} of {scores.key_points.length} shown clearly)</span>
              </h4>
              <ul className="kp-list" data-testid="key-points">
                {scores.key_points.map((kp, i) => {
                  const st = statusOf(kp);
                  return (
                    <li key={i} className={`kp kp-${st === 'covered' ? 'covered' : st === 'partly' ? 'partly' : 'missed'}`}>
                      <span className="kp-icon" aria-hidden="true">
                        {STATUS_ICON[st]}
                      </span>
                      <div>
                        <span className="sr-only">{STATUS_TEXT[st]}</span>
                        <span className="kp-point">{kp.point}</span>
                        {kp.listen_for && <span className="kp-listen small muted">{kp.listen_for}</span>}
                        {st === 'covered' && kp.evidence && <q className="kp-evidence small">{kp.evidence}</q>}
                        {st === 'partly' && kp.evidence && (
                          <span className="kp-evidence small">
                            {kp.note === 'hedged' ? 'Hedged: ' : kp.note === 'negated' ? 'Said with a negation: ' : 'Touched on: '}
                            <q>{kp.evidence}</q>
                          </span>
                        )}
                      </div>
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
        </div>
      )}

      {item.feedback && (
        <div className="feedback-grid">
          {item.feedback.strengths.length > 0 && (
            <div className="fb fb-strengths">
              <h4 className="subhead">What worked</h4>
              <ul>
                {item.feedback.strengths.map((s, i) => (
                  <li key={i}>{s}</li>
                ))}
              </ul>
            </div>
          )}
          {item.feedback.improvements.length > 0 && (
            <div className="fb fb-improve">
              <h4 className="subhead">To improve</h4>
              <ul>
                {item.feedback.improvements.map((s, i) => (
                  <li key={i}>{s}</li>
                ))}
              </ul>
            </div>
          )}
          {item.feedback.stronger_answer_outline.length > 0 && (
            <div className="fb fb-outline">
              <h4 className="subhead">A stronger answer would…</h4>
              <ol>
                {item.feedback.stronger_answer_outline.map((s, i) => (
                  <li key={i}>{s}</li>
                ))}
              </ol>
            </div>
          )}
        </div>
      )}
    </article>
  );
}
