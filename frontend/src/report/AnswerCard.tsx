import { useState } from 'react';
import { Mic } from 'lucide-react';
import type { ReportAnswer } from '../api/types';
import { Badge, ScoreBar } from '../components/ui';
import { dimensionLabel, formatScore, kindLabel, ordinal, scoreTone } from '../lib/format';
import { DeliveryPanel } from './DeliveryPanel';

function transcriptText(t: ReportAnswer['transcript']): string | null {
  if (!t) return null;
  if (typeof t === 'string') return t;
  return t.text ?? null;
}

const LONG_ANSWER_CHARS = 600;

const FLAG_LABELS: Record<string, string> = {
  off_topic: 'Off topic',
  keyword_stuffing: 'Keyword stuffing',
  repetitive: 'Repetitive',
  truncated: 'Cut short',
  empty: 'Empty answer',
};

const FLAG_HELP: Record<string, string> = {
  off_topic: 'The answer does not address the question that was asked.',
  keyword_stuffing: 'Listing buzzwords without explaining them lowers the score.',
  repetitive: 'The answer repeats itself; say each point once.',
  truncated: 'The answer seems to stop mid-thought.',
  empty: 'Nothing was said or typed.',
};

export function AnswerCard({ item, number }: { item: ReportAnswer; number: number }) {
  const [expanded, setExpanded] = useState(false);
  const transcript = transcriptText(item.transcript);
  const text = item.answer ?? transcript ?? '';
  const isVoice = item.source === 'audio' || !!item.delivery || !!item.audio_url;
  const scores = item.scores;
  const skipped = item.skipped || (!scores && !text);
  const long = text.length > LONG_ANSWER_CHARS;
  const shown = long && !expanded ? `${text.slice(0, LONG_ANSWER_CHARS).trimEnd()}…` : text;
  const dims = scores ? Object.values(scores.dimensions ?? {}).filter((d) => d && typeof d.score === 'number') : [];
  const covered = scores?.key_points.filter((k) => k.covered).length ?? 0;

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

      {scores?.flags && scores.flags.length > 0 && (
        <div className="flag-row" data-testid="score-flags">
          {scores.flags.map((f) => (
            <span key={f} className="chip chip-ok" title={FLAG_HELP[f] ?? f}>
              ⚠ {FLAG_LABELS[f] ?? f.replace(/_/g, ' ')}
            </span>
          ))}
        </div>
      )}

      {item.percentile !== null && item.percentile !== undefined && (
        <p className="small muted percentile-line">
          {ordinal(item.percentile)} percentile — better than {Math.round(item.percentile)}% of{' '}
          {item.percentile_population ?? 0} earlier {item.percentile_population === 1 ? 'answer' : 'answers'} to this question.
        </p>
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
        <p className="muted">No answer was given for this question.</p>
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
                Key points <span className="muted small">({covered} of {scores.key_points.length} covered)</span>
              </h4>
              <ul className="kp-list" data-testid="key-points">
                {scores.key_points.map((kp, i) => (
                  <li key={i} className={`kp ${kp.covered ? 'kp-covered' : 'kp-missed'}`}>
                    <span className="kp-icon" aria-hidden="true">
                      {kp.covered ? '✓' : '✗'}
                    </span>
                    <div>
                      <span className="sr-only">{kp.covered ? 'Covered:' : 'Missed:'}</span>
                      <span className="kp-point">{kp.point}</span>
                      {kp.covered && kp.evidence && <q className="kp-evidence small">{kp.evidence}</q>}
                      {!kp.covered && kp.evidence && (
                        <span className="kp-evidence small">Closest you got: <q>{kp.evidence}</q></span>
                      )}
                    </div>
                  </li>
                ))}
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
