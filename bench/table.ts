/** A bench table: rows of named text cells, printed as a Markdown table under a title. */
export type Row = Record<string, string>;

export function printTable(title: string, table: Row[]): void {
  const columns = [...new Set(table.flatMap((r) => Object.keys(r)))];
  const widths = columns.map((c) => Math.max(c.length, ...table.map((r) => (r[c] ?? '').length)));
  console.log(`\n${title}\n`);
  console.log('| ' + columns.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |');
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of table) console.log('| ' + columns.map((c, i) => (r[c] ?? '').padEnd(widths[i]!)).join(' | ') + ' |');
}
