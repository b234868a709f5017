import { useEffect, useId, useState, type FormEvent } from 'react';
import { Search } from 'lucide-react';
import { Link, useSearchParams } from 'react-router';
import { api, requestRaw } from '../api/client';
import type { StaffSessionRow } from '../api/consoleTypes';
import type { Module } from '../api/types';
import { StaffTabs } from '../components/StaffTabs';
import { Badge, EmptyState, ErrorAlert, LoadingBlock, PageHeader, Spinner } from '../components/ui';
import { temporalWorkflowUrl, useConfig } from '../lib/config';
import { formatDate, formatScore, statusLabel } from '../lib/format';
import { useResource } from '../lib/useResource';

const PAGE_SIZE = 25;
const STATUSES = ['active', 'scoring', 'scoring_failed', 'completed', 'abandoned', 'ended', 'failed_to_start'];
const FILTERS = ['email', 'email_match', 'module_id', 'status', 'created_from', 'created_to'] as const;

export function statusTone(status: string): string {
  if (status === 'completed') return 'good';
  if (status === 'scoring_failed' || status === 'failed_to_start') return 'danger';
  if (status === 'active' || status === 'scoring') return 'brand';
  return 'neutral';
}

/** Staff: find any session — active and abandoned ones too — from part of an email and filters.
 * The filters live in the URL, so a search can be shared and the back button returns to it. */
export function StaffSessionsPage() {
  const config = useConfig();
  const [params, setParams] = useSearchParams();
  const [form, setForm] = useState(() => Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])));
  const offset = Number(params.get('offset') ?? 0) || 0;
  const ids = { email: useId(), match: useId(), module: useId(), status: useId(), from: useId(), to: useId() };
  const modules = useResource((s) => api.get<Module[]>('/api/modules', s), []);

  useEffect(() => {
    document.title = 'Sessions · Staff · TalentSync';
  }, []);

  const query = new URLSearchParams();
  for (const k of FILTERS) if (params.get(k)) query.set(k, params.get(k) as string);
  query.set('limit', String(PAGE_SIZE));
  query.set('offset', String(offset));
  const results = useResource(async (signal) => {
    const res = await requestRaw<StaffSessionRow[]>('GET', `/api/admin/sessions?${query}`, { signal });
    return { rows: res.data, total: Number(res.headers?.get('X-Total-Count') ?? res.data.length) };
  }, [query.toString()]);

  function onSearch(e: FormEvent) {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const k of FILTERS) if (form[k].trim()) next.set(k, form[k].trim());
    if (next.get('email_match') === 'contains') next.delete('email_match');
    setParams(next);
  }

  function goTo(newOffset: number) {
    const next = new URLSearchParams(params);
    next.set('offset', String(newOffset));
    setParams(next);
  }

  const set = (k: string) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const rows = results.data?.rows ?? [];
  const total = results.data?.total ?? 0;

  return (
    <div className="page">
      <StaffTabs />
      <PageHeader
        title="Sessions"
        subtitle="Find any interview — running, finished, abandoned or failed — by part of the candidate's email, module, status and start date. Open one for its timeline and its workflow in Temporal."
      />
      <form className="card staff-search" role="search" onSubmit={onSearch} aria-label="Find sessions">
        <div className="field staff-search-email">
          <label htmlFor={ids.email}>Candidate email contains</label>
          <input
            id={ids.email}
            type="search"
            value={form.email}
            onChange={set('email')}
            placeholder="e.g. jane or @acme.com"
            autoComplete="off"
            data-testid="staff-email"
          />
        </div>
        <div className="field">
          <label htmlFor={ids.match}>Match</label>
          <select id={ids.match} value={form.email_match || 'contains'} onChange={set('email_match')}>
            <option value="contains">anywhere</option>
            <option value="prefix">at the start</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.module}>Module</label>
          <select id={ids.module} value={form.module_id} onChange={set('module_id')}>
            <option value="">Any module</option>
            {(modules.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={form.status} onChange={set('status')}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.from}>Started from</label>
          <input id={ids.from} type="date" value={form.created_from} onChange={set('created_from')} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>Started until</label>
          <input id={ids.to} type="date" value={form.created_to} onChange={set('created_to')} />
        </div>
        <div className="staff-search-actions">
          <button type="submit" className="btn btn-primary">
            <Search size={16} aria-hidden="true" /> Search
          </button>
        </div>
      </form>

      <ErrorAlert error={results.error} onRetry={results.reload} title="Could not search sessions" />
      {results.loading && !results.data && <LoadingBlock label="Searching sessions…" />}
      {results.data && rows.length === 0 && (
        <EmptyState icon={<Search />} title="No session matches">
          Try fewer letters of the email, or widen the dates.
        </EmptyState>
      )}
      {rows.length > 0 && (
        <div className="card table-card">
          <p className="table-caption small muted" aria-live="polite" data-testid="staff-total">
            {results.loading && <Spinner size="sm" label="Refreshing…" />} {total.toLocaleString()} session
            {total === 1 ? '' : 's'} · showing {offset + 1}–{offset + rows.length}
          </p>
          <table className="table" data-testid="staff-sessions">
            <thead>
              <tr>
                <th scope="col">Candidate</th>
                <th scope="col">Module</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Answered</th>
                <th scope="col">Score</th>
                <th scope="col">Workflow</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <td data-label="Candidate">
                    <Link to={`/admin/sessions/${s.id}`} className="row-link" data-testid="staff-session-link">
                      {s.user_email}
                    </Link>
                    {s.user_is_test && (
                      <>
                        {' '}
                        <Badge tone="amber">test</Badge>
                      </>
                    )}
                  </td>
                  <td data-label="Module">{s.module.name}</td>
                  <td data-label="Status">
                    <Badge tone={statusTone(s.status)}>{statusLabel(s.status)}</Badge>
                  </td>
                  <td data-label="Started">{formatDate(s.created_at)}</td>
                  <td data-label="Answered">
                    {s.answered} / {s.max_questions}
                  </td>
                  <td data-label="Score">{s.overall_score === null ? '—' : formatScore(s.overall_score)}</td>
                  <td data-label="Workflow">
                    <a
                      href={temporalWorkflowUrl(config.temporal_ui_url, s.workflow_id)}
                      target="_blank"
                      rel="noreferrer"
                      className="mono small"
                      aria-label={`Workflow ${s.workflow_id} in the Temporal Web UI (opens in a new tab)`}
                    >
                      Temporal ↗
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button type="button" className="btn btn-secondary btn-sm" disabled={offset === 0} onClick={() => goTo(Math.max(0, offset - PAGE_SIZE))}>
              ← Newer
            </button>
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              disabled={offset + rows.length >= total}
              onClick={() => goTo(offset + PAGE_SIZE)}
            >
              Older →
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
