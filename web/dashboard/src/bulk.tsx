import { useState } from 'preact/hooks';
import { api, download, uploadBulk, type BulkKeyword, type BulkSearch } from './api';
import { fmtTime, t, type Key } from './i18n';
import { toast } from './toasts';
import { Confirm, Pager, Progress, usePoll } from './ui';

// The search's own status ("processing", "completed", ...) in the page's language.
const statusWord = (st: string) => (['pending', 'processing', 'completed', 'cached', 'failed'].includes(st) ? t(`st_${st}` as Key) : st);
const pct = (s: BulkSearch) => (s.total_count ? (100 * s.completed_count) / s.total_count : 100);

export function BulkPage() {
  const [list, setList] = useState<BulkSearch[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [upload, setUpload] = useState<number | null>(null);
  const [err, setErr] = useState('');
  const [del, setDel] = useState<BulkSearch | null>(null);
  const load = async () => {
    try {
      const r = await api.bulkSearches(page, 20);
      setList(r.bulkSearches);
      setTotal(r.total);
    } catch (e) {
      toast('error', (e as Error).message, t('error'));
    }
  };
  usePoll(load, 2000, [page]);
  const send = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setErr('');
    setUpload(0);
    try {
      const r = await uploadBulk(file, name, setUpload);
      toast('info', t('upload_done', { total: r.totalCount, cached: r.cachedCount, pending: r.pendingCount }));
      setFile(null);
      setName('');
      (e.target as HTMLFormElement).reset();
      load();
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  return (
    <section>
      <form class="toolbar upload" onSubmit={send}>
        <button type="button" data-testid="bulk-template" onClick={() => download('/api/bulk-searches/template', 'bulk-search-template.xlsx').catch((e) => toast('error', e.message))}>
          ⇩ {t('template')}
        </button>
        <input placeholder={t('name')} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <input type="file" accept=".xlsx" data-testid="bulk-file" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <button class="primary" type="submit" disabled={!file} data-testid="bulk-upload">
          ⇧ {t('upload')}
        </button>
        {upload !== null && (
          <div class="upload-progress">
            <small>{t('uploading')}</small>
            <Progress value={upload} testid="upload-progress" />
          </div>
        )}
      </form>
      {err && <p class="err">{err}</p>}
      <div class="table-wrap">
        <table class="table" data-testid="bulk-table">
          <thead>
            <tr>
              <th>{t('name')}</th>
              <th class="hide-sm">{t('created')}</th>
              <th>{t('progress')}</th>
              <th class="num">{t('total')}</th>
              <th>{t('status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id} data-testid={`bulk-row-${s.id}`}>
                <td>
                  <a href={`#/bulk/${s.id}`}>{s.name}</a>
                  {s.filename && <div class="sub">{s.filename}</div>}
                </td>
                <td class="hide-sm time">{fmtTime(s.created_at)}</td>
                <td class="progress-cell">
                  <Progress value={pct(s)} testid="bulk-progress" />
                </td>
                <td class="num">
                  {s.completed_count}/{s.total_count}
                </td>
                <td>{statusWord(s.status)}</td>
                <td class="row-actions">
                  <button class="icon" title={t('export')} data-testid="bulk-export" onClick={() => download(`/api/bulk-searches/${s.id}/export`, `bulk-search-${s.id}.xlsx`).catch((e) => toast('error', e.message))}>
                    ⇩
                  </button>
                  <button class="icon" title={t('delete')} onClick={() => setDel(s)}>
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} limit={20} total={total} onPage={setPage} />
      {del && (
        <Confirm
          text={t('confirm_delete', { k: del.name })}
          onNo={() => setDel(null)}
          onYes={async () => {
            setDel(null);
            await api.deleteBulk(del.id).catch((e) => toast('error', e.message));
            load();
          }}
        />
      )}
    </section>
  );
}

const STATUSES = ['', 'pending', 'processing', 'completed', 'cached', 'failed'];

export function BulkDetail(props: { id: number }) {
  const [s, setS] = useState<BulkSearch | null>(null);
  const [rows, setRows] = useState<BulkKeyword[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState('');
  const load = async () => {
    try {
      const [search, ks] = await Promise.all([api.bulkSearch(props.id), api.bulkKeywords(props.id, page, 50, status || undefined)]);
      setS(search);
      setRows(ks.keywords);
      setTotal(ks.total);
    } catch (e) {
      toast('error', (e as Error).message, t('error'));
    }
  };
  usePoll(load, 2000, [props.id, page, status]);
  if (!s) return <p class="muted">{t('loading')}</p>;
  return (
    <section>
      <div class="toolbar">
        <a href="#/bulk">← {t('back')}</a>
        <h2 class="inline">{s.name}</h2>
        <span class="grow" />
        <button class="primary" data-testid="bulk-detail-export" onClick={() => download(`/api/bulk-searches/${s.id}/export`, `bulk-search-${s.id}.xlsx`).catch((e) => toast('error', e.message))}>
          ⇩ {t('export')}
        </button>
      </div>
      <div class="detail-progress">
        <Progress value={pct(s)} testid="bulk-detail-progress" />
        <span>
          {s.completed_count}/{s.total_count} · {statusWord(s.status)}
        </span>
      </div>
      <div class="toolbar">
        <select value={status} onChange={(e) => (setStatus(e.currentTarget.value), setPage(1))} aria-label={t('status')}>
          {STATUSES.map((v) => (
            <option value={v}>{v ? t(`st_${v}` as Key) : t('all')}</option>
          ))}
        </select>
      </div>
      <div class="table-wrap">
        <table class="table" data-testid="bulk-results">
          <thead>
            <tr>
              <th>{t('keyword')}</th>
              <th>{t('url')}</th>
              <th>{t('status')}</th>
              <th class="num">{t('rank')}</th>
              <th class="hide-sm">{t('completed')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{r.keyword}</td>
                <td class="url">{r.url}</td>
                <td>
                  <span class={`st st-${r.status}`}>{t(`st_${r.status}` as Key)}</span>
                </td>
                <td class="num">{r.rank ?? (r.status === 'completed' || r.status === 'cached' ? <span class="nf">{t('not_found')}</span> : '–')}</td>
                <td class="hide-sm time">{fmtTime(r.completed_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} limit={50} total={total} onPage={setPage} />
    </section>
  );
}
