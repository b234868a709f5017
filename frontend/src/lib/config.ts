import { useEffect, useState } from 'react';
import { api } from '../api/client';

export interface AppConfig {
  temporal_ui_url: string;
}

const DEFAULT_CONFIG: AppConfig = { temporal_ui_url: 'http://127.0.0.1:8233' };

let cached: Promise<AppConfig> | null = null;

/** `GET /api/config` once per page load; falls back to the local Temporal dev UI. */
export function loadConfig(): Promise<AppConfig> {
  cached ??= api
    .get<Partial<AppConfig>>('/api/config')
    .then((c) => ({ ...DEFAULT_CONFIG, ...(c ?? {}) }))
    .catch(() => DEFAULT_CONFIG);
  return cached;
}

export function useConfig(): AppConfig {
  const [config, setConfig] = useState<AppConfig>(DEFAULT_CONFIG);
  useEffect(() => {
    let alive = true;
    void loadConfig().then((c) => alive && setConfig(c));
    return () => {
      alive = false;
    };
  }, []);
  return config;
}

export function temporalWorkflowUrl(base: string, workflowId: string, namespace = 'default'): string {
  return `${base.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
