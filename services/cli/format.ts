/** Fits text into a column: cut with an ellipsis, or padded. */
function cell(text: unknown, width: number): string {
  const value = String(text ?? '');
  return value.length > width ? `${value.slice(0, width - 1)}…` : value.padEnd(width);
}

/** A plain-text table for a terminal. */
export function table(columns: { title: string; width: number }[], rows: unknown[][]): string {
  const line = (values: unknown[]) => values.map((value, i) => cell(value, columns[i]!.width)).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), line(columns.map((c) => '-'.repeat(c.width))), ...rows.map(line)].join('\n');
}

/** A progress bar of `width` characters for done out of total: full only when all is done. */
export function bar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** A time from the API as a terminal shows it, to the minute in UTC (2025-03-04 06:00 UTC), or '-' for none. */
export function when(iso: string | null | undefined): string {
  return iso ? `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '-';
}
