// unifiedDiff: a standard unified diff (3 lines of context) between two texts, for dry-run plans.

interface Op {
  kind: ' ' | '-' | '+';
  line: string;
  /** Whether this line is the last one of its text and has no line ending. */
  noEol: boolean;
}

function toLines(text: string): { lines: string[]; lastHasEol: boolean } {
  if (text === '') return { lines: [], lastHasEol: true };
  const lastHasEol = text.endsWith('\n');
  const lines = (lastHasEol ? text.slice(0, -1) : text).split('\n');
  return { lines, lastHasEol };
}

/** Myers' O(ND) shortest edit script over the lines between a common prefix and suffix. */
function editScript(a: string[], b: string[]): (' ' | '-' | '+')[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    // Only diagonals -d-1..d+1 matter at round d: keeping just those makes the trace O(D^2), not O(D*(N+M)).
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers to recover the path.
  const ops: (' ' | '-' | '+')[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    if (!vd) break;
    const at = (k: number) => vd[k + d + 1] ?? 0;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push(' ');
      x--;
      y--;
    }
    if (d === 0) break;
    ops.push(down ? '+' : '-');
    if (down) y--;
    else x--;
  }
  while (x > 0 && y > 0) {
    ops.push(' ');
    x--;
    y--;
  }
  return ops.reverse();
}

function diffOps(oldText: string, newText: string): Op[] {
  const a = toLines(oldText);
  const b = toLines(newText);
  // A last line that gains or loses its ending differs, even when its text is equal: key lines by "text + ending".
  const ka = a.lines.map((l, i) => (i === a.lines.length - 1 && !a.lastHasEol ? `${l}\0` : l));
  const kb = b.lines.map((l, i) => (i === b.lines.length - 1 && !b.lastHasEol ? `${l}\0` : l));
  let pre = 0;
  while (pre < ka.length && pre < kb.length && ka[pre] === kb[pre]) pre++;
  let suf = 0;
  while (suf < ka.length - pre && suf < kb.length - pre && ka[ka.length - 1 - suf] === kb[kb.length - 1 - suf]) suf++;
  const script = editScript(ka.slice(pre, ka.length - suf), kb.slice(pre, kb.length - suf));
  const ops: Op[] = [];
  const push = (kind: Op['kind'], key: string) => ops.push({ kind, line: key.replace(/\0$/, ''), noEol: key.endsWith('\0') });
  for (let i = 0; i < pre; i++) push(' ', ka[i] ?? '');
  let x = pre;
  let y = pre;
  for (const s of script) {
    if (s === ' ') {
      push(' ', ka[x] ?? '');
      x++;
      y++;
    } else if (s === '-') push('-', ka[x++] ?? '');
    else push('+', kb[y++] ?? '');
  }
  for (let i = ka.length - suf; i < ka.length; i++) push(' ', ka[i] ?? '');
  return ops;
}

/**
 * `diff -u` style output with `--- path` / `+++ path` headers and `\ No newline at end of file` markers.
 * Empty string when the texts are equal.
 */
export function unifiedDiff(oldText: string, newText: string, path: string, context = 3): string {
  if (oldText === newText) return '';
  const ops = diffOps(oldText, newText);
  const out = [`--- ${path}`, `+++ ${path}`];
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]?.kind === ' ') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    // Extend the hunk while the next change is within 2*context unchanged lines.
    let end = i;
    let j = i;
    while (j < ops.length) {
      if (ops[j]?.kind !== ' ') {
        end = j;
        j++;
        continue;
      }
      let run = j;
      while (run < ops.length && ops[run]?.kind === ' ') run++;
      if (run >= ops.length || run - j > 2 * context) break;
      j = run;
    }
    const stop = Math.min(ops.length, end + 1 + context);
    let oldStart = 1;
    let newStart = 1;
    for (let k = 0; k < start; k++) {
      if (ops[k]?.kind !== '+') oldStart++;
      if (ops[k]?.kind !== '-') newStart++;
    }
    const hunk = ops.slice(start, stop);
    const oldLen = hunk.filter((o) => o.kind !== '+').length;
    const newLen = hunk.filter((o) => o.kind !== '-').length;
    // diff -u names an empty range by the line before it (start 0 for an empty file).
    const range = (s: number, len: number) => (len === 1 ? `${s}` : `${len === 0 ? s - 1 : s},${len}`);
    out.push(`@@ -${range(oldStart, oldLen)} +${range(newStart, newLen)} @@`);
    for (const o of hunk) {
      out.push(`${o.kind}${o.line}`);
      if (o.noEol) out.push('\\ No newline at end of file');
    }
    i = stop;
  }
  return `${out.join('\n')}\n`;
}
