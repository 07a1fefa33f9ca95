/** One line of the bench's closing table: a figure, its target, what this run measured. */
export interface SummaryRow {
  figure: string;
  target: string;
  result: string;
  pass: boolean;
}

/** Prints the closing table of figure, target, result and pass/fail (what a reader looks at first). */
export function printSummary(rows: SummaryRow[], write: (s: string) => void, note?: string): void {
  const w = {
    figure: Math.max(6, ...rows.map((r) => r.figure.length)),
    target: Math.max(6, ...rows.map((r) => r.target.length)),
    result: Math.max(6, ...rows.map((r) => r.result.length)),
  };
  const line = (a: string, b: string, c: string, d: string) => `  ${a.padEnd(w.figure)}  ${b.padEnd(w.target)}  ${c.padEnd(w.result)}  ${d}`;
  const passed = rows.filter((r) => r.pass).length;
  write(
    [
      '',
      `summary: ${passed} of ${rows.length} targets met`,
      line('figure', 'target', 'result', 'pass/fail'),
      line('-'.repeat(w.figure), '-'.repeat(w.target), '-'.repeat(w.result), '---------'),
      ...rows.map((r) => line(r.figure, r.target, r.result, r.pass ? 'PASS' : 'FAIL')),
      ...(note ? [`  ${note}`] : []),
      '',
    ].join('\n'),
  );
}
