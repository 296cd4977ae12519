// Time-series charts with uPlot. Rank charts: rank 1 at the top, AD and ORGANIC lines, the
// target rank as a dashed line, and checks that found nothing as ✕ markers on a "not found"
// band below the worst rank (never as 0, and never joined into the lines: gaps).
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import type { Ranking } from './api';
import { lang, t } from './i18n';

function useWidth(ref: { current: HTMLElement | null }, onWidth: (w: number) => void) {
  useEffect(() => {
    if (!ref.current) return;
    const ro = new ResizeObserver((entries) => onWidth(Math.floor(entries[0].contentRect.width)));
    ro.observe(ref.current);
    return () => ro.disconnect();
  }, []);
}

const COLORS = { AD: '#03a94f', ORGANIC: '#3366cc', target: '#d9534f', nf: '#888' };

export function RankChart(props: { rankings: Ranking[]; target: number | null }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const rows = [...props.rankings].sort((a, b) => Date.parse(a.checked_at) - Date.parse(b.checked_at));
  // One x per check row (AD and ORGANIC rows of one check are milliseconds apart). At another
  // area's x a series is `undefined` (uPlot joins over it); a check that found nothing is
  // `null` in the line (a gap) and a marker in the "not found" series.
  const times = rows.map((r) => Date.parse(r.checked_at) / 1000);
  const found = rows.filter((r) => r.rank !== null).map((r) => r.rank as number);
  const worst = Math.max(10, props.target ?? 0, ...found);
  const nfLevel = worst + 2;
  const series = (type: 'AD' | 'ORGANIC', notFound: boolean) =>
    rows.map((r) => {
      if (r.rank_type !== type) return undefined;
      if (notFound) return r.rank === null ? nfLevel : undefined;
      return r.rank;
    }) as (number | null)[];
  const data: AlignedData = [
    times,
    series('AD', false),
    series('ORGANIC', false),
    times.map(() => props.target),
    series('AD', true),
    series('ORGANIC', true),
  ];
  const points = rows.length;

  const options = (width: number): Options => ({
    width,
    height: 280,
    tzDate: (ts) => new Date(ts * 1000),
    scales: { x: { time: true }, y: { dir: -1, range: () => [0.5, nfLevel + 0.5] } },
    axes: [
      {},
      {
        label: t('rank'),
        splits: () => {
          const step = worst > 40 ? 10 : worst > 20 ? 5 : worst > 10 ? 2 : 1;
          const s = [1];
          for (let v = step === 1 ? 2 : step; v <= worst; v += step) s.push(v);
          return [...s, nfLevel];
        },
        values: (_u, splits) => splits.map((v) => (v === nfLevel ? '✕' : String(v))),
      },
    ],
    series: [
      { label: t('checked_at') },
      { label: t('ad'), stroke: COLORS.AD, width: 2, points: { show: true, size: 7 }, spanGaps: false },
      { label: t('organic'), stroke: COLORS.ORGANIC, width: 2, points: { show: true, size: 7 }, spanGaps: false },
      { label: t('target_rank'), stroke: COLORS.target, width: 1.5, dash: [6, 4], points: { show: false }, show: props.target !== null },
      { label: `${t('ad')} ${t('not_found')}`, stroke: COLORS.AD, paths: () => null, points: { show: true, size: 10, fill: '#fff', width: 2 }, value: (_u, v) => (v == null ? '–' : t('not_found')) },
      { label: `${t('organic')} ${t('not_found')}`, stroke: COLORS.ORGANIC, paths: () => null, points: { show: true, size: 10, fill: '#fff', width: 2 }, value: (_u, v) => (v == null ? '–' : t('not_found')) },
    ],
    legend: { live: true },
    cursor: { points: { size: 8 } },
  });

  useEffect(() => {
    const el = box.current!;
    plot.current?.destroy();
    plot.current = new uPlot(options(el.clientWidth || 600), data, el);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [JSON.stringify(data), lang.get()]);
  useWidth(box, (w) => plot.current?.setSize({ width: w, height: 280 }));

  return <div class="chart" ref={box} data-testid="rank-chart" data-points={points} />;
}

export function LineChart(props: { x: number[]; series: { label: string; values: (number | null)[]; color: string }[]; testid?: string; yLabel?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data: AlignedData = [props.x, ...props.series.map((s) => s.values)];
  useEffect(() => {
    const el = box.current!;
    plot.current?.destroy();
    plot.current = new uPlot(
      {
        width: el.clientWidth || 600,
        height: 220,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(5, max * 1.2)] } },
        axes: [{}, { label: props.yLabel }],
        series: [{ label: t('time') }, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, fill: `${s.color}22` }))],
      },
      data,
      el,
    );
    return () => plot.current?.destroy();
  }, [JSON.stringify(data), lang.get()]);
  useWidth(box, (w) => plot.current?.setSize({ width: w, height: 220 }));
  return <div class="chart" ref={box} data-testid={props.testid} data-points={props.x.length} />;
}
