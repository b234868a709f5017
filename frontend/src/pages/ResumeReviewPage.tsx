import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api, errorMessage } from '../api/client';
import type { ParsedResume, ResumeAchievement, ResumeDetail, ResumeEducation, ResumeRole } from '../api/types';
import { ChipInput } from '../components/ChipInput';
import { Alert, ErrorAlert, LoadingBlock, PageHeader, ProgressBar, Spinner } from '../components/ui';
import { ResumeExtras, SourceCaption } from '../resume/ResumeExtras';

const POLL_MS = 1500;

function normalise(p: ParsedResume | null): ParsedResume {
  return {
    ...(p ?? {}),
    skills: p?.skills ?? [],
    roles: p?.roles ?? [],
    achievements: p?.achievements ?? [],
    education: p?.education ?? [],
  } as ParsedResume;
}

function Field({ label, children, wide }: { label: string; children: (id: string) => ReactNode; wide?: boolean }) {
  const id = useId();
  return (
    <div className={`field ${wide ? 'field-wide' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

export function ResumeReviewPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const justParsed = !!(location.state as { justParsed?: boolean } | null)?.justParsed;
  const [resume, setResume] = useState<ResumeDetail | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [draft, setDraft] = useState<ParsedResume | null>(null);
  const [saved, setSaved] = useState<string>('');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    document.title = 'Review resume · TalentSync';
  }, []);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const load = async () => {
      try {
        const r = await api.get<ResumeDetail>(`/api/resumes/${encodeURIComponent(id)}`);
        if (stopped) return;
        setResume(r);
        setLoadError(null);
        if (r.status === 'processing') {
          timer = setTimeout(load, POLL_MS);
        } else if (r.status === 'parsed') {
          const d = normalise(r.parsed);
          setDraft(d);
          setSaved(JSON.stringify(d));
        }
      } catch (err) {
        if (!stopped) setLoadError(err);
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, nonce]);

  const dirty = useMemo(() => !!draft && JSON.stringify(draft) !== saved, [draft, saved]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  async function onSave(e: FormEvent) {
    e.preventDefault();
    if (!draft) return;
    setSaving(true);
    setSaveError(null);
    // Drop empty rows the user added but never filled in.
    const clean: ParsedResume = {
      ...draft,
      skills: draft.skills.map((s) => s.trim()).filter(Boolean),
      roles: draft.roles
        .filter((r) => r.title.trim() || r.employer.trim())
        .map((r) => ({ ...r, bullets: (r.bullets ?? []).map((b) => b.trim()).filter(Boolean) })),
      achievements: draft.achievements.filter((a) => a.text.trim()),
      education: draft.education.filter((ed) => (ed.institution ?? '').trim() || (ed.degree ?? '').trim()),
    };
    try {
      const res = await api.put<ResumeDetail | null>(`/api/resumes/${encodeURIComponent(id)}`, { parsed: clean });
      const next = normalise(res && typeof res === 'object' && res.parsed ? res.parsed : clean);
      setDraft(next);
      setSaved(JSON.stringify(next));
      setSavedAt(Date.now());
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  }

  if (loadError && !resume)
    return (
      <div className="page narrow">
        <ErrorAlert error={loadError} onRetry={() => setNonce((n) => n + 1)} title="Could not load this resume" />
        <Link to="/resumes" className="btn btn-secondary">
          Back to resumes
        </Link>
      </div>
    );
  if (!resume) return <LoadingBlock label="Loading resume…" />;

  if (resume.status === 'processing')
    return (
      <div className="page narrow">
        <div className="card pending-card" role="status" data-testid="resume-processing">
          <Spinner size="lg" label="Reading your resume…" />
          <h1>Reading your resume…</h1>
          <p className="muted">Finding your skills, roles, achievements and education. This usually takes a few seconds.</p>
          <ProgressBar label="Parsing in progress" />
        </div>
      </div>
    );

  if (resume.status === 'failed' || !draft)
    return (
      <div className="page narrow">
        <Alert kind="error" title="We could not read this resume">
          {resume.error || 'The file could not be parsed.'} Try exporting it as a PDF or plain text and upload it again.
        </Alert>
        <Link to="/resumes" className="btn btn-primary">
          Upload another
        </Link>
      </div>
    );

  const set = <K extends keyof ParsedResume>(key: K, value: ParsedResume[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));
  const updateRole = (i: number, patch: Partial<ResumeRole>) => set('roles', draft.roles.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const updateAch = (i: number, patch: Partial<ResumeAchievement>) =>
    set('achievements', draft.achievements.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const updateEdu = (i: number, patch: Partial<ResumeEducation>) => set('education', draft.education.map((e, j) => (j === i ? { ...e, ...patch } : e)));

  return (
    <form className="page resume-review" onSubmit={onSave}>
      <PageHeader
        title="Review your resume"
        subtitle={
          <>
            {resume.filename ? <strong>{resume.filename}</strong> : null} — check what we extracted and correct anything wrong. Interview questions are drawn from
            what you save here.
          </>
        }
        actions={
          <Link to="/resumes" className="btn btn-ghost">
            Back
          </Link>
        }
      />
      {justParsed && !savedAt && <Alert kind="success">Your resume was read successfully. Review the details below.</Alert>}

      <section className="card form-section" aria-labelledby="sec-basics">
        <h2 id="sec-basics">Basics</h2>
        <div className="form-grid">
          <Field label="Name">{(fid) => <input id={fid} value={draft.name ?? ''} onChange={(e) => set('name', e.target.value)} data-testid="resume-name" />}</Field>
          <Field label="Email">{(fid) => <input id={fid} type="email" value={draft.email ?? ''} onChange={(e) => set('email', e.target.value)} />}</Field>
          <Field label="Phone">{(fid) => <input id={fid} value={draft.phone ?? ''} onChange={(e) => set('phone', e.target.value)} />}</Field>
          <Field label="Summary" wide>
            {(fid) => <textarea id={fid} rows={3} value={draft.summary ?? ''} onChange={(e) => set('summary', e.target.value)} />}
          </Field>
        </div>
      </section>

      <section className="card form-section" aria-labelledby="sec-skills">
        <h2 id="sec-skills">
          Skills <span className="count">{draft.skills.length}</span>
        </h2>
        <p className="muted small">Press Enter or comma to add a skill; remove ones that are wrong.</p>
        <ChipInput label="Skills" values={draft.skills} onChange={(v) => set('skills', v)} placeholder="Add a skill…" testId="skills" />
      </section>

      <section className="card form-section" aria-labelledby="sec-roles">
        <div className="section-head">
          <h2 id="sec-roles">
            Experience <span className="count">{draft.roles.length}</span>
          </h2>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => set('roles', [...draft.roles, { title: '', employer: '', start: '', end: '', bullets: [] }])}>
            + Add role
          </button>
        </div>
        {draft.roles.length === 0 && <p className="muted">No roles found. Add your positions so questions can ask about them.</p>}
        {draft.roles.map((r, i) => (
          <fieldset key={i} className="repeat" data-testid="role">
            <legend className="sr-only">Role {i + 1}</legend>
            <div className="form-grid">
              <Field label="Title">{(fid) => <input id={fid} value={r.title} onChange={(e) => updateRole(i, { title: e.target.value })} />}</Field>
              <Field label="Employer">{(fid) => <input id={fid} value={r.employer} onChange={(e) => updateRole(i, { employer: e.target.value })} />}</Field>
              <Field label="Start">{(fid) => <input id={fid} value={r.start ?? ''} placeholder="2021-03" onChange={(e) => updateRole(i, { start: e.target.value })} />}</Field>
              <Field label="End">{(fid) => <input id={fid} value={r.end ?? ''} placeholder="present" onChange={(e) => updateRole(i, { end: e.target.value })} />}</Field>
              <Field label="Highlights (one per line)" wide>
                {(fid) => (
                  <textarea
                    id={fid}
                    rows={Math.min(8, Math.max(2, (r.bullets ?? []).length + 1))}
                    value={(r.bullets ?? []).join('\n')}
                    onChange={(e) => updateRole(i, { bullets: e.target.value.split('\n') })}
                  />
                )}
              </Field>
            </div>
            <SourceCaption source={r.source} />
            <button type="button" className="btn btn-ghost btn-sm danger-text" onClick={() => set('roles', draft.roles.filter((_, j) => j !== i))}>
              Remove role
            </button>
          </fieldset>
        ))}
      </section>

      <section className="card form-section" aria-labelledby="sec-ach">
        <div className="section-head">
          <h2 id="sec-ach">
            Achievements <span className="count">{draft.achievements.length}</span>
          </h2>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => set('achievements', [...draft.achievements, { text: '', employer: null, numbers: [] }])}>
            + Add achievement
          </button>
        </div>
        <p className="muted small">Measurable results make the best interview questions (“cut latency 40%”, “led a team of 5”).</p>
        {draft.achievements.length === 0 && <p className="muted">No achievements found.</p>}
        <ul className="ach-list">
          {draft.achievements.map((a, i) => (
            <li key={i} className="ach-row">
              <label className="sr-only" htmlFor={`ach-${i}`}>
                Achievement {i + 1}
              </label>
              <div className="ach-main">
                <textarea id={`ach-${i}`} rows={2} value={a.text} onChange={(e) => updateAch(i, { text: e.target.value })} />
                <SourceCaption source={a.source} />
              </div>
              <button type="button" className="icon-btn" aria-label={`Remove achievement ${i + 1}`} onClick={() => set('achievements', draft.achievements.filter((_, j) => j !== i))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section className="card form-section" aria-labelledby="sec-edu">
        <div className="section-head">
          <h2 id="sec-edu">
            Education <span className="count">{draft.education.length}</span>
          </h2>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => set('education', [...draft.education, { institution: '', degree: '', start: '', end: '', details: [] }])}>
            + Add education
          </button>
        </div>
        {draft.education.length === 0 && <p className="muted">No education found.</p>}
        {draft.education.map((ed, i) => (
          <fieldset key={i} className="repeat">
            <legend className="sr-only">Education {i + 1}</legend>
            <div className="form-grid">
              <Field label="Institution">{(fid) => <input id={fid} value={ed.institution ?? ''} onChange={(e) => updateEdu(i, { institution: e.target.value })} />}</Field>
              <Field label="Degree">{(fid) => <input id={fid} value={ed.degree ?? ''} onChange={(e) => updateEdu(i, { degree: e.target.value })} />}</Field>
              <Field label="Start">{(fid) => <input id={fid} value={ed.start ?? ''} onChange={(e) => updateEdu(i, { start: e.target.value })} />}</Field>
              <Field label="End">{(fid) => <input id={fid} value={ed.end ?? ''} onChange={(e) => updateEdu(i, { end: e.target.value })} />}</Field>
            </div>
            <SourceCaption source={ed.source} />
            <button type="button" className="btn btn-ghost btn-sm danger-text" onClick={() => set('education', draft.education.filter((_, j) => j !== i))}>
              Remove
            </button>
          </fieldset>
        ))}
      </section>

      <ResumeExtras parsed={draft} />

      <div className="save-bar" role="region" aria-label="Save changes">
        <div aria-live="polite">
          {saveError !== null && <span className="error-text">Could not save: {errorMessage(saveError)}</span>}
          {saveError === null && dirty && <span className="muted">You have unsaved changes.</span>}
          {saveError === null && !dirty && savedAt && (
            <span className="success-text" data-testid="saved">
              ✓ Saved
            </span>
          )}
        </div>
        <div className="button-row">
          <button
            type="button"
            className="btn btn-ghost"
            disabled={!dirty || saving}
            onClick={() => {
              setDraft(JSON.parse(saved) as ParsedResume);
              setSaveError(null);
            }}
          >
            Discard changes
          </button>
          <button type="submit" className="btn btn-primary" disabled={!dirty || saving}>
            {saving && <Spinner size="sm" label="Saving…" />}
            Save changes
          </button>
        </div>
      </div>
    </form>
  );
}
