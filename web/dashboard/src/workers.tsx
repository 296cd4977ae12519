import { useState } from 'preact/hooks';
import { api, type Scaling, type WorkerInfo } from './api';
import { LineChart } from './chart';
import { fmtTime, t } from './i18n';
import { usePoll } from './ui';

export function WorkersPage() {
  const [workers, setWorkers] = useState<WorkerInfo[]>([]);
  const [scaling, setScaling] = useState<Scaling | null>(null);
  const [err, setErr] = useState('');
  usePoll(
    async () => {
      try {
        const [w, s] = await Promise.all([api.workers(), api.scaling()]);
        setWorkers(w.workers);
        setScaling(s);
        setErr('');
      } catch (e) {
        setErr((e as Error).message);
      }
    },
    5000,
    [],
  );
  const samples = scaling?.samples ?? [];
  const advice = scaling?.advice;
  return (
    <section>
      {err && <p class="err">{err}</p>}
      <h3>{t('workers')}</h3>
      <div class="table-wrap">
        <table class="table" data-testid="workers-table">
          <thead>
            <tr>
              <th>{t('host')}</th>
              <th class="num">pid</th>
              <th class="num">{t('concurrency')}</th>
              <th class="num">{t('busy')}</th>
              <th class="num">{t('done_failed')}</th>
              <th>{t('heartbeat')}</th>
            </tr>
          </thead>
          <tbody>
            {workers.map((w) => (
              <tr key={w.id}>
                <td>{w.host}</td>
                <td class="num">{w.pid}</td>
                <td class="num">{w.concurrency}</td>
                <td class="num">
                  <span class="busy-bar" style={`--busy: ${(100 * w.busy) / Math.max(1, w.concurrency)}%`}>
                    {w.busy}
                  </span>
                </td>
                <td class="num">
                  {w.jobsCompleted} / {w.jobsFailed}
                </td>
                <td class="time">{fmtTime(w.heartbeat)}</td>
              </tr>
            ))}
            {workers.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">
                  {t('no_workers')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <h3>{t('queue_metric')}</h3>
      {samples.length === 0 ? (
        <p class="muted">{t('no_samples')}</p>
      ) : (
        <LineChart
          testid="queue-chart"
          x={samples.map((s) => s.at / 1000)}
          series={[
            { label: 'QueueWaitingJobs', values: samples.map((s) => s.waiting + s.active), color: '#03a94f' },
            { label: t('busy'), values: samples.map((s) => s.busy), color: '#3366cc' },
          ]}
        />
      )}
      <h3>{t('scaling_now')}</h3>
      <div class="advice" data-testid="scaling-advice">
        {advice ? (
          <>
            <b>
              {advice.desired === advice.current
                ? t('scale_none', { current: advice.current })
                : t('scale_to', { current: advice.current, desired: advice.desired, policy: advice.policy })}
            </b>
            {advice.metric !== null && <div class="muted">{t('metric_now', { m: advice.metric.toFixed(1) })}</div>}
            {scaling?.policy && (
              <ul class="policies">
                {scaling.policy.policies.map((p) => (
                  <li>
                    {p.name}: {p.type === 'target' ? `target ${p.target}` : `${p.comparison} ${p.threshold}`}
                  </li>
                ))}
                <li>
                  min {scaling.policy.minCapacity} · max {scaling.policy.maxCapacity}
                </li>
              </ul>
            )}
          </>
        ) : (
          <span class="muted">–</span>
        )}
        <p class="muted small">{t('scaling_note')}</p>
      </div>
    </section>
  );
}
