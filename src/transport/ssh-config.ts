// OpenSSH client config (~/.ssh/config, -F file): parsing, Include, Host patterns and first-value-wins lookup.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, basename } from 'node:path';
import { ConfigError } from '../util/errors.js';

interface ConfigLine {
  keyword: string; // lower-case
  args: string[];
  /** Host patterns of the enclosing block; null = before any Host line (applies to every host). */
  condition: string[] | null;
  file: string;
  line: number;
}

/** Values found for one host; absent keys were not set by any matching block. */
export interface SshConfigValues {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  identitiesOnly?: boolean;
  proxyJump?: string;
  connectTimeoutSec?: number;
  serverAliveIntervalSec?: number;
  serverAliveCountMax?: number;
  userKnownHostsFiles?: string[];
  strictHostKeyChecking?: string;
  identityAgent?: string;
}

const MAX_INCLUDE_DEPTH = 16;
// Keywords whose every occurrence adds a value instead of the first one winning.
const CUMULATIVE = new Set(['identityfile']);

/** Splits an ssh_config line into words: `Key value`, `Key=value`, double quotes group words. */
export function tokenizeConfigLine(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inQuote = false;
  let have = false;
  const s = text.replace(/^\s*([A-Za-z]+)\s*=\s*/, '$1 ');
  for (const ch of s) {
    if (ch === '"') {
      inQuote = !inQuote;
      have = true;
    } else if (!inQuote && /\s/.test(ch)) {
      if (have) words.push(cur);
      cur = '';
      have = false;
    } else {
      cur += ch;
      have = true;
    }
  }
  if (have) words.push(cur);
  return words;
}

export function expandTilde(p: string, home = homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return p;
}

/** OpenSSH Host/known_hosts glob, case-insensitive. */
export function sshGlob(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/** A Host line matches when some positive pattern matches and no `!negated` one does. */
export function hostPatternsMatch(patterns: string[], name: string): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (sshGlob(p.slice(1), name)) return false;
    } else if (sshGlob(p, name)) {
      positive = true;
    }
  }
  return positive;
}

function expandIncludeGlob(pattern: string): string[] {
  const dir = dirname(pattern);
  const base = basename(pattern);
  if (!/[*?]/.test(base)) return [pattern];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => sshGlob(base, n) && !n.startsWith('.')).sort().map((n) => join(dir, n));
}

export class SshConfig {
  private constructor(private readonly lines: ConfigLine[]) {}

  static empty(): SshConfig {
    return new SshConfig([]);
  }

  /** Reads a config file and its Includes; a missing file is an empty config unless `required`. */
  static load(path: string, opts: { required?: boolean; home?: string } = {}): SshConfig {
    const lines: ConfigLine[] = [];
    readConfigFile(path, null, 0, lines, opts.home ?? homedir(), opts.required ?? false);
    return new SshConfig(lines);
  }

  static parse(text: string, file = 'ssh_config', home = homedir()): SshConfig {
    const lines: ConfigLine[] = [];
    parseInto(text, file, null, 0, lines, home);
    return new SshConfig(lines);
  }

  /** What applies to `host` (the name as typed / inventory address), first obtained value winning. */
  lookup(host: string): SshConfigValues {
    const seen = new Set<string>();
    const out: SshConfigValues = { identityFiles: [] };
    for (const l of this.lines) {
      if (l.condition !== null && !hostPatternsMatch(l.condition, host)) continue;
      if (!CUMULATIVE.has(l.keyword)) {
        if (seen.has(l.keyword)) continue;
        seen.add(l.keyword);
      }
      applyValue(out, l);
    }
    return out;
  }
}

function applyValue(out: SshConfigValues, l: ConfigLine): void {
  const v = l.args[0] ?? '';
  const num = (): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError({ file: l.file, line: l.line }, l.keyword, `expected a whole number, got "${v}"`);
    return n;
  };
  switch (l.keyword) {
    case 'hostname': out.hostName = v; break;
    case 'user': out.user = v; break;
    case 'port': {
      const n = num();
      if (n < 1 || n > 65535) throw new ConfigError({ file: l.file, line: l.line }, 'Port', `expected 1..65535, got "${v}"`);
      out.port = n;
      break;
    }
    case 'identityfile': if (v.toLowerCase() !== 'none') out.identityFiles.push(v); break;
    case 'identitiesonly': out.identitiesOnly = v.toLowerCase() === 'yes'; break;
    case 'proxyjump': out.proxyJump = v; break;
    case 'connecttimeout': out.connectTimeoutSec = num(); break;
    case 'serveraliveinterval': out.serverAliveIntervalSec = num(); break;
    case 'serveralivecountmax': out.serverAliveCountMax = num(); break;
    case 'userknownhostsfile': out.userKnownHostsFiles = l.args; break;
    case 'stricthostkeychecking': out.strictHostKeyChecking = v.toLowerCase(); break;
    case 'identityagent': out.identityAgent = v; break;
    default: break; // keywords this tool does not use are accepted and ignored, as ssh ignores unknown ones it is told to
  }
}

function readConfigFile(path: string, condition: string[] | null, depth: number, out: ConfigLine[], home: string, required: boolean): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigError({ file: path }, undefined, `cannot read ssh config: ${(err as Error).message}`);
  }
  parseInto(text, path, condition, depth, out, home);
}

function parseInto(text: string, file: string, condition: string[] | null, depth: number, out: ConfigLine[], home: string): void {
  let current = condition;
  const rows = text.split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] ?? '').trim();
    if (row === '' || row.startsWith('#')) continue;
    const words = tokenizeConfigLine(row);
    const keyword = (words.shift() ?? '').toLowerCase();
    const where = { file, line: i + 1, column: 1 };
    if (keyword === 'host') {
      if (words.length === 0) throw new ConfigError(where, 'Host', 'expected at least one host pattern');
      current = words;
    } else if (keyword === 'match') {
      // Only `Match all` is understood; other criteria (exec, user, ...) are treated as never matching, never guessed.
      current = words.length === 1 && words[0]?.toLowerCase() === 'all' ? ['*'] : ['!*'];
    } else if (keyword === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) throw new ConfigError(where, 'Include', `nested more than ${MAX_INCLUDE_DEPTH} deep (a loop?)`);
      for (const w of words) {
        const p = expandTilde(w, home);
        const abs = isAbsolute(p) ? p : join(home, '.ssh', p);
        for (const f of expandIncludeGlob(abs)) {
          if (statSync(f, { throwIfNoEntry: false })?.isFile()) readConfigFile(f, current, depth + 1, out, home, false);
        }
      }
    } else {
      if (words.length === 0) throw new ConfigError(where, keyword, 'missing value');
      out.push({ keyword, args: words, condition: current, file, line: i + 1 });
    }
  }
}
