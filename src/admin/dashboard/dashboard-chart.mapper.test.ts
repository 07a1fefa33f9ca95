import Mustache from 'mustache';
import { CHART_SVG, columnChart, shareChart } from './dashboard-chart.mapper';

describe('dashboard charts', () => {
  it('scales grouped columns to the largest value and keeps every value', () => {
    const c = columnChart({
      id: 'x',
      title: 'States',
      categories: ['All', 'roads'],
      series: [
        { name: 'Overdue', key: 'overdue', fill: '#b3261e', values: [4, 2] },
        { name: 'Paused', key: 'paused', fill: '#8c99a6', values: [1, 0] },
      ],
    });
    const tallest = c.bars.find((b) => b.key === 'overdue:All');
    expect(tallest).toMatchObject({ h: 160, value: 4 });
    expect(c.bars.find((b) => b.key === 'overdue:roads')).toMatchObject({ h: 80, value: 2 });
    expect(c.bars.find((b) => b.key === 'paused:roads')).toMatchObject({ h: 0 });
    expect(c.bars.every((b) => b.y + b.h === 170)).toBe(true);
  });

  it('stacks columns, leaving out empty parts', () => {
    const c = columnChart({
      id: 'd',
      title: 'Days',
      stacked: true,
      categories: ['03-01'],
      series: [
        { name: 'on time', key: 'onTime', fill: '#1a7f37', values: [3] },
        { name: 'late', key: 'late', fill: '#9a6700', values: [0] },
        { name: 'open', key: 'open', fill: '#0b5cad', values: [1] },
      ],
    });
    expect(c.bars.map((b) => [b.key, b.h])).toEqual([
      ['onTime:03-01', 120],
      ['open:03-01', 40],
    ]);
    expect(c.bars[1].y + c.bars[1].h).toBe(c.bars[0].y);
  });

  it('draws shares, with a dash where nothing was counted', () => {
    const c = shareChart({
      id: 'k',
      title: 'KPIs',
      rows: [
        { label: 'Late', key: 'late', share: 0.25, detail: '1/4' },
        { label: 'Repeat', key: 'repeat', share: null, detail: '0/0' },
      ],
    });
    expect(c.bars.map((b) => b.w)).toEqual([95, 0]);
    expect(c.labels.map((l) => l.text)).toContain('—');
    expect(c.labels.map((l) => l.text)).toContain('25% (1/4)');
  });

  it('renders SVG with every label escaped and no style attribute', () => {
    const c = columnChart({ id: 'x', title: '<b>"t"</b>', categories: ['<script>alert(1)</script>'], series: [{ name: 'a&b', key: 'k', fill: '#000', values: [1] }] });
    const svg = Mustache.render(CHART_SVG, c);
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toMatch(/style=/);
  });
});
