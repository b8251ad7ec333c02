// "{{ name }}" interpolation from playbook vars: vars may use vars (cycles rejected); a lone template keeps its type.

export interface InterpolationProblem {
  /** Path of the offending value in the document, e.g. ['vars', 'a'] or ['steps', 2, 'reboot', 'timeout']. */
  path: (string | number)[];
  field?: string;
  problem: string;
}

const TEMPLATE = /\{\{(.*?)\}\}/g;
const NAME = /^\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\s*$/;
const FAILED = Symbol('failed');

export class Interpolator {
  private readonly resolved = new Map<string, unknown>();
  readonly problems: InterpolationProblem[] = [];

  constructor(private readonly vars: Record<string, unknown>) {}

  /** Resolves every var once so cycles are reported even in vars no step uses. */
  resolveAll(): void {
    for (const name of Object.keys(this.vars)) this.resolveVar(name, [], ['vars', name]);
  }

  private resolveVar(name: string, chain: string[], at: (string | number)[]): unknown {
    if (this.resolved.has(name)) return this.resolved.get(name);
    if (chain.includes(name)) {
      const cycle = [...chain.slice(chain.indexOf(name)), name];
      this.problems.push({ path: ['vars', cycle[0]!], problem: `cycle in vars: ${cycle.join(' -> ')}` });
      for (const n of cycle) this.resolved.set(n, FAILED);
      return FAILED;
    }
    if (!Object.hasOwn(this.vars, name)) {
      this.problems.push({ path: at, problem: `undefined variable "${name}" (define it under vars:)` });
      return FAILED;
    }
    const value = this.renderValue(this.vars[name], [...chain, name], ['vars', name]);
    if (!this.resolved.has(name)) this.resolved.set(name, value);
    return this.resolved.get(name);
  }

  private lookup(expr: string, chain: string[], at: (string | number)[]): unknown {
    const m = NAME.exec(expr);
    if (!m) {
      this.problems.push({ path: at, problem: `unsupported template "{{${expr}}}": only {{ name }} or {{ name.key }} is supported` });
      return FAILED;
    }
    let value = this.resolveVar(m[1]!, chain, at);
    for (const key of (m[2] ?? '').split('.').filter((k) => k !== '')) {
      if (value === FAILED) return FAILED;
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) {
        this.problems.push({ path: at, problem: `"{{${expr}}}": ${m[1]} has no key "${key}"` });
        return FAILED;
      }
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  }

  private renderString(s: string, chain: string[], at: (string | number)[]): unknown {
    const whole = /^\{\{(.*?)\}\}$/.exec(s);
    if (whole && !whole[1]!.includes('}}')) return this.lookup(whole[1]!, chain, at);
    let failed = false;
    const out = s.replace(TEMPLATE, (_all, expr: string) => {
      const v = this.lookup(expr, chain, at);
      if (v === FAILED) {
        failed = true;
        return '';
      }
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
    return failed ? FAILED : out;
  }

  private renderValue(value: unknown, chain: string[], at: (string | number)[]): unknown {
    if (typeof value === 'string') return value.includes('{{') ? this.renderString(value, chain, at) : value;
    if (Array.isArray(value)) return value.map((v, i) => this.renderValue(v, chain, [...at, i]));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.renderValue(v, chain, [...at, k]);
      return out;
    }
    return value;
  }

  /** Renders templates inside a value found at `at`; returns undefined (and records problems) if any failed. */
  render(value: unknown, at: (string | number)[]): { ok: true; value: unknown } | { ok: false } {
    const before = this.problems.length;
    const out = this.renderValue(value, [], at);
    return this.problems.length > before || containsFailed(out) ? { ok: false } : { ok: true, value: out };
  }
}

function containsFailed(v: unknown): boolean {
  if (v === FAILED) return true;
  if (Array.isArray(v)) return v.some(containsFailed);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsFailed);
  return false;
}
