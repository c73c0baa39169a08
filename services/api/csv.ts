/**
 * One CSV line (RFC 4180): fields quoted when needed, quotes doubled. A text field that a spreadsheet
 * would run as a formula (=, +, -, @ first) gets a leading apostrophe: exports are opened in Excel.
 */
export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join(' ') : value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
