import { useEffect, useState } from 'preact/hooks';
import { api, type QueueCounts, type QueueJob } from './api';
import { fmtTime, t, type Key } from './i18n';
import { on } from './live';
import { toast } from './toasts';
import { Confirm, Pager, usePoll } from './ui';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

function jobKeyword(j: QueueJob) {
  return typeof j.data === 'object' && j.data ? j.data.keyword ?? '' : '';
}

export function QueuePage() {
  const [counts, setCounts] = useState<QueueCounts | null>(null);
  const [state, setState] = useState<(typeof STATES)[number]>('waiting');
  const [jobs, setJobs] = useState<QueueJob[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [confirmClean, setConfirmClean] = useState(false);
  const limit = 25;
  const load = async () => {
    try {
      const [q, list] = await Promise.all([api.queue(), api.jobs(state, page, limit)]);
      setCounts(q);
      setJobs(list.jobs);
      setTotal(list.total);
    } catch (e) {
      toast('error', (e as Error).message, t('error'));
    }
  };
  usePoll(load, 3000, [state, page]);
  useEffect(() => on('job_failed', () => load()), [state, page]);
  const act = async (fn: () => Promise<unknown>, ok?: (r: never) => string) => {
    try {
      const r = await fn();
      if (ok) toast('info', ok(r as never));
    } catch (e) {
      toast('error', (e as Error).message, t('error'));
    }
    load();
  };
  return (
    <section>
      <div class="cards">
        {(['waiting', 'active', 'delayed', 'failed', 'completed', 'paused'] as const).map((s) => (
          <button class={`card ${state === s ? 'on' : ''}`} data-testid={`count-${s}`} onClick={() => s !== 'paused' && (setState(s), setPage(1))}>
            <small>{t(s as Key)}</small>
            <b>{counts ? counts[s] : '–'}</b>
          </button>
        ))}
      </div>
      <div class="toolbar">
        <div class="tabs" role="tablist">
          {STATES.map((s) => (
            <button role="tab" aria-selected={state === s} class={state === s ? 'on' : ''} data-testid={`tab-${s}`} onClick={() => (setState(s), setPage(1))}>
              {t(s)}
            </button>
          ))}
        </div>
        <span class="grow" />
        <button data-testid="retry-all" disabled={!counts?.failed} onClick={() => act(api.retryAll, (r: { retried: number }) => t('retried_n', { n: r.retried }))}>
          {t('retry_all')}
        </button>
        <button class="danger" data-testid="queue-clean" onClick={() => setConfirmClean(true)}>
          {t('clean')}
        </button>
      </div>
      <div class="table-wrap">
        <table class="table" data-testid="jobs-table">
          <thead>
            <tr>
              <th>{t('job')}</th>
              <th>{t('keyword')}</th>
              <th class="hide-sm">{t('added_at')}</th>
              <th class="num">{t('attempts')}</th>
              {state === 'failed' && <th>{t('reason')}</th>}
              {state === 'failed' && <th />}
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-testid={`job-${j.id}`}>
                <td class="mono">{j.id}</td>
                <td>{jobKeyword(j)}</td>
                <td class="hide-sm time">{fmtTime(j.timestamp ?? null)}</td>
                <td class="num">
                  {j.attemptsMade ?? 0}/{j.attempts ?? 1}
                </td>
                {state === 'failed' && <td class="reason">{j.failedReason}</td>}
                {state === 'failed' && (
                  <td>
                    <button data-testid="retry-one" onClick={() => act(() => api.retryJob(j.id))}>
                      {t('retry')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
            {jobs.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">
                  {t('no_jobs')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager page={page} limit={limit} total={total} onPage={setPage} />
      {confirmClean && (
        <Confirm
          text={t('confirm_clean')}
          onNo={() => setConfirmClean(false)}
          onYes={() => {
            setConfirmClean(false);
            act(api.clean);
          }}
        />
      )}
    </section>
  );
}
