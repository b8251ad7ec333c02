// RFC 4180 CSV: CRLF record ends, and a field with a comma, quote, CR or LF quoted with its quotes doubled.
export function csvField(value: string | number | null): string {
  const s = value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record per row, the header first; every record (the last too) ends in CRLF, as RFC 4180 allows. */
export function renderCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}
