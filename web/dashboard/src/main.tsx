import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiKey, onKeyNeeded } from './api';
import { BulkDetail, BulkPage } from './bulk';
import { lang, setLang, t } from './i18n';
import { KeywordPage } from './keyword_page';
import { KeywordsPage } from './keywords';
import { connect, liveState, on } from './live';
import { QueuePage } from './queue';
import { useSignal } from './state';
import './style.css';
import { toast, Toasts } from './toasts';
import { Modal } from './ui';
import { WorkersPage } from './workers';

// Hash routes, so the server only serves "/" and /assets/.
function useRoute() {
  const [hash, setHash] = useState(location.hash || '#/keywords');
  useEffect(() => {
    const f = () => setHash(location.hash || '#/keywords');
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  return hash.replace(/^#/, '').split('/').filter(Boolean);
}

// The API key prompt: shown when the server answers 401; resolves every waiting request.
let keyWaiters: ((k: string) => void)[] = [];
let showKeyPrompt: (() => void) | null = null;
onKeyNeeded(
  () =>
    new Promise<string>((resolve) => {
      keyWaiters.push(resolve);
      showKeyPrompt?.();
    }),
);

function KeyPrompt(props: { onDone: () => void }) {
  const [key, setKey] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    if (!key.trim()) return;
    apiKey.set(key.trim());
    keyWaiters.forEach((w) => w(key.trim()));
    keyWaiters = [];
    props.onDone();
    connect(() => showKeyPrompt?.());
  };
  return (
    <Modal title={t('api_key_title')} onClose={() => undefined} testid="key-prompt">
      <form class="form" onSubmit={submit}>
        <p>{t('api_key_prompt')}</p>
        <input type="password" autoComplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} data-testid="key-input" />
        <div class="actions">
          <button class="primary" type="submit">
            {t('save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

const lastFailToast = new Map<string, number>();

function App() {
  useSignal(lang); // re-render everything on a language switch
  const live = useSignal(liveState);
  const route = useRoute();
  const [askKey, setAskKey] = useState(false);
  useEffect(() => {
    showKeyPrompt = () => setAskKey(true);
    connect(() => {
      apiKey.clear();
      setAskKey(true);
    });
    const offs = [
      on('rank_alert', (a) => toast('alert', t('alert_text', { k: a.keyword, r: a.rank, t: a.targetRank }), t('alert_title'), 12000)),
      on('job_failed', (f) => {
        // Every failed attempt is an event: one toast per keyword and minute is enough.
        const k = String(f.keywordId ?? '?');
        const now = Date.now();
        if ((lastFailToast.get(k) ?? 0) > now - 60_000) return;
        lastFailToast.set(k, now);
        toast('error', t('job_failed', { k, e: f.error }));
      }),
    ];
    return () => offs.forEach((f) => f());
  }, []);

  const [section, id] = route;
  const num = id !== undefined ? Number(id) : NaN;
  let page;
  if (section === 'keywords' && Number.isInteger(num)) page = <KeywordPage id={num} />;
  else if (section === 'queue') page = <QueuePage />;
  else if (section === 'bulk' && Number.isInteger(num)) page = <BulkDetail id={num} />;
  else if (section === 'bulk') page = <BulkPage />;
  else if (section === 'workers') page = <WorkersPage />;
  else page = <KeywordsPage />;

  const nav = (to: string, label: string) => (
    <a href={`#/${to}`} class={section === to || (to === 'keywords' && !['queue', 'bulk', 'workers'].includes(section)) ? 'on' : ''} data-testid={`nav-${to}`}>
      {label}
    </a>
  );
  return (
    <>
      <header>
        <h1>{t('title')}</h1>
        <nav>
          {nav('keywords', t('nav_keywords'))}
          {nav('queue', t('nav_queue'))}
          {nav('bulk', t('nav_bulk'))}
          {nav('workers', t('nav_workers'))}
        </nav>
        <span class="grow" />
        <span class={`live live-${live}`} data-testid="live-state" data-state={live} title="Socket.IO">
          ● {t(`live_${live}`)}
        </span>
        <select value={lang.get()} onChange={(e) => setLang(e.currentTarget.value as 'ko' | 'en')} aria-label={t('language')} data-testid="lang">
          <option value="ko">한국어</option>
          <option value="en">English</option>
        </select>
      </header>
      <main>{page}</main>
      <Toasts />
      {askKey && <KeyPrompt onDone={() => setAskKey(false)} />}
    </>
  );
}

render(<App />, document.getElementById('app')!);
