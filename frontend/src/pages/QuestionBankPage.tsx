import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { QuestionSync, SyncStatus } from '../api/consoleTypes';
import type { AnswerScore, BankQuestion, Module } from '../api/types';
import { QuestionEditor, type EditableQuestion } from '../bank/QuestionEditor';
import { StaffTabs } from '../components/StaffTabs';
import { Alert, Badge, ErrorAlert, LoadingBlock, PageHeader, ScoreBar, Spinner } from '../components/ui';
import { dimensionLabel, formatScore, scoreTone } from '../lib/format';
import { useResource } from '../lib/useResource';
import { FlagChips } from '../report/FlagChips';

const SYNC_LABEL: Record<string, { text: string; tone: string; title: string }> = {
  synced: { text: 'vectors current', tone: 'good', title: 'Every vector of this question holds its current text.' },
  syncing: { text: 'syncing…', tone: 'brand', title: 'An embedding sync for this question is running.' },
  stale: { text: 'vectors outdated', tone: 'amber', title: 'Stored vectors were embedded from an older text.' },
  missing: { text: 'vectors missing', tone: 'danger', title: 'Some vectors of this question are not in the store.' },
  failed: { text: 'sync failed', tone: 'danger', title: 'The last embedding sync after the latest edit failed.' },
  unknown: { text: 'sync unknown', tone: 'neutral', title: 'This vector store is not read back here and no sync run is recorded.' },
};

function SyncBadge({ sync }: { sync: QuestionSync | undefined }) {
  if (!sync) return null;
  const label = SYNC_LABEL[sync.state] ?? SYNC_LABEL.unknown;
  const detail = sync.vectors ? ` (${sync.vectors.expected - sync.vectors.missing.length}/${sync.vectors.expected} present)` : '';
  return (
    <Badge tone={label.tone} title={label.title + detail}>
      <span data-testid="sync-state" data-state={sync.state}>
        {label.text}
      </span>
    </Badge>
  );
}

/** Staff: browse, search, edit and create bank questions, see whether each one's vectors are
 * current, and try an answer through the real scorer. */
export function QuestionBankPage() {
  const modules = useResource((s) => api.get<Module[]>('/api/modules', s), []);
  const [moduleId, setModuleId] = useState<number | null>(null);
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<BankQuestion | null>(null);
  const [editing, setEditing] = useState<'new' | 'edit' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [syncPolls, setSyncPolls] = useState(0);

  useEffect(() => {
    document.title = 'Question bank · TalentSync';
  }, []);
  useEffect(() => {
    if (moduleId === null && modules.data && modules.data.length > 0) setModuleId(modules.data[0].id);
  }, [modules.data, moduleId]);

  const questions = useResource(
    (s) =>
      search
        ? api.get<BankQuestion[]>(`/api/questions/search?q=${encodeURIComponent(search)}`, s)
        : moduleId === null
          ? Promise.resolve([] as BankQuestion[])
          : api.get<BankQuestion[]>(`/api/modules/${moduleId}/questions`, s),
    [moduleId, search],
  );

  const sync = useResource(
    (s) =>
      moduleId === null
        ? Promise.resolve(null)
        : api.get<SyncStatus>(`/api/admin/questions/sync-status?module_id=${moduleId}`, s),
    [moduleId, syncPolls],
  );
  const syncById = new Map((sync.data?.questions ?? []).map((q) => [q.question_id, q]));
  // After a save, follow the sync for a while (every 2 s, at most a minute) until every vector is current.
  const unsettled = (sync.data?.questions ?? []).some((q) => q.state === 'syncing' || q.state === 'stale' || q.state === 'missing');
  useEffect(() => {
    if (!saved || !unsettled || syncPolls > 30) return;
    const t = setTimeout(() => setSyncPolls((n) => n + 1), 2000);
    return () => clearTimeout(t);
  }, [saved, unsettled, syncPolls, sync.data]);

  function onSaved(q: EditableQuestion) {
    setEditing(null);
    setSelected(q);
    setSaved(`Saved. An embedding sync for question ${q.id} started; its badge turns “vectors current” when done.`);
    if (q.module_id !== moduleId) setModuleId(q.module_id);
    questions.reload();
    setSyncPolls((n) => n + 1);
  }

  function onSearch(e: FormEvent) {
    e.preventDefault();
    setSearch(query.trim());
  }

  return (
    <div className="page">
      <StaffTabs />
      <PageHeader
        title="Question bank"
        subtitle="Questions, what interviewers listen for, and a box to try an answer through the same scorer a session uses."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} disabled={!modules.data}>
            New question
          </button>
        }
      />
      {saved && (
        <Alert kind="success" onDismiss={() => setSaved(null)}>
          {saved}
        </Alert>
      )}
      <ErrorAlert error={sync.error} onRetry={sync.reload} title="Could not load the embedding sync status" />
      <ErrorAlert error={modules.error} onRetry={modules.reload} title="Could not load modules" />
      <div className="bank-layout">
        <section className="card bank-list" aria-label="Questions">
          <div className="bank-controls">
            <label className="field">
              <span className="field-label">Module</span>
              <select
                value={moduleId ?? ''}
                onChange={(e) => {
                  setSearch('');
                  setQuery('');
                  setModuleId(Number(e.target.value));
                }}
              >
                {(modules.data ?? []).map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name} ({m.question_count})
                  </option>
                ))}
              </select>
            </label>
            <form className="bank-search" role="search" onSubmit={onSearch}>
              <label className="field">
                <span className="field-label">Full-text search</span>
                <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. idempotency" />
              </label>
              <button type="submit" className="btn btn-secondary">
                Search
              </button>
            </form>
          </div>
          {questions.loading && <LoadingBlock label="Loading questions…" />}
          <ErrorAlert error={questions.error} onRetry={questions.reload} title="Could not load questions" />
          <ul className="bank-questions" data-testid="bank-questions">
            {(questions.data ?? []).map((q) => (
              <li key={q.id}>
                <button
                  type="button"
                  className={`bank-q ${selected?.id === q.id ? 'is-selected' : ''}`}
                  aria-pressed={selected?.id === q.id}
                  onClick={() => {
                    setSelected(q);
                    setEditing(null);
                  }}
                >
                  <span>{q.text}</span>
                  <span className="bank-q-badges">
                    <Badge tone="neutral">{q.category.replace('_', ' ')}</Badge>
                    <SyncBadge sync={syncById.get(q.id)} />
                  </span>
                </button>
              </li>
            ))}
            {questions.data && questions.data.length === 0 && <li className="muted small">No questions match.</li>}
          </ul>
        </section>
        <section className="card bank-detail" aria-label="Selected question">
          {editing && modules.data ? (
            <QuestionEditor
              key={editing === 'new' ? 'new' : selected?.id}
              question={editing === 'edit' ? (selected as EditableQuestion) : null}
              modules={modules.data}
              moduleId={moduleId ?? modules.data[0]?.id ?? 0}
              onSaved={onSaved}
              onCancel={() => setEditing(null)}
            />
          ) : selected ? (
            <QuestionDetail key={selected.id} question={selected} sync={syncById.get(selected.id)} onEdit={() => setEditing('edit')} />
          ) : (
            <p className="muted">Pick a question to see it, edit it and try an answer.</p>
          )}
        </section>
      </div>
    </div>
  );
}

