import { useId, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { BankQuestion, ListeningPoint, Module } from '../api/types';
import { ChipInput } from '../components/ChipInput';
import { ErrorAlert, Spinner } from '../components/ui';

const CATEGORIES = ['behavioral', 'technical', 'system_design', 'product', 'ml'];
const MAX_POINTS = 12;
const MAX_ANSWERS = 6;

interface FollowUp {
  text: string;
  trigger: string;
  key_points: ListeningPoint[];
}

/** What the bank endpoints return to staff (the full question, follow-ups included). */
export type EditableQuestion = BankQuestion & { follow_ups?: FollowUp[] | null };

interface Draft {
  module_id: number;
  text: string;
  category: string;
  difficulty: number;
  ideal_answer: string;
  reference_answers: string[];
  paraphrases: string[];
  key_points: { point: string; listen_for: string; examples: string }[];
  keywords: string[];
}

function toDraft(q: EditableQuestion | null, moduleId: number): Draft {
  return {
    module_id: q?.module_id ?? moduleId,
    text: q?.text ?? '',
    category: q?.category ?? 'behavioral',
    difficulty: q?.difficulty ?? 2,
    ideal_answer: q?.ideal_answer ?? '',
    reference_answers: [...(q?.reference_answers ?? [])],
    paraphrases: [...(q?.paraphrases ?? [])],
    // Examples are edited one per line: each is a separate evidence sentence.
    key_points: (q?.key_points ?? []).map((k) => ({ point: k.point, listen_for: k.listen_for ?? '', examples: (k.examples ?? []).join('\n') })),
    keywords: [...(q?.keywords ?? [])],
  };
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Create or edit a bank question: text, listening points (point / listen for / examples),
 * strong reference answers and paraphrases. Saving starts the question's embedding sync. */
export function QuestionEditor({
  question,
  modules,
  moduleId,
  onSaved,
  onCancel,
}: {
  question: EditableQuestion | null;
  modules: Module[];
  moduleId: number;
  onSaved: (q: EditableQuestion) => void;
  onCancel: () => void;
}) {
  const [d, setD] = useState<Draft>(() => toDraft(question, moduleId));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  const followUps = question?.follow_ups ?? [];

  const patch = (p: Partial<Draft>) => setD((prev) => ({ ...prev, ...p }));
  const setList = (key: 'reference_answers' | 'paraphrases', i: number, value: string | null) =>
    setD((prev) => {
      const list = [...prev[key]];
      if (value === null) list.splice(i, 1);
      else list[i] = value;
      return { ...prev, [key]: list };
    });
  const setPoint = (i: number, p: Partial<Draft['key_points'][number]> | null) =>
    setD((prev) => {
      const list = [...prev.key_points];
      if (p === null) list.splice(i, 1);
      else list[i] = { ...list[i], ...p };
      return { ...prev, key_points: list };
    });

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      ...d,
      text: d.text.trim(),
      reference_answers: d.reference_answers.map((a) => a.trim()).filter(Boolean),
      paraphrases: d.paraphrases.map((a) => a.trim()).filter(Boolean),
      key_points: d.key_points
        .filter((k) => k.point.trim())
        .map((k) => ({ point: k.point.trim(), listen_for: k.listen_for.trim(), examples: lines(k.examples) })),
      // The endpoint replaces follow-ups with what it is sent: send the existing ones back unchanged.
      follow_ups: followUps.map((f) => ({ text: f.text, trigger: f.trigger, key_points: f.key_points })),
    };
    try {
      const saved = question
        ? await api.put<EditableQuestion>(`/api/questions/${question.id}`, body)
        : await api.post<EditableQuestion>('/api/questions', body);
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="bank-editor" onSubmit={onSubmit} aria-label={question ? 'Edit question' : 'New question'} data-testid="question-editor">
      <h2>{question ? 'Edit question' : 'New question'}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-module`}>Module</label>
          <select id={`${id}-module`} value={d.module_id} onChange={(e) => patch({ module_id: Number(e.target.value) })}>
            {modules.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-cat`}>Category</label>
          <select id={`${id}-cat`} value={d.category} onChange={(e) => patch({ category: e.target.value })}>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c.replace('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-text`}>Question</label>
          <textarea id={`${id}-text`} rows={3} required minLength={10} maxLength={2000} value={d.text} onChange={(e) => patch({ text: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-diff`}>Difficulty</label>
          <select id={`${id}-diff`} value={d.difficulty} onChange={(e) => patch({ difficulty: Number(e.target.value) })}>
            <option value={1}>1 — warm-up</option>
            <option value={2}>2 — standard</option>
            <option value={3}>3 — hard</option>
          </select>
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-ideal`}>Ideal answer</label>
          <textarea id={`${id}-ideal`} rows={5} maxLength={5000} value={d.ideal_answer} onChange={(e) => patch({ ideal_answer: e.target.value })} />
        </div>
      </div>

      <fieldset className="editor-group">
        <legend>What the interviewer listens for</legend>
        {d.key_points.map((k, i) => (
          <fieldset key={i} className="repeat" data-testid="listening-point">
            <legend className="sr-only">Listening point {i + 1}</legend>
            <div className="field">
              <label htmlFor={`${id}-kp-${i}`}>Point</label>
              <input id={`${id}-kp-${i}`} value={k.point} maxLength={200} onChange={(e) => setPoint(i, { point: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-kl-${i}`}>Listen for</label>
              <input id={`${id}-kl-${i}`} value={k.listen_for} maxLength={400} onChange={(e) => setPoint(i, { listen_for: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-ke-${i}`}>Examples (one evidence sentence per line)</label>
              <textarea id={`${id}-ke-${i}`} rows={3} value={k.examples} onChange={(e) => setPoint(i, { examples: e.target.value })} />
            </div>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setPoint(i, null)}>
              Remove point {i + 1}
            </button>
          </fieldset>
        ))}
        {d.key_points.length < MAX_POINTS && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => patch({ key_points: [...d.key_points, { point: '', listen_for: '', examples: '' }] })}>
            Add a listening point
          </button>
        )}
      </fieldset>

      {(['reference_answers', 'paraphrases'] as const).map((key) => (
        <fieldset key={key} className="editor-group">
          <legend>{key === 'reference_answers' ? 'Other strong answers' : 'Other wordings of the question'}</legend>
          {d[key].map((value, i) => (
            <div key={i} className="editor-row">
              <label className="sr-only" htmlFor={`${id}-${key}-${i}`}>
                {key === 'reference_answers' ? `Strong answer ${i + 1}` : `Wording ${i + 1}`}
              </label>
              <textarea id={`${id}-${key}-${i}`} rows={key === 'reference_answers' ? 4 : 2} value={value} onChange={(e) => setList(key, i, e.target.value)} />
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setList(key, i, null)} aria-label={`Remove ${key === 'reference_answers' ? 'strong answer' : 'wording'} ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          {d[key].length < MAX_ANSWERS && (
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => patch({ [key]: [...d[key], ''] })}>
              {key === 'reference_answers' ? 'Add a strong answer' : 'Add a wording'}
            </button>
          )}
        </fieldset>
      ))}

      <ChipInput label="Keywords" values={d.keywords} onChange={(keywords) => patch({ keywords })} placeholder="Add a keyword…" />
      {followUps.length > 0 && (
        <p className="small muted">
          {followUps.length} follow-up question{followUps.length === 1 ? '' : 's'} stay as they are.
        </p>
      )}
      <ErrorAlert error={error} title="Could not save the question" />
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={busy || d.text.trim().length < 10}>
          {busy && <Spinner size="sm" label="Saving…" />}
          {question ? 'Save changes' : 'Create question'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
