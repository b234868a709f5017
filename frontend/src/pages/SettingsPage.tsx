import { useEffect, useId, useState } from 'react';
import { Download, Trash2 } from 'lucide-react';
import { useNavigate } from 'react-router';
import { ApiError, errorMessage, getToken, request } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { Alert, Modal, PageHeader, Spinner } from '../components/ui';
import { formatBytes } from '../lib/format';

// Read (once) by the sign-in page to say the deletion happened.
export const DELETED_FLAG = 'talentsync.account-deleted';

/** Downloads the export zip with the bearer token (a plain link cannot send it). */
async function downloadExport(): Promise<number> {
  const token = getToken();
  const res = await fetch('/api/me/export', { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    let detail: unknown = null;
    try {
      detail = (await res.json()).detail;
    } catch {
      detail = null;
    }
    throw new ApiError(res.status, detail);
  }
  const blob = await res.blob();
  const match = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '');
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = match?.[1] ?? 'talentsync-export.zip';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return blob.size;
}

export function SettingsPage() {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<number | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const confirmId = useId();

  useEffect(() => {
    document.title = 'Settings · TalentSync';
  }, []);

  const email = user?.email ?? '';
  const matches = typed.trim().toLowerCase() === email.toLowerCase() && email !== '';

  async function onExport() {
    setExporting(true);
    setExportError(null);
    setExported(null);
    try {
      setExported(await downloadExport());
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  }

  async function onDelete() {
    if (!matches) return;
    setDeleting(true);
    setDeleteError(null);
    try {
      await request('DELETE', '/api/me');
      // Said on the sign-in page only because the server answered 204: everything is gone.
      sessionStorage.setItem(DELETED_FLAG, email);
      signOut();
      navigate('/signin', { replace: true });
    } catch (err) {
      setDeleteError(err);
      setDeleting(false);
    }
  }

  return (
    <div className="page narrow settings-page">
      <PageHeader title="Settings" subtitle={`Signed in as ${email}`} />

      <section className="card" aria-labelledby="export-h">
        <h2 id="export-h" className="card-title">
          <Download size={18} aria-hidden="true" /> Export your data
        </h2>
        <p>
          One zip file with everything TalentSync holds about you: your account, your resumes (the files and what was read from them), every
          interview with its questions, your answers, transcripts, recordings, scores and feedback.
        </p>
        {exportError !== null && <Alert kind="error">{errorMessage(exportError)}</Alert>}
        {exported !== null && (
          <Alert kind="success" onDismiss={() => setExported(null)}>
            Your export ({formatBytes(exported)}) has been downloaded.
          </Alert>
        )}
        <div className="button-row">
          <button type="button" className="btn btn-secondary" onClick={onExport} disabled={exporting} data-testid="export-button">
            {exporting && <Spinner size="sm" label="Preparing your export…" />}
            {exporting ? 'Preparing your export…' : 'Download my data'}
          </button>
        </div>
      </section>

      <section className="card danger-zone" aria-labelledby="delete-h">
        <h2 id="delete-h" className="card-title">
          <Trash2 size={18} aria-hidden="true" /> Delete your account
        </h2>
        <p>
          Deletes your account and everything it owns: resumes, interviews, answers, recordings, scores, feedback and the interview
          histories kept by the interview service. This cannot be undone. Download your data first if you want a copy.
        </p>
        <div className="button-row">
          <button
            type="button"
            className="btn btn-danger"
            onClick={() => {
              setTyped('');
              setDeleteError(null);
              setConfirming(true);
            }}
            data-testid="delete-account-button"
          >
            Delete my account…
          </button>
        </div>
      </section>

      <Modal
        open={confirming}
        title="Delete your account?"
        size="sm"
        onClose={() => !deleting && setConfirming(false)}
        footer={
          <>
            <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)} disabled={deleting}>
              Cancel
            </button>
            <button type="button" className="btn btn-danger" onClick={onDelete} disabled={deleting || !matches} data-testid="delete-confirm-button">
              {deleting && <Spinner size="sm" label="Deleting your account…" />}
              {deleting ? 'Deleting…' : 'Delete everything'}
            </button>
          </>
        }
      >
        <p>
          This permanently deletes your account and every interview, recording and resume. Type your email address <strong>{email}</strong> to
          confirm.
        </p>
        <div className="field">
          <label htmlFor={confirmId}>Your email address</label>
          <input
            id={confirmId}
            type="email"
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-testid="delete-confirm-input"
            disabled={deleting}
          />
        </div>
        {deleteError !== null && (
          <Alert kind="error" title="Your account was not deleted">
            {errorMessage(deleteError)}
          </Alert>
        )}
      </Modal>
    </div>
  );
}