function QuestionDetail({ question, sync, onEdit }: { question: BankQuestion; sync?: QuestionSync; onEdit: () => void }) {
  const [answer, setAnswer] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<AnswerScore | null>(null);

  async function onTry(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await api.post<AnswerScore>(`/api/questions/${question.id}/score-preview`, { answer }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="bank-question">
      <div className="section-head">
        <SyncBadge sync={sync} />
        <button type="button" className="btn btn-secondary btn-sm" onClick={onEdit} data-testid="edit-question">
          Edit
        </button>
      </div>
      <h2>{question.text}</h2>
      {question.key_points && question.key_points.length > 0 && (
        <>
          <h3 className="subhead">What the interviewer listens for</h3>
          <ul className="listen-list">
            {question.key_points.map((k) => (
              <li key={k.point}>
                <strong>{k.point}</strong>
                {k.listen_for && <span className="small muted"> — {k.listen_for}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <form onSubmit={onTry} className="try-answer">
        <label className="field">
          <span className="field-label">Try an answer</span>
          <textarea
            rows={7}
            value={answer}
            onChange={(e) => setAnswer(e.target.value)}
            placeholder="Type an answer as a candidate would; it is scored exactly as in a session, and nothing is saved."
            data-testid="try-answer"
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy || answer.trim().length === 0}>
          {busy && <Spinner size="sm" label="Scoring…" />}
          Score this answer
        </button>
      </form>
      <ErrorAlert error={error} title="Could not score the answer" />
      {result && (
        <div className="preview-result" data-testid="preview-result" aria-live="polite">
          <p>
            <span className={`score-chip tone-${scoreTone(result.overall)}`}>
              <span className="score-chip-num">{formatScore(result.overall)}</span>
              <span className="score-chip-of">/100</span>
            </span>{' '}
            <span className="small muted">scorer {result.scorer_version}</span>
          </p>
          <FlagChips flags={result.flags} paddingCost={result.padding_cost} />
          {result.seems_to_answer && (
            <p className="small seems-to-answer">
              Seems to answer: <q>{result.seems_to_answer}</q>
            </p>
          )}
          <ul className="dim-list">
            {Object.values(result.dimensions).map((d) => (
              <li key={d.name}>
                <div className="dim-row">
                  <span className="dim-name">
                    {dimensionLabel(d.name)} <span className="small muted">× {Math.round(d.weight * 100)}%</span>
                  </span>
                  <span className={`dim-score tone-${scoreTone(d.score)}`}>{formatScore(d.score)}</span>
                </div>
                <ScoreBar score={d.score} label={`${dimensionLabel(d.name)} score`} />
                <p className="dim-expl small muted">{d.explanation}</p>
              </li>
            ))}
          </ul>
          <ul className="kp-list">
            {result.key_points.map((k) => (
              <li key={k.point} className={`kp kp-${k.status ?? (k.covered ? 'covered' : 'missed')}`}>
                <span className="kp-icon" aria-hidden="true">
                  {k.status === 'covered' ? '✓' : k.status === 'partly' ? '◐' : '✗'}
                </span>
                <div>
                  <span className="kp-point">{k.point}</span> <span className="small muted">({k.status})</span>
                  {k.evidence && <q className="kp-evidence small">{k.evidence}</q>}
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
