/** Rows as columns two spaces apart, each line indented and without trailing spaces. */
export function alignColumns(rows: readonly string[][], indent = ''): string[] {
  const widths = rows.reduce((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), [] as number[]);
  return rows.map((row) => `${indent}${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  ')}`.trimEnd());
}
