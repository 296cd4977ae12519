import { signal, useSignal } from './state';

export interface Toast {
  id: number;
  kind: 'alert' | 'info' | 'error';
  title?: string;
  text: string;
}
const toasts = signal<Toast[]>([]);
let next = 1;
export function toast(kind: Toast['kind'], text: string, title?: string, ms = 8000) {
  const t = { id: next++, kind, text, title };
  toasts.set([...toasts.get(), t].slice(-5));
  setTimeout(() => dismiss(t.id), ms);
}
function dismiss(id: number) {
  toasts.set(toasts.get().filter((t) => t.id !== id));
}
export function Toasts() {
  const list = useSignal(toasts);
  return (
    <div class="toasts" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`} data-testid={`toast-${t.kind}`} role="status" onClick={() => dismiss(t.id)}>
          {t.title && <strong>{t.title}</strong>}
          <span>{t.text}</span>
        </div>
      ))}
    </div>
  );
}
