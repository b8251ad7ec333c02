// A strict parser of the Prometheus text exposition format (0.0.4) for tests: throws on the first malformed line.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  line: number;
}

export interface MetricFamily {
  name: string;
  help?: string;
  type?: string;
  samples: Sample[];
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function fail(line: number, msg: string): never {
  throw new Error(`line ${line}: ${msg}`);
}

function parseValue(text: string, line: number): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) fail(line, `bad sample value ${JSON.stringify(text)}`);
  return Number(text);
}

/** Reads `{a="x",b="y"}` from `s` at `i` (which points at '{'); returns the labels and the index after '}'. */
function parseLabels(s: string, start: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (s[i] !== '}') {
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
    if (!m) fail(line, `bad label name at column ${i + 1}`);
    const name = m[0];
    i += name.length;
    if (s[i] !== '=' || s[i + 1] !== '"') fail(line, `expected =" after label ${name}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) fail(line, `unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === '\n') fail(line, 'raw line feed in a label value');
      if (c === '\\') {
        const n = s[i + 1];
        if (n === '\\') value += '\\';
        else if (n === '"') value += '"';
        else if (n === 'n') value += '\n';
        else fail(line, `bad escape \\${n ?? ''} in label ${name}`);
        i += 2;
        continue;
      }
      value += c;
      i += 1;
    }
    if (Object.hasOwn(labels, name)) fail(line, `label ${name} given twice`);
    if (!LABEL.test(name) || name.startsWith('__')) fail(line, `reserved or bad label name ${name}`);
    labels[name] = value;
    i += 1;
    if (s[i] === ',') i += 1;
    else if (s[i] !== '}') fail(line, `expected , or } after label ${name}`);
  }
  return { labels, end: i + 1 };
}

function seriesKey(name: string, labels: Record<string, string>): string {
  return JSON.stringify([name, Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))]);
}

/**
 * Checks every line, that HELP and TYPE come before the samples of their metric and at most once, that a metric's
 * samples are contiguous, that no series repeats, and (for the textfile collector) that no sample carries a timestamp.
 */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text.length && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, MetricFamily>();
  const series = new Set<string>();
  const finished = new Set<string>();
  let current: string | null = null;
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const enter = (name: string, line: number): void => {
    if (current !== name) {
      if (current !== null) finished.add(current);
      if (finished.has(name)) fail(line, `metric ${name} appears again after other metrics`);
      current = name;
    }
  };
  text.replace(/\n$/, '').split('\n').forEach((raw, idx) => {
    const line = idx + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(raw);
      if (!m) return; // a plain comment
      const [, what, name, rest] = m;
      if (!METRIC.test(name!)) fail(line, `bad metric name ${name}`);
      enter(name!, line);
      const f = family(name!);
      if (f.samples.length) fail(line, `${what} for ${name} after its samples`);
      if (what === 'HELP') {
        if (f.help !== undefined) fail(line, `second HELP for ${name}`);
        f.help = (rest ?? '').replace(/\\(.?)/g, (_s, c: string) => (c === 'n' ? '\n' : c === '\\' ? '\\' : fail(line, `bad escape \\${c} in HELP`)));
      } else {
        if (f.type !== undefined) fail(line, `second TYPE for ${name}`);
        if (!TYPES.has(rest ?? '')) fail(line, `unknown type ${rest}`);
        f.type = rest;
      }
      return;
    }
    const nm = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
    if (!nm) fail(line, 'bad metric name');
    const name = nm[0];
    let i = name.length;
    let labels: Record<string, string> = {};
    if (raw[i] === '{') ({ labels, end: i } = parseLabels(raw, i, line));
    if (raw[i] !== ' ') fail(line, 'expected one space before the value');
    const parts = raw.slice(i + 1).split(' ');
    if (parts.length !== 1) fail(line, 'a timestamp or extra field after the value (the textfile collector rejects timestamps)');
    const value = parseValue(parts[0]!, line);
    enter(name, line);
    const key = seriesKey(name, labels);
    if (series.has(key)) fail(line, `duplicate series ${name}${JSON.stringify(labels)}`);
    series.add(key);
    family(name).samples.push({ name, labels, value, line });
  });
  return families;
}

/** The value of one series, or undefined when absent. */
export function sampleValue(families: Map<string, MetricFamily>, name: string, labels: Record<string, string>): number | undefined {
  const want = seriesKey(name, labels);
  return families.get(name)?.samples.find((s) => seriesKey(s.name, s.labels) === want)?.value;
}
