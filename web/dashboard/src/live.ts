// The Socket.IO connection (our server's Socket.IO 4 at /socket.io/): its state for the header,
// and the events pages listen to. The API key goes in the CONNECT auth payload.
import { io, type Socket } from 'socket.io-client';
import { apiKey } from './api';
import { signal } from './state';

export type LiveState = 'connecting' | 'connected' | 'disconnected';
export const liveState = signal<LiveState>('connecting');

export interface RankUpdated {
  keywordId: number | null;
  rank: number | null;
  timestamp: string;
}
export interface RankAlert {
  keywordId: number | null;
  keyword: string;
  rank: number;
  targetRank: number;
  message: string;
}
export interface JobFailed {
  keywordId: number | null;
  error: string;
}
type Events = {
  rank_updated: RankUpdated;
  rank_alert: RankAlert;
  job_failed: JobFailed;
  job_progress: { jobId: string; keywordId: number | null; progress: unknown };
};
type Name = keyof Events;

const listeners: { [K in Name]: Set<(e: Events[K]) => void> } = {
  rank_updated: new Set(),
  rank_alert: new Set(),
  job_failed: new Set(),
  job_progress: new Set(),
};
export function on<K extends Name>(name: K, fn: (e: Events[K]) => void): () => void {
  listeners[name].add(fn);
  return () => listeners[name].delete(fn);
}

let socket: Socket | null = null;
// (Re)connects with the stored key. `onUnauthorized` runs when the server refuses that key (or
// the lack of one), unless a newer connection or a newer key has replaced it meanwhile.
export function connect(onUnauthorized: () => void) {
  socket?.close();
  liveState.set('connecting');
  const used = apiKey.get();
  const s = io({ auth: used ? { token: used } : {} });
  socket = s;
  const current = () => socket === s;
  s.on('connect', () => current() && liveState.set('connected'));
  s.on('disconnect', () => current() && liveState.set('disconnected'));
  s.on('connect_error', (err) => {
    if (!current()) return;
    liveState.set('disconnected');
    if (/unauthori[sz]ed|401/i.test(err.message) && apiKey.get() === used) onUnauthorized();
  });
  s.io.on('reconnect_attempt', () => current() && liveState.set('connecting'));
  for (const name of Object.keys(listeners) as Name[])
    s.on(name, (e: unknown) => listeners[name].forEach((fn) => (fn as (x: unknown) => void)(e)));
}
