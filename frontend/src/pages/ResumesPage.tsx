import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { FileText, Trash2, UploadCloud } from 'lucide-react';
import { Link, useNavigate } from 'react-router';
import { ApiError, api, errorMessage, request, upload, type UploadHandle } from '../api/client';
import type { ResumeDetail, ResumeSummary } from '../api/types';
import { Alert, Badge, ConfirmDialog, EmptyState, ErrorAlert, LoadingBlock, PageHeader, ProgressBar, Spinner } from '../components/ui';
import { formatBytes, formatDate } from '../lib/format';
import { useResource } from '../lib/useResource';

const ACCEPT = '.pdf,.docx,.txt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain';
const ALLOWED_EXT = ['pdf', 'docx', 'txt'];
const POLL_MS = 1500;

type UploadState =
  | { kind: 'idle' }
  | { kind: 'uploading'; file: File; progress: number }
  | { kind: 'processing'; file: File; id: string }
  | { kind: 'failed'; file: File | null; error: unknown };

function statusTone(status: string) {
  return status === 'parsed' ? 'good' : status === 'failed' ? 'danger' : 'amber';
}

export function ResumesPage() {
  const navigate = useNavigate();
  const resumes = useResource((s) => api.get<ResumeSummary[]>('/api/resumes', s), []);
  const reloadResumes = resumes.reload;
  const [state, setState] = useState<UploadState>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  const [toDelete, setToDelete] = useState<ResumeSummary | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [deleted, setDeleted] = useState<string>('');
  const inputRef = useRef<HTMLInputElement>(null);
  const handleRef = useRef<UploadHandle<{ id: string; status: string }> | null>(null);

  useEffect(() => {
    document.title = 'Resumes · TalentSync';
    return () => handleRef.current?.abort();
  }, []);

  // While a new resume is being parsed, poll it and open the review page once it is ready.
  useEffect(() => {
    if (state.kind !== 'processing') return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const r = await api.get<ResumeDetail>(`/api/resumes/${encodeURIComponent(state.id)}`);
        if (stopped) return;
        if (r.status === 'parsed') {
          navigate(`/resumes/${state.id}`, { state: { justParsed: true } });
          return;
        }
        if (r.status === 'failed') {
          setState({ kind: 'failed', file: state.file, error: new Error(r.error || 'We could not read this resume.') });
          reloadResumes();
          return;
        }
        timer = setTimeout(poll, POLL_MS);
      } catch (err) {
        if (!stopped) setState({ kind: 'failed', file: state.file, error: err });
      }
    };
    timer = setTimeout(poll, 500);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [state, navigate, reloadResumes]);

  const start = useCallback(
    async (file: File) => {
      const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
      if (!ALLOWED_EXT.includes(ext)) {
        setState({ kind: 'failed', file, error: new Error(`“${file.name}” is not a PDF, DOCX or TXT file.`) });
        return;
      }
      if (file.size === 0) {
        setState({ kind: 'failed', file, error: new Error(`“${file.name}” is empty.`) });
        return;
      }
      const form = new FormData();
      form.append('file', file, file.name);
      setState({ kind: 'uploading', file, progress: 0 });
      const handle = upload<{ id: string; status: string }>('/api/resumes', form, (p) =>
        setState((s) => (s.kind === 'uploading' ? { ...s, progress: p } : s)),
      );
      handleRef.current = handle;
      try {
        const { data } = await handle.promise;
        setState({ kind: 'processing', file, id: data.id });
        reloadResumes();
      } catch (err) {
        if (err instanceof DOMException && err.name === 'AbortError') {
          setState({ kind: 'idle' });
          return;
        }
        setState({ kind: 'failed', file, error: err });
      } finally {
        handleRef.current = null;
      }
    },
    [reloadResumes],
  );

  async function confirmDelete() {
    if (!toDelete) return;
    setDeleting(true);
    setDeleteError(null);
    try {
      await request<null>('DELETE', `/api/resumes/${encodeURIComponent(toDelete.id)}`);
      setDeleted(toDelete.filename);
      setToDelete(null);
      reloadResumes();
    } catch (err) {
      // A resume already gone (deleted in another tab) is what the user wanted; say so plainly.
      if (err instanceof ApiError && err.status === 404) {
        setDeleted(toDelete.filename);
        setToDelete(null);
        reloadResumes();
      } else {
        setDeleteError(err);
      }
    } finally {
      setDeleting(false);
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void start(file);
  }

  const busy = state.kind === 'uploading' || state.kind === 'processing';
  const list = [...(resumes.data ?? [])].sort((a, b) => b.created_at.localeCompare(a.created_at));

  return (
    <div className="page">
      <PageHeader
        title="Resumes"
        subtitle="Upload your resume to get interview questions about your own roles, projects and achievements."
      />

      <section
        className={`card dropzone ${dragging ? 'dragging' : ''} ${busy ? 'busy' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          if (!busy) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={busy ? (e) => e.preventDefault() : onDrop}
        aria-label="Upload a resume"
      >
        {state.kind === 'uploading' && (
          <div className="upload-status" data-testid="upload-progress">
            <p>
              Uploading <strong>{state.file.name}</strong> <span className="muted small">({formatBytes(state.file.size)})</span>
            </p>
            <ProgressBar value={state.progress} label="Upload progress" showValue />
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => handleRef.current?.abort()}>
              Cancel
            </button>
          </div>
        )}
        {state.kind === 'processing' && (
          <div className="upload-status" data-testid="resume-processing" role="status">
            <Spinner label="Reading your resume…" />
            <p>
              Reading <strong>{state.file.name}</strong>: finding your skills, roles and achievements…
            </p>
            <ProgressBar label="Parsing in progress" />
          </div>
        )}
        {(state.kind === 'idle' || state.kind === 'failed') && (
          <div className="dropzone-inner">
            <div className="dropzone-icon" aria-hidden="true">
              <UploadCloud size={40} strokeWidth={1.6} />
            </div>
            <p>
              <strong>Drag your resume here</strong> or
            </p>
            <button type="button" className="btn btn-primary" onClick={() => inputRef.current?.click()}>
              Choose a file
            </button>
            <p className="muted small">PDF, DOCX or TXT</p>
          </div>
        )}
        <input
          ref={inputRef}
          type="file"
          accept={ACCEPT}
          className="sr-only"
          aria-label="Resume file"
          data-testid="resume-file"
          tabIndex={-1}
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void start(f);
          }}
        />
      </section>
      {state.kind === 'failed' && (
        <Alert
          kind="error"
          title={
            state.error instanceof ApiError && state.error.status === 415
              ? 'Unsupported file type'
              : state.error instanceof ApiError && state.error.status === 413
                ? 'File too large'
                : 'Upload failed'
          }
          onDismiss={() => setState({ kind: 'idle' })}
        >
          {errorMessage(state.error)}
        </Alert>
      )}

      <h2 className="section-title">Your resumes</h2>
      {deleted && (
        <Alert kind="success" onDismiss={() => setDeleted('')}>
          “{deleted}” was deleted.
        </Alert>
      )}
      {resumes.loading && !resumes.data && <LoadingBlock label="Loading resumes…" />}
      <ErrorAlert error={resumes.error} onRetry={resumes.reload} />
      {resumes.data && list.length === 0 && (
        <EmptyState icon={<FileText />} title="No resumes yet">
          Your uploaded resumes appear here. You can review and correct what we extracted.
        </EmptyState>
      )}
      {list.length > 0 && (
        <ul className="resume-list">
          {list.map((r) => (
            <li key={r.id} className="card resume-row" data-testid="resume-row">
              <span className="resume-icon" aria-hidden="true">
                <FileText size={22} />
                <span className="resume-ext">{r.filename.split('.').pop()?.toUpperCase()}</span>
              </span>
              <div className="resume-row-main">
                <strong>{r.filename}</strong>
                <span className="muted small">Uploaded {formatDate(r.created_at)}</span>
              </div>
              <Badge tone={statusTone(r.status)}>{r.status}</Badge>
              <div className="resume-row-actions">
                <Link to={`/resumes/${r.id}`} className="btn btn-secondary btn-sm">
                  {r.status === 'parsed' ? 'Review' : 'Open'}
                </Link>
                <button
                  type="button"
                  className="btn btn-ghost btn-sm danger-text"
                  aria-label={`Delete ${r.filename}`}
                  data-testid="resume-delete"
                  onClick={() => {
                    setDeleteError(null);
                    setToDelete(r);
                  }}
                >
                  <Trash2 size={16} aria-hidden="true" />
                  <span className="resume-delete-label">Delete</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={toDelete !== null}
        title="Delete this resume?"
        confirmLabel="Delete resume"
        danger
        busy={deleting}
        onConfirm={() => void confirmDelete()}
        onCancel={() => {
          if (!deleting) setToDelete(null);
        }}
      >
        <p>
          <strong>{toDelete?.filename}</strong> and its uploaded file will be deleted. This cannot be undone.
        </p>
        <p className="muted small">Interviews you already did with it keep their questions, answers and reports.</p>
        {deleteError !== null && <p className="error-text">Could not delete: {errorMessage(deleteError)}</p>}
      </ConfirmDialog>
    </div>
  );
}
