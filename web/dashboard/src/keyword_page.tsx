import { useEffect, useState } from 'preact/hooks';
import { api, type Keyword, type Ranking } from './api';
import { RankChart } from './chart';
import { fmtTime, t } from './i18n';
import { on } from './live';
import { toast } from './toasts';
import { RankCell } from './ui';

export function KeywordPage(props: { id: number }) {
  const [k, setK] = useState<Keyword | null>(null);
  const [rankings, setRankings] = useState<Ranking[]>([]);
  const [err, setErr] = useState('');
  const load = async () => {
    try {
      const [kw, rs] = await Promise.all([api.keyword(props.id), api.rankings(props.id)]);
      setK(kw);
      setRankings(rs);
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  useEffect(() => {
    load();
    return on('rank_updated', (e) => e.keywordId === props.id && load());
  }, [props.id]);
  const checkNow = async () => {
    try {
      const res = await api.checkNow([props.id]);
      toast('info', t('queued_n', { n: res.queued }));
    } catch (e) {
      toast('error', (e as Error).message, t('error'));
    }
  };
  if (err) return <p class="err">{err}</p>;
  if (!k) return <p class="muted">{t('loading')}</p>;
  const latest = (type: 'AD' | 'ORGANIC') => rankings.find((r) => r.rank_type === type);
  return (
    <section>
      <div class="toolbar">
        <a href="#/keywords">← {t('back')}</a>
        <span class="grow" />
        <button class="primary" data-testid="kw-page-check-now" onClick={checkNow}>
          ⟳ {t('check_now')}
        </button>
      </div>
      <div class="kw-head">
        <h2 data-testid="kw-title">{k.keyword}</h2>
        <div class="muted">{k.url}</div>
        <div class="stats">
          <div>
            <small>{t('ad')}</small>
            <b data-testid="kw-page-ad">
              <RankCell rank={latest('AD')?.rank} checked={!!latest('AD')} target={k.target_rank} />
            </b>
          </div>
          <div>
            <small>{t('organic')}</small>
            <b>
              <RankCell rank={latest('ORGANIC')?.rank} checked={!!latest('ORGANIC')} target={k.target_rank} />
            </b>
          </div>
          <div>
            <small>{t('target_rank')}</small>
            <b>{k.target_rank ?? '–'}</b>
          </div>
          <div>
            <small>{t('last_check')}</small>
            <b>{fmtTime(k.last_checked_at)}</b>
          </div>
          <div>
            <small>{t('tags')}</small>
            <b>{k.tags.map((g) => <span class="tag">{g}</span>)}</b>
          </div>
        </div>
      </div>
      <h3>{t('rank_history')}</h3>
      {rankings.length === 0 ? <p class="muted" data-testid="no-checks">{t('no_checks')}</p> : null}
      <RankChart rankings={rankings} target={k.target_rank} />
      <h3>{t('checks')}</h3>
      <div class="table-wrap">
        <table class="table nowrap" data-testid="checks-table">
          <thead>
            <tr>
              <th>{t('checked_at')}</th>
              <th>{t('type')}</th>
              <th class="num">{t('rank')}</th>
              <th>{t('method')}</th>
              <th class="num">{t('crawl_ms')}</th>
              <th class="num">{t('total_ms')}</th>
              <th class="num">{t('req_kb')}</th>
              <th class="num">{t('res_kb')}</th>
            </tr>
          </thead>
          <tbody>
            {rankings.map((r) => (
              <tr key={r.id}>
                <td class="time">{fmtTime(r.checked_at)}</td>
                <td>{r.rank_type === 'AD' ? t('ad') : t('organic')}</td>
                <td class="num">
                  <RankCell rank={r.rank} checked target={k.target_rank} />
                </td>
                <td>{r.crawling_method}</td>
                <td class="num">{r.crawling_duration ?? '–'}</td>
                <td class="num">{r.total_duration ?? '–'}</td>
                <td class="num">{r.request_kb ?? '–'}</td>
                <td class="num">{r.response_kb ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
