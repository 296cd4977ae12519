// The REST client: the public API only, with the API key (if the server asks for one) kept in
// localStorage and sent as x-api-key. A 401 asks the app for a key once, then retries.

export interface Keyword {
  id: number;
  keyword: string;
  url: string;
  tags: string[];
  target_rank: number | null;
  last_rank: number | null;
  last_checked_at: string | null;
  is_active: boolean;
  created_at: string;
}
export interface Ranking {
  id: number;
  keyword_id: number;
  rank: number | null;
  rank_type: 'AD' | 'ORGANIC';
  checked_at: string;
  crawling_duration: number | null;
  total_duration: number | null;
  crawling_method: string;
  request_kb: number | null;
  response_kb: number | null;
  total_network_kb: number | null;
}
export interface LatestCheck {
  rank: number | null;
  checked_at: string;
  method: string;
}
export type LatestRanks = Record<string, { AD: LatestCheck | null; ORGANIC: LatestCheck | null }>;
export interface QueueJob {
  id: string;
  data: { keywordId?: number; keyword?: string; targetUrl?: string } | string | null;
  status: string;
  progress: unknown;
  finishedOn: number | null;
  failedReason: string | null;
  attemptsMade?: number;
  attempts?: number;
  priority?: number;
  timestamp?: number;
}
export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  paused: number;
}
export interface BulkSearch {
  id: number;
  name: string;
  filename: string | null;
  total_count: number;
  completed_count: number;
  pending_count: number;
  status: string;
  created_at: string;
  completed_at: string | null;
}
export interface BulkKeyword {
  id: number;
  keyword: string;
  url: string;
  status: string;
  rank: number | null;
  cached_from: string | null;
  completed_at: string | null;
}
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  role: string;
  concurrency: number;
  busy: number;
  startedAt: number;
  heartbeat: number;
  jobsCompleted: number;
  jobsFailed: number;
}
export interface Scaling {
  intervalMs: number;
  samples: { at: number; waiting: number; active: number; delayed: number; failed: number; workers: number; slots: number; busy: number }[];
  minutes: { at: number; queueWaitingJobs: number; backlogPerWorker: number }[];
  policy: { minCapacity: number; maxCapacity: number; policies: { name: string; type: string; target?: number; comparison?: string; threshold?: number }[] } | null;
  advice: { current: number; desired: number; policy: string; metric: number | null } | null;
}

export class ApiError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

const KEY = 'crawler.apiKey';
export const apiKey = {
  get: (): string => localStorage.getItem(KEY) ?? '',
  set: (k: string) => localStorage.setItem(KEY, k),
  clear: () => localStorage.removeItem(KEY),
};

// Set by the app: resolves with a new key when the person enters one.
let askForKey: (() => Promise<string>) | null = null;
export function onKeyNeeded(fn: () => Promise<string>) {
  askForKey = fn;
}

function headers(extra?: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  const k = apiKey.get();
  if (k) h['x-api-key'] = k;
  return h;
}

