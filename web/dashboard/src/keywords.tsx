import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Keyword, type LatestRanks } from './api';
import { fmtTime, t } from './i18n';
import { on } from './live';
import { toast } from './toasts';
import { Confirm, Modal, Pager, RankCell, SaveCancel } from './ui';

const SORTS = ['created', 'lastChecked', 'keyword', 'rank'] as const;

export function KeywordsPage() {
  const [page, setPage] = useState(1);
  const [limit, setLimit] = useState(20);
  const [sortBy, setSortBy] = useState<string>('created');
  const [order, setOrder] = useState('desc');
  const [search, setSearch] = useState('');
  const [tag, setTag] = useState('');
  const [rows, setRows] = useState<Keyword[]>([]);
  const [total, setTotal] = useState(0);
  const [latest, setLatest] = useState<LatestRanks>({});
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [flash, setFlash] = useState<Set<number>>(new Set());
  const [dialog, setDialog] = useState<null | 'add' | 'many' | { edit: Keyword } | { del: Keyword[] }>(null);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  const load = async () => {
    try {
      const res = await api.keywords({ page, limit, sortBy, order, search: search.trim(), tag: tag.trim() });
      setRows(res.keywords);
      setTotal(res.total);
      if (res.keywords.length) setLatest(await api.latestRanks(res.keywords.map((k) => k.id)));
    } catch (e) {
      toast('error', (e as Error).message, t('error'));
    }
  };
  useEffect(() => {
    const id = setTimeout(load, 200); // typing in the search box
    return () => clearTimeout(id);
  }, [page, limit, sortBy, order, search, tag]);

  // Live: a check in progress shows its progress; when it finishes the row updates in place,
  // without a reload.
  const [checking, setChecking] = useState<Record<number, number>>({});
  const doneChecking = (id: number) =>
    setChecking((c) => {
      const n = { ...c };
      delete n[id];
      return n;
    });
  useEffect(() => {
    const offs = [
      on('job_progress', (e) => {
        const p = typeof e.progress === 'number' ? e.progress : Number(e.progress);
        if (e.keywordId == null || !Number.isFinite(p) || p >= 100) return;
        const id = e.keywordId;
        setChecking((c) => ({ ...c, [id]: p }));
        setTimeout(() => doneChecking(id), 120_000); // events are at most once: never stuck
      }),
      on('job_failed', (e) => e.keywordId != null && doneChecking(e.keywordId)),
    ];
    return () => offs.forEach((f) => f());
  }, []);
  useEffect(
    () =>
      on('rank_updated', async (e) => {
        const id = e.keywordId;
        if (id != null) doneChecking(id);
        if (id == null || !rowsRef.current.some((k) => k.id === id)) return;
        setRows((rs) => rs.map((k) => (k.id === id ? { ...k, last_rank: e.rank, last_checked_at: e.timestamp } : k)));
        setFlash((f) => new Set(f).add(id));
        setTimeout(() => setFlash((f) => ((f = new Set(f)), f.delete(id), f)), 2500);
        try {
          const l = await api.latestRanks([id]);
          setLatest((prev) => ({ ...prev, ...l }));
        } catch {
          /* the row already shows the AD rank */
        }
      }),
    [],
  );

  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      n.has(id) ? n.delete(id) : n.add(id);
      return n;
    });
  // Column headers sort too: a click sorts by that column, a second click flips the order.
  const SortTh = (p: { col: string; label: string; num?: boolean }) => (
    <th
      class={`sortable ${p.num ? 'num' : ''}`}
      aria-sort={sortBy === p.col ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
      onClick={() => (sortBy === p.col ? setOrder(order === 'asc' ? 'desc' : 'asc') : (setSortBy(p.col), setOrder(p.col === 'keyword' || p.col === 'rank' ? 'asc' : 'desc')), setPage(1))}
    >
      {p.label}
      {sortBy === p.col ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
    </th>
  );
  const allOnPage = rows.length > 0 && rows.every((k) => selected.has(k.id));
  const checkNow = async (ids: number[]) => {
    try {
      const res = await api.checkNow(ids);
      toast('info', t('queued_n', { n: res.queued }));
    } catch (e) {
      toast('error', (e as Error).message, t('error'));
    }
  };
  const remove = async (ks: Keyword[]) => {
    setDialog(null);
    for (const k of ks) {
      try {
        await api.deleteKeyword(k.id);
      } catch (e) {
        toast('error', (e as Error).message, t('error'));
      }
    }
    setSelected(new Set());
    load();
  };

  return (
    <section>
      <div class="toolbar">
        <input type="search" placeholder={t('search')} value={search} data-testid="kw-search" onInput={(e) => (setSearch(e.currentTarget.value), setPage(1))} />
        <input class="short" placeholder={t('tag')} value={tag} data-testid="kw-tag" onInput={(e) => (setTag(e.currentTarget.value), setPage(1))} />
        <select value={sortBy} onChange={(e) => setSortBy(e.currentTarget.value)} aria-label="sort">
          {SORTS.map((s) => (
            <option value={s}>{t(`sort_${s}`)}</option>
          ))}
        </select>
        <select value={order} onChange={(e) => setOrder(e.currentTarget.value)} aria-label="order">
          <option value="desc">{t('desc')}</option>
          <option value="asc">{t('asc')}</option>
        </select>
        <span class="grow" />
        <button class="primary" data-testid="kw-add" onClick={() => setDialog('add')}>
          + {t('add')}
        </button>
        <button data-testid="kw-add-many" onClick={() => setDialog('many')}>
          {t('add_many')}
        </button>
      </div>
      {selected.size > 0 && (
        <div class="toolbar selection">
          <span>
            {selected.size} {t('selected')}
          </span>
          <button class="primary" data-testid="kw-check-now" onClick={() => checkNow([...selected])}>
            ⟳ {t('check_now')}
          </button>
          <button class="danger" onClick={() => setDialog({ del: rows.filter((k) => selected.has(k.id)) })}>
            {t('delete')}
          </button>
        </div>
      )}
      <div class="table-wrap">
        <table class="table" data-testid="kw-table">
          <thead>
            <tr>
              <th class="check">
                <input
                  type="checkbox"
                  aria-label="all"
                  checked={allOnPage}
                  onChange={() => setSelected(allOnPage ? new Set() : new Set(rows.map((k) => k.id)))}
                />
              </th>
              <SortTh col="keyword" label={t('keyword')} />
              <th class="hide-sm">{t('url')}</th>
              <th class="hide-sm">{t('tags')}</th>
              <th class="num hide-sm">{t('target_rank')}</th>
              <SortTh col="rank" label={t('ad')} num />
              <th class="num">{t('organic')}</th>
              <SortTh col="lastChecked" label={t('last_check')} />
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((k) => {
              const l = latest[String(k.id)];
              return (
                <tr key={k.id} data-testid={`kw-row-${k.id}`} class={flash.has(k.id) ? 'flash' : ''}>
                  <td class="check">
                    <input type="checkbox" aria-label={k.keyword} checked={selected.has(k.id)} onChange={() => toggle(k.id)} />
                  </td>
                  <td>
                    <a href={`#/keywords/${k.id}`} data-testid="kw-link">
                      {k.keyword}
                    </a>
                    <div class="sub show-sm">{k.url}</div>
                  </td>
                  <td class="hide-sm url">{k.url}</td>
                  <td class="hide-sm">
                    {k.tags.map((g) => (
                      <span class="tag" onClick={() => setTag(g)}>
                        {g}
                      </span>
                    ))}
                  </td>
                  <td class="num hide-sm">{k.target_rank ?? '–'}</td>
                  <td class="num" data-testid="kw-ad-rank">
                    <RankCell rank={k.last_rank} checked={k.last_checked_at !== null} target={k.target_rank} />
                  </td>
                  <td class="num" data-testid="kw-organic-rank" title={l?.ORGANIC ? fmtTime(l.ORGANIC.checked_at) : undefined}>
                    <RankCell rank={l?.ORGANIC?.rank} checked={!!l?.ORGANIC} target={k.target_rank} />
                  </td>
                  <td class="time" data-testid="kw-checked">
                    {k.last_checked_at ? fmtTime(k.last_checked_at) : <span class="muted">{t('never')}</span>}
                    {checking[k.id] !== undefined && (
                      <span class="checking" data-testid="kw-checking">
                        {' '}⟳ {checking[k.id]}%
                      </span>
                    )}
                  </td>
                  <td class="row-actions">
                    <button class="icon" title={t('check_now')} aria-label={t('check_now')} onClick={() => checkNow([k.id])}>
                      ⟳
                    </button>
                    <button class="icon" title={t('edit')} aria-label={t('edit')} data-testid="kw-edit" onClick={() => setDialog({ edit: k })}>
                      ✎
                    </button>
                    <button class="icon" title={t('delete')} aria-label={t('delete')} data-testid="kw-delete" onClick={() => setDialog({ del: [k] })}>
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
            {rows.length === 0 && (
              <tr>
                <td colSpan={9} class="empty">
                  {t('empty_keywords')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div class="footer-row">
        <Pager page={page} limit={limit} total={total} onPage={setPage} />
        <select value={limit} onChange={(e) => (setLimit(Number(e.currentTarget.value)), setPage(1))} aria-label="rows per page">
          {[20, 50, 100].map((n) => (
            <option value={n}>{n}</option>
          ))}
        </select>
      </div>
      {dialog === 'add' && <AddDialog onClose={() => setDialog(null)} onDone={load} />}
      {dialog === 'many' && <AddManyDialog onClose={() => setDialog(null)} onDone={load} />}
      {dialog && typeof dialog === 'object' && 'edit' in dialog && <EditDialog k={dialog.edit} onClose={() => setDialog(null)} onDone={load} />}
      {dialog && typeof dialog === 'object' && 'del' in dialog && (
        <Confirm
          text={dialog.del.length === 1 ? t('confirm_delete', { k: dialog.del[0].keyword }) : t('confirm_delete_n', { n: dialog.del.length })}
          onYes={() => remove(dialog.del)}
          onNo={() => setDialog(null)}
        />
      )}
    </section>
  );
}

const splitTags = (s: string, sep = ',') =>
  s
    .split(sep)
    .map((x) => x.trim())
    .filter(Boolean);

function AddDialog(props: { onClose: () => void; onDone: () => void }) {
  const [err, setErr] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const target = String(f.get('target') ?? '').trim();
    try {
      await api.addKeyword({
        keyword: String(f.get('keyword')).trim(),
        url: String(f.get('url')).trim(),
        tags: splitTags(String(f.get('tags') ?? '')),
        targetRank: target ? Number(target) : undefined,
      });
      props.onClose();
      props.onDone();
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  return (
    <Modal title={t('add')} onClose={props.onClose} testid="add-dialog">
      <form onSubmit={submit} class="form">
        <label>
          {t('keyword')}
          <input name="keyword" required maxLength={255} />
        </label>
        <label>
          {t('url')}
          <input name="url" required placeholder="example.com" />
        </label>
        <label>
          {t('tags')} <small>({t('tags_hint')})</small>
          <input name="tags" />
        </label>
        <label>
          {t('target_rank')}
          <input name="target" type="number" min={1} max={1000} />
        </label>
        {err && <p class="err">{err}</p>}
        <SaveCancel onCancel={props.onClose} testid="add-submit" />
      </form>
    </Modal>
  );
}

function AddManyDialog(props: { onClose: () => void; onDone: () => void }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setErr('');
    setBusy(true);
    try {
      let res;
      if (file) res = await api.importKeywordsFile(file);
      else {
        const rows = text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean)
          .map((l) => {
            const [keyword = '', url = '', tags = '', target = ''] = l.split(/\t|,/).map((x) => x.trim());
            return { keyword, url, tags: splitTags(tags, '|'), targetRank: target ? Number(target) : undefined };
          });
        if (!rows.length) return;
        res = await api.importKeywords(rows);
      }
      toast('info', t('added_n', { added: res.added, exists: res.exists, invalid: res.invalid }));
      props.onClose();
      props.onDone();
    } catch (e) {
      setErr((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={t('add_many')} onClose={props.onClose}>
      <div class="form">
        <label>
          <small>{t('paste_hint')}</small>
          <textarea rows={8} data-testid="many-text" value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder={'강남 맛집, shop.example.com, food|seoul, 3'} />
        </label>
        <label>
          <small>{t('or_xlsx')}</small>
          <input type="file" accept=".xlsx" data-testid="many-file" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </label>
        {err && <p class="err">{err}</p>}
        <div class="actions">
          <button onClick={props.onClose}>{t('cancel')}</button>
          <button class="primary" disabled={busy} onClick={submit} data-testid="many-submit">
            {t('import')}
          </button>
        </div>
      </div>
    </Modal>
  );
}

function EditDialog(props: { k: Keyword; onClose: () => void; onDone: () => void }) {
  const [tags, setTags] = useState(props.k.tags.join(', '));
  const [target, setTarget] = useState(props.k.target_rank?.toString() ?? '');
  const [err, setErr] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await api.updateKeyword(props.k.id, { tags: splitTags(tags), targetRank: target.trim() ? Number(target) : null });
      props.onClose();
      props.onDone();
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  return (
    <Modal title={`${t('edit')}: ${props.k.keyword}`} onClose={props.onClose} testid="edit-dialog">
      <form onSubmit={submit} class="form">
        <label>
          {t('tags')} <small>({t('tags_hint')})</small>
          <input value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        </label>
        <label>
          {t('target_rank')}
          <input type="number" name="target" min={1} max={1000} value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
        </label>
        {err && <p class="err">{err}</p>}
        <SaveCancel onCancel={props.onClose} testid="edit-submit" />
      </form>
    </Modal>
  );
}
