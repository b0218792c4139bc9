// The TDCS HTTP API (docs/API.md): JSON in and out, the session cookie, the
// CSRF token and an Idempotency-Key on every write. An error is the API's
// {code, field, message_vi, message_en}.

export interface ApiErrorBody {
  code: string;
  field: string;
  message_vi: string;
  message_en: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;
  constructor(status: number, body: ApiErrorBody) {
    super(body.message_en || body.code);
    this.status = status;
    this.body = body;
  }
}

let csrfToken = '';
export function setCsrfToken(token: string) {
  csrfToken = token;
}

export function newKey(): string {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

type Params = Record<string, string | number | undefined | null>;

export function query(params: Params = {}): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (entries.length === 0) return '';
  return '?' + entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = (body as ApiErrorBody) ?? {
      code: 'NETWORK',
      field: '',
      message_vi: `Máy chủ trả lời ${response.status}`,
      message_en: `The server answered ${response.status}`,
    };
    throw new ApiError(response.status, error);
  }
  return body as T;
}

export async function get<T>(path: string, params: Params = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path + query(params), { credentials: 'same-origin' });
  } catch {
    throw offline();
  }
  return answer<T>(response);
}

function offline(): ApiError {
  return new ApiError(0, {
    code: 'OFFLINE',
    field: '',
    message_vi: 'Mất kết nối tới máy chủ; dữ liệu đã nhập vẫn được giữ, hãy thử lại',
    message_en: 'The connection to the server was lost; what you entered is kept, try again',
  });
}

// A write: `key` makes it idempotent (sent again with the same key, it is
// posted once).
export async function send<T>(method: string, path: string, body: unknown, key = newKey(), params: Params = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path + query(params), {
      method,
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        'X-CSRF-Token': csrfToken,
        'Idempotency-Key': key,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw offline();
  }
  return answer<T>(response);
}

// Whether the server answered a write so that sending it again would be
// answered the same (a refusal by the rules: 400, 404, 409, 422): the next
// attempt is a new request with a new Idempotency-Key. After anything else
// (the connection lost, a 5xx, a session ended, 401/403/429) the write may
// or may not be on the books: it is sent again with the same key, and the
// server posts it at most once.
export function settled(e: unknown): boolean {
  return e instanceof ApiError && [400, 404, 409, 422].includes(e.status);
}

// The key of one write that must happen once — the same request (its
// method, path and body) sent again after a lost answer, a reload or the
// dialog closed and opened again — kept in the tab's storage until the
// server has settled it (keyDone), and for half an hour at most, so that the
// same payment made again another day is a new one.
const keyPrefix = 'tdcs.write.';
const keyLife = 30 * 60 * 1000;
export function keyFor(method: string, path: string, body: unknown): { key: string; done: () => void } {
  const name = keyPrefix + JSON.stringify([method, path, body]);
  const now = Date.now();
  for (const k of Object.keys(sessionStorage))
    if (k.startsWith(keyPrefix)) {
      const kept = JSON.parse(sessionStorage.getItem(k) ?? '{}') as { at?: number };
      if (!kept.at || now - kept.at > keyLife) sessionStorage.removeItem(k);
    }
  const kept = JSON.parse(sessionStorage.getItem(name) ?? 'null') as { key: string; at: number } | null;
  const key = kept?.key ?? newKey();
  if (!kept) sessionStorage.setItem(name, JSON.stringify({ key, at: now }));
  return { key, done: () => sessionStorage.removeItem(name) };
}

// A write sent under keyFor's key: the key is forgotten once the answer
// settles it (2xx, or a refusal the same request would get again).
export async function sendOnce<T>(method: string, path: string, body: unknown): Promise<T> {
  const { key, done } = keyFor(method, path, body);
  try {
    const result = await send<T>(method, path, body, key);
    done();
    return result;
  } catch (e) {
    if (settled(e)) done();
    throw e;
  }
}

// A file answer (CSV, XLSX) fetched and saved, telling the bytes received
// as they come (a national report takes a while); an error is the API's, not
// a page of JSON in place of the file.
export async function download(
  path: string,
  params: Params,
  filename: string,
  progress: (received: number, total: number | null) => void,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path + query(params), { credentials: 'same-origin' });
  } catch {
    throw offline();
  }
  if (!response.ok || !response.body) return answer<void>(response);
  const total = Number(response.headers.get('Content-Length')) || null;
  const reader = response.body.getReader();
  const parts: BlobPart[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.length;
    progress(received, total);
  }
  const url = URL.createObjectURL(new Blob(parts, { type: response.headers.get('Content-Type') ?? 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// A file answer (CSV, XLSX) as a download.
export function downloadUrl(path: string, params: Params = {}): string {
  return path + query(params);
}