async function raw(method: string, path: string, body?: BodyInit, type?: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(path, { method, body, headers: headers(type ? { 'content-type': type } : undefined) });
    if (res.status === 401 && attempt === 0 && askForKey) {
      apiKey.set(await askForKey());
      continue;
    }
    return res;
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await raw(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json');
  let json: { success?: boolean; data?: T; error?: string } = {};
  try {
    json = await res.json();
  } catch {
    throw new ApiError(res.status, `HTTP ${res.status}`);
  }
  if (!res.ok || json.success === false) throw new ApiError(res.status, json.error ?? `HTTP ${res.status}`);
  return json.data as T;
}

const q = (params: Record<string, string | number | undefined>) =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

export const api = {
  keywords: (p: { page: number; limit: number; sortBy: string; order: string; search?: string; tag?: string }) =>
    call<{ keywords: Keyword[]; total: number }>('GET', `/api/keywords?${q(p)}`),
  keyword: (id: number) => call<Keyword>('GET', `/api/keywords/${id}`),
  latestRanks: (ids: number[]) => call<LatestRanks>('GET', `/api/keywords/latest-ranks?ids=${ids.join(',')}`),
  addKeyword: (k: { keyword: string; url: string; tags: string[]; targetRank?: number }) => call<Keyword>('POST', '/api/keywords', k),
  importKeywords: (rows: { keyword: string; url: string; tags?: string[]; targetRank?: number }[]) =>
    call<ImportResult>('POST', '/api/keywords/import', { keywords: rows }),
  importKeywordsFile: async (file: File) => {
    const form = new FormData();
    form.append('file', file);
    const res = await raw('POST', '/api/keywords/import', form);
    const json = await res.json();
    if (!res.ok || !json.success) throw new ApiError(res.status, json.error ?? `HTTP ${res.status}`);
    return json.data as ImportResult;
  },
  updateKeyword: (id: number, u: { tags: string[]; targetRank: number | null }) => call<Keyword>('PUT', `/api/keywords/${id}`, u),
  deleteKeyword: (id: number) => call<{ id: number }>('DELETE', `/api/keywords/${id}`),
  checkNow: (ids: number[]) => call<{ queued: number; results: { keywordId: number; status: string }[] }>('POST', '/api/jobs/enqueue/priority', { ids }),
  rankings: (id: number) => call<Ranking[]>('GET', `/api/rankings/${id}/rankings`),
  queue: () => call<QueueCounts & { jobs: QueueJob[] }>('GET', '/api/jobs/queue'),
  jobs: (state: string, page: number, limit: number) =>
    call<{ jobs: QueueJob[]; total: number }>('GET', `/api/jobs/list?${q({ state, page, limit })}`),
  retryJob: (id: string) => call<unknown>('POST', `/api/jobs/${encodeURIComponent(id)}/retry`),
  retryAll: () => call<{ retried: number }>('POST', '/api/jobs/retry-failed'),
  clean: () => call<unknown>('POST', '/api/jobs/clean'),
  bulkSearches: (page: number, limit: number) =>
    call<{ bulkSearches: BulkSearch[]; total: number }>('GET', `/api/bulk-searches?${q({ page, limit })}`),
  bulkSearch: (id: number) => call<BulkSearch>('GET', `/api/bulk-searches/${id}`),
  bulkKeywords: (id: number, page: number, limit: number, status?: string) =>
    call<{ keywords: BulkKeyword[]; total: number }>('GET', `/api/bulk-searches/${id}/keywords?${q({ page, limit, status })}`),
  deleteBulk: (id: number) => call<unknown>('DELETE', `/api/bulk-searches/${id}`),
  workers: () => call<{ workers: WorkerInfo[]; count: number; slots: number; busySlots: number }>('GET', '/api/workers'),
  scaling: () => call<Scaling>('GET', '/api/scaling'),
};

export interface ImportResult {
  added: number;
  exists: number;
  invalid: number;
  results: { status: string; id: number | null; error?: string }[];
}

// Downloads a file the API serves (template, export) with the key header, as a named file.
export async function download(path: string, fallbackName: string) {
  const res = await raw('GET', path);
  if (!res.ok) throw new ApiError(res.status, `HTTP ${res.status}`);
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const name = star ? decodeURIComponent(star[1]) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// Uploads a bulk-search .xlsx with XMLHttpRequest, whose upload events give a progress bar.
export function uploadBulk(file: File, name: string, onProgress: (pct: number) => void) {
  return new Promise<{ id: number; totalCount: number; cachedCount: number; pendingCount: number }>((resolve, reject) => {
    const send = (retried: boolean) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/bulk-searches/upload');
      const k = apiKey.get();
      if (k) xhr.setRequestHeader('x-api-key', k);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((100 * e.loaded) / e.total));
      xhr.onerror = () => reject(new ApiError(0, 'network error'));
      xhr.onload = async () => {
        if (xhr.status === 401 && !retried && askForKey) {
          apiKey.set(await askForKey());
          return send(true);
        }
        let json: { success?: boolean; data?: never; error?: string } = {};
        try {
          json = JSON.parse(xhr.responseText);
        } catch {
          /* not JSON */
        }
        if (xhr.status >= 200 && xhr.status < 300 && json.success) {
          onProgress(100);
          resolve(json.data!);
        } else reject(new ApiError(xhr.status, json.error ?? `HTTP ${xhr.status}`));
      };
      const form = new FormData();
      form.append('name', name);
      form.append('file', file);
      xhr.send(form);
    };
    send(false);
  });
}
