/**
 * Charts of the dashboard as geometry, drawn by a Mustache SVG template (every label escaped):
 * no JavaScript chart library, no style attributes (the console's CSP forbids them), only SVG
 * presentation attributes. Pure functions, so each chart is tested without a browser.
 */

/** One drawn rectangle; `title` is its tooltip (and what a screen reader says). */
export interface ChartBar {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  title: string;
  /** A stable handle for tests: `<series>:<category>`. */
  key: string;
  value: number;
}

/** One text label. */
export interface ChartLabel {
  x: number;
  y: number;
  text: string;
  anchor: 'start' | 'middle' | 'end';
}

/** A whole chart, ready for the template. */
export interface Chart {
  id: string;
  title: string;
  width: number;
  height: number;
  bars: ChartBar[];
  labels: ChartLabel[];
  legend: { x: number; y: number; fill: string; text: string }[];
  /** The axis line at the bottom of the plot. */
  axis: { x1: number; y1: number; x2: number; y2: number };
}

/** A series of the chart: its name, colour and one value per category. */
export interface Series {
  name: string;
  key: string;
  fill: string;
  values: number[];
}

/** The console's colours (CONSOLE_CSS). */
export const CHART_COLOURS = { ok: '#1a7f37', warn: '#9a6700', bad: '#b3261e', accent: '#0b5cad', muted: '#8c99a6' } as const;

const PLOT_H = 160;
const TOP = 10;
const LEGEND_H = 22;

/** A cut label (long addressee ids would overlap their neighbours). */
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Grouped columns: one group per category, one column per series, heights to the largest value.
 * `stacked` piles the series of a category into one column instead.
 */
export function columnChart(o: { id: string; title: string; categories: string[]; series: Series[]; stacked?: boolean; categoryLabelEvery?: number }): Chart {
  const n = Math.max(1, o.categories.length);
  const per = o.stacked ? 1 : o.series.length;
  const colW = o.stacked ? Math.max(6, Math.min(28, Math.floor(720 / n) - 4)) : Math.max(8, Math.min(22, Math.floor(720 / (n * (per + 1)))));
  const groupW = colW * per + Math.max(4, Math.floor(colW / 2) + 4);
  const left = 36;
  const width = Math.max(240, left + n * groupW + 10);
  const totals = o.categories.map((_, c) => (o.stacked ? o.series.reduce((s, x) => s + (x.values[c] ?? 0), 0) : Math.max(0, ...o.series.map((x) => x.values[c] ?? 0))));
  const max = Math.max(1, ...totals);
  const scale = (v: number) => Math.round((v / max) * PLOT_H);
  const base = TOP + PLOT_H;
  const bars: ChartBar[] = [];
  const labels: ChartLabel[] = [
    { x: left - 4, y: TOP + 4, text: String(max), anchor: 'end' },
    { x: left - 4, y: base, text: '0', anchor: 'end' },
  ];
  o.categories.forEach((cat, c) => {
    const gx = left + c * groupW;
    let stackY = base;
    o.series.forEach((s, i) => {
      const v = s.values[c] ?? 0;
      const h = scale(v);
      if (o.stacked) {
        stackY -= h;
        if (v > 0) bars.push({ x: gx, y: stackY, w: colW, h, fill: s.fill, title: `${cat} · ${s.name}: ${v}`, key: `${s.key}:${cat}`, value: v });
      } else {
        bars.push({ x: gx + i * colW, y: base - h, w: colW - 1, h, fill: s.fill, title: `${cat} · ${s.name}: ${v}`, key: `${s.key}:${cat}`, value: v });
      }
    });
    const every = o.categoryLabelEvery ?? 1;
    if (c % every === 0) labels.push({ x: gx + (colW * per) / 2, y: base + 14, text: cut(cat, o.stacked ? 10 : 16), anchor: 'middle' });
  });
  const legendY = base + 24;
  const legend = o.series.map((s, i) => ({ x: left + i * 150, y: legendY, fill: s.fill, text: s.name }));
  return { id: o.id, title: o.title, width: Math.max(width, left + o.series.length * 150), height: legendY + LEGEND_H, bars, labels, legend, axis: { x1: left, y1: base, x2: width - 10, y2: base } };
}

/** Horizontal bars of shares (0 to 1; null: nothing to count, drawn as no bar with "—"). */
export function shareChart(o: { id: string; title: string; rows: { label: string; key: string; share: number | null; detail: string }[] }): Chart {
  const left = 230;
  const barMax = 380;
  const rowH = 24;
  const bars: ChartBar[] = [];
  const labels: ChartLabel[] = [];
  o.rows.forEach((r, i) => {
    const y = TOP + i * rowH;
    labels.push({ x: left - 8, y: y + 15, text: cut(r.label, 34), anchor: 'end' });
    const w = r.share === null ? 0 : Math.round(r.share * barMax);
    bars.push({ x: left, y: y + 3, w, h: rowH - 8, fill: CHART_COLOURS.accent, title: `${r.label}: ${r.detail}`, key: r.key, value: r.share ?? -1 });
    labels.push({ x: left + w + 6, y: y + 15, text: r.share === null ? '—' : `${Math.round(r.share * 1000) / 10}% (${r.detail})`, anchor: 'start' });
  });
  const height = TOP + o.rows.length * rowH + 6;
  return { id: o.id, title: o.title, width: left + barMax + 140, height, bars, labels, legend: [], axis: { x1: left, y1: TOP, x2: left, y2: height - 6 } };
}

/** The template that draws a {@link Chart}; partial `chart` of the dashboard page. */
export const CHART_SVG = `<figure class="chart" id="{{id}}"><figcaption>{{title}}</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{{title}}" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" font-family="system-ui, sans-serif" font-size="11">
<line x1="{{axis.x1}}" y1="{{axis.y1}}" x2="{{axis.x2}}" y2="{{axis.y2}}" stroke="#d7dee6" stroke-width="1"/>
{{#bars}}<rect x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}" fill="{{fill}}" data-key="{{key}}" data-value="{{value}}"><title>{{title}}</title></rect>{{/bars}}
{{#labels}}<text x="{{x}}" y="{{y}}" text-anchor="{{anchor}}" fill="#1d2733">{{text}}</text>{{/labels}}
{{#legend}}<rect x="{{x}}" y="{{y}}" width="10" height="10" fill="{{fill}}"/><text x="{{x}}" dx="14" y="{{y}}" dy="9" fill="#1d2733">{{text}}</text>{{/legend}}
</svg></figure>`;
