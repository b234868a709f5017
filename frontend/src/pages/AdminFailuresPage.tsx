import { useEffect, useState } from 'react';
import { CheckCircle2 } from 'lucide-react';
import { api, errorMessage } from '../api/client';
import type { RetryAllResult } from '../api/consoleTypes';
import type { AdminSession } from '../api/types';
import { StaffTabs } from '../components/StaffTabs';
import { Alert, EmptyState, ErrorAlert, LoadingBlock, PageHeader, Spinner } from '../components/ui';
import { temporalWorkflowUrl, useConfig } from '../lib/config';
import { formatDate } from '../lib/format';
import { useResource } from '../lib/useResource';

type RowState = { kind: 'idle' } | { kind: 'retrying' } | { kind: 'retried' } | { kind: 'error'; error: unknown };

export function AdminFailuresPage() {
  const config = useConfig();
  const sessions = useResource((s) => api.get<AdminSession[]>('/api/admin/sessions?status=scoring_failed', s), []);
  const [rows, setRows] = useState<Record<string, RowState>>({});
  const [all, setAll] = useState<{ busy: boolean; result?: RetryAllResult; error?: unknown }>({ busy: false });

  useEffect(() => {
    document.title = 'Scoring failures · TalentSync';
  }, []);

  async function retry(s: AdminSession) {
    setRows((r) => ({ ...r, [s.id]: { kind: 'retrying' } }));
    try {
      await api.post(`/api/admin/sessions/${encodeURIComponent(s.id)}/retry-scoring`);
      setRows((r) => ({ ...r, [s.id]: { kind: 'retried' } }));
    } catch (err) {
      setRows((r) => ({ ...r, [s.id]: { kind: 'error', error: err } }));
    }
  }

  async function retryAll() {
    setAll({ busy: true });
    try {
      const result = await api.post<RetryAllResult>('/api/admin/sessions/retry-scoring?limit=200');
      setAll({ busy: false, result });
      const ok = new Set(result.signalled);
      setRows((r) => {
        const next = { ...r };
        for (const s of sessions.data ?? []) if (ok.has(s.workflow_id)) next[s.id] = { kind: 'retried' };
        return next;
      });
    } catch (err) {
      setAll({ busy: false, error: err });
    }
  }

  const list = sessions.data ?? [];

  return (
    <div className="page">
      <StaffTabs />
      <PageHeader
        title="Scoring failures"
        subtitle="Sessions whose scoring or feedback failed after its automatic retries. Answers are stored; retrying re-runs scoring only."
        actions={
          <div className="button-row">
            {list.length > 0 && (
              <button type="button" className="btn btn-primary" onClick={retryAll} disabled={all.busy} data-testid="retry-all">
                {all.busy && <Spinner size="sm" label="Retrying all…" />}
                Retry all
              </button>
            )}
            <button type="button" className="btn btn-secondary" onClick={sessions.reload} disabled={sessions.loading}>
              {sessions.loading && <Spinner size="sm" label="Refreshing…" />}
              Refresh
            </button>
          </div>
        }
      />
      {all.result && (
        <Alert kind={all.result.failed.length ? 'warning' : 'success'} title="Retry all">
          Retry requested for {all.result.signalled.length} session{all.result.signalled.length === 1 ? '' : 's'}.
          {all.result.failed.length > 0 && ` ${all.result.failed.length} could not be signalled: ${all.result.failed[0].error}`}
          {all.result.remaining > 0 && ` ${all.result.remaining} more are waiting: press Retry all again.`}
        </Alert>
      )}
      {all.error !== undefined && <ErrorAlert error={all.error} title="Could not retry all" />}
      {sessions.loading && !sessions.data && <LoadingBlock label="Loading failed sessions…" />}
      <ErrorAlert error={sessions.error} onRetry={sessions.reload} title="Could not load failed sessions" />
      {sessions.data && list.length === 0 && (
        <EmptyState icon={<CheckCircle2 />} title="No failed scoring">
          Every finished session has been scored. Sessions that fail after retries show up here.
        </EmptyState>
      )}
      {list.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="failures-table">
            <thead>
              <tr>
                <th scope="col">Candidate</th>
                <th scope="col">Module</th>
                <th scope="col">Started</th>
                <th scope="col">Workflow</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => {
                const row = rows[s.id] ?? { kind: 'idle' };
                const moduleName = typeof s.module === 'string' ? s.module : s.module?.name;
                return (
                  <tr key={s.id}>
                    <td data-label="Candidate">{s.user_email}</td>
                    <td data-label="Module">{moduleName}</td>
                    <td data-label="Started">{formatDate(s.created_at)}</td>
                    <td data-label="Workflow">
                      <a href={temporalWorkflowUrl(config.temporal_ui_url, s.workflow_id)} target="_blank" rel="noreferrer" className="mono">
                        {s.workflow_id} ↗
                      </a>
                    </td>
                    <td className="row-action">
                      {row.kind === 'retried' ? (
                        <span className="success-text">✓ Retry requested</span>
                      ) : (
                        <button type="button" className="btn btn-primary btn-sm" onClick={() => retry(s)} disabled={row.kind === 'retrying'}>
                          {row.kind === 'retrying' && <Spinner size="sm" label="Retrying…" />}
                          Retry scoring
                        </button>
                      )}
                      {row.kind === 'error' && <div className="error-text small">{errorMessage(row.error)}</div>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Alert kind="info">
        Open a workflow link to inspect its full history in the Temporal Web UI. Retrying signals <code>retry_scoring</code> to the session’s workflow.
      </Alert>
    </div>
  );
}
