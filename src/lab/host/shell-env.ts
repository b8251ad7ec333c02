// Writes KEY=value files that the host's bash tools source: every value single-quoted, so nothing in it is expanded.

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function renderEnvFile(vars: Record<string, string | number | boolean>): string {
  return Object.entries(vars).map(([k, v]) => {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) throw new Error(`bad shell variable name ${k}`);
    const s = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    return `${k}=${shellQuote(s)}\n`;
  }).join('');
}
