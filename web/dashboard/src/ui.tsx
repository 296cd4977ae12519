import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from './i18n';

export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; testid?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    window.addEventListener('keydown', esc);
    ref.current?.querySelector<HTMLElement>('input,textarea,button')?.focus();
    return () => window.removeEventListener('keydown', esc);
  }, []);
  return (
    <div class="backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="modal" role="dialog" aria-modal="true" aria-label={props.title} ref={ref} data-testid={props.testid}>
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

// The footer of a modal form: Cancel closes, Save submits the form.
export function SaveCancel(props: { onCancel: () => void; testid: string }) {
  return (
    <div class="actions">
      <button type="button" onClick={props.onCancel}>
        {t('cancel')}
      </button>
      <button class="primary" type="submit" data-testid={props.testid}>
        {t('save')}
      </button>
    </div>
  );
}

export function Confirm(props: { text: string; onYes: () => void; onNo: () => void }) {
  return (
    <Modal title={t('confirm')} onClose={props.onNo} testid="confirm">
      <p>{props.text}</p>
      <div class="actions">
        <button onClick={props.onNo}>{t('cancel')}</button>
        <button class="danger" data-testid="confirm-yes" onClick={props.onYes}>
          {t('confirm')}
        </button>
      </div>
    </Modal>
  );
}

export function Pager(props: { page: number; limit: number; total: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(props.total / props.limit));
  return (
    <div class="pager">
      <button disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)} aria-label={t('prev')}>
        ‹
      </button>
      <span>
        {props.page} / {pages} · {t('total')} {props.total}
      </span>
      <button disabled={props.page >= pages} onClick={() => props.onPage(props.page + 1)} aria-label={t('next')}>
        ›
      </button>
    </div>
  );
}

export function Progress(props: { value: number; testid?: string }) {
  const v = Math.max(0, Math.min(100, Math.round(props.value)));
  return (
    <div class="progress" role="progressbar" aria-valuenow={v} aria-valuemin={0} aria-valuemax={100} data-testid={props.testid} data-value={v}>
      <div style={{ width: `${v}%` }} />
      <span>{v}%</span>
    </div>
  );
}

export function RankCell(props: { rank: number | null | undefined; checked: boolean; target?: number | null }) {
  if (!props.checked) return <span class="muted">–</span>;
  if (props.rank === null || props.rank === undefined) return <span class="nf">{t('not_found')}</span>;
  const worse = props.target != null && props.rank > props.target;
  return <span class={worse ? 'rank worse' : 'rank'}>{props.rank}</span>;
}

// Polls `fn` every `ms` while the page is visible.
export function usePoll(fn: () => void, ms: number, deps: unknown[]) {
  useEffect(() => {
    fn();
    const id = setInterval(() => document.visibilityState === 'visible' && fn(), ms);
    return () => clearInterval(id);
  }, deps);
}
