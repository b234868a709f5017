// A small HTTP client for the TalentSync API: bearer token from localStorage, `{"detail": ...}`
// errors turned into readable messages, and a global "unauthorized" signal so any 401 sends the
// user back to sign-in.

const TOKEN_KEY = 'talentsync.token';
export const UNAUTHORIZED_EVENT = 'talentsync:unauthorized';

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  readonly status: number;
  readonly detail: unknown;

  constructor(status: number, detail: unknown, message?: string) {
    super(message ?? formatDetail(detail, status));
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
  }
}

const STATUS_TEXT: Record<number, string> = {
  0: 'Cannot reach the server. Check your connection and try again.',
  400: 'The request was not accepted.',
  401: 'Your session has expired. Please sign in again.',
  403: 'You do not have access to this.',
  404: 'Not found.',
  409: 'That conflicts with the current state.',
  413: 'The file is too large.',
  415: 'That file type is not supported.',
  422: 'Some of the input is invalid.',
  429: 'Too many attempts. Please wait a moment and try again.',
  500: 'The server hit an error. Please try again.',
  502: 'The server is unavailable. Please try again shortly.',
  503: 'The server is busy or starting up. Please try again shortly.',
};

/** Turns FastAPI's `detail` (a string, or a list of validation errors) into one sentence. */
export function formatDetail(detail: unknown, status = 400): string {
  if (typeof detail === 'string' && detail.trim()) return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return detail
      .map((item) => {
        if (item && typeof item === 'object' && 'msg' in item) {
          const loc = Array.isArray((item as { loc?: unknown[] }).loc)
            ? (item as { loc: unknown[] }).loc.filter((p) => p !== 'body' && p !== 'query')
            : [];
          const msg = String((item as { msg: unknown }).msg).replace(/^Value error, /, '');
          const field = loc.length ? `${loc.join('.')}: ` : '';
          return `${field}${msg}`;
        }
        return String(item);
      })
      .join('; ');
  }
  if (detail && typeof detail === 'object' && 'message' in detail) {
    return String((detail as { message: unknown }).message);
  }
  return STATUS_TEXT[status] ?? `Request failed (${status}).`;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

function notifyUnauthorized(): void {
  setToken(null);
  window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
}

function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function parseBody(res: Response): Promise<unknown> {
  if (res.status === 204) return null;
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface RawResponse<T> {
  status: number;
  data: T;
  /** Response headers (e.g. `X-Total-Count` on paged lists); absent for XHR uploads. */
  headers?: Headers;
}

interface RequestOptions {
  body?: unknown;
  form?: URLSearchParams | FormData;
  signal?: AbortSignal;
  /** Skip the global 401 handling (the sign-in form reports bad credentials itself). */
  anonymous?: boolean;
  headers?: Record<string, string>;
}

/** Any request; resolves with the status for 2xx (so callers can tell 200 from 202), throws ApiError otherwise. */
export async function requestRaw<T>(
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<RawResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders(), ...(opts.headers ?? {}) };
  let body: BodyInit | undefined;
  if (opts.form) {
    body = opts.form;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, signal: opts.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, null);
  }
  const data = await parseBody(res);
  if (!res.ok) {
    const detail = data && typeof data === 'object' && 'detail' in data ? (data as { detail: unknown }).detail : data;
    if (res.status === 401 && !opts.anonymous) notifyUnauthorized();
    throw new ApiError(res.status, typeof detail === 'string' && detail.startsWith('<') ? null : detail);
  }
  return { status: res.status, data: data as T, headers: res.headers };
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  return (await requestRaw<T>(method, path, opts)).data;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, { signal }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, { body, headers }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
};

export interface UploadHandle<T> {
  promise: Promise<RawResponse<T>>;
  abort: () => void;
}

/**
 * Multipart upload through XMLHttpRequest, because fetch() cannot report upload progress.
 * `onProgress` receives a fraction 0..1 of bytes sent.
 */
export function upload<T>(
  path: string,
  form: FormData,
  onProgress?: (fraction: number) => void,
): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<RawResponse<T>>((resolve, reject) => {
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json');
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && onProgress) onProgress(ev.total ? ev.loaded / ev.total : 0);
    };
    xhr.upload.onload = () => onProgress?.(1);
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    xhr.onload = () => {
      let data: unknown = null;
      if (xhr.responseText) {
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          data = null;
        }
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ status: xhr.status, data: data as T });
        return;
      }
      const detail = data && typeof data === 'object' && 'detail' in data ? (data as { detail: unknown }).detail : null;
      if (xhr.status === 401) notifyUnauthorized();
      reject(new ApiError(xhr.status, detail));
    };
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/** Fetches a protected binary (e.g. an answer's audio) with the bearer token and returns a blob URL. */
export async function fetchBlobUrl(path: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(path, { headers: authHeaders(), signal });
  if (!res.ok) {
    if (res.status === 401) notifyUnauthorized();
    const data = await parseBody(res);
    const detail = data && typeof data === 'object' && 'detail' in data ? (data as { detail: unknown }).detail : null;
    throw new ApiError(res.status, detail);
  }
  return URL.createObjectURL(await res.blob());
}

/** WebSocket URL for a path under the current origin (ws:// or wss:// to match the page). */
export function wsUrl(path: string): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}${path}`;
}
