// OpenSSH client config (~/.ssh/config, -F file): parsing, Include, Host and Match blocks, first-value-wins lookup.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, basename } from 'node:path';
import { ConfigError, type SourceLocation } from '../util/errors.js';
import { localUser as currentUser } from '../util/local-user.js';
import { SSH_CONFIG_KEYWORDS } from './ssh-keywords.js';
import { expandTilde, expandTokens, TOKENS } from './ssh-tokens.js';

export { expandTilde } from './ssh-tokens.js';

/** One `Match` criterion: `host a,b`, `!user x`, `all`, `final`, ... */
interface Criterion {
  name: string;
  negate: boolean;
  arg?: string;
}

/** A block header a line sits under; lines of an Include sit under the including block too. */
type Condition = { kind: 'host'; patterns: string[] } | { kind: 'match'; criteria: Criterion[]; where: SourceLocation };

interface ConfigLine {
  keyword: string; // lower-case
  args: string[];
  /** Every block the line sits under (outer Include first); empty = top of file, applies to every host. */
  conditions: Condition[];
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
  proxyCommand?: string;
  connectTimeoutSec?: number;
  serverAliveIntervalSec?: number;
  serverAliveCountMax?: number;
  userKnownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
  strictHostKeyChecking?: string;
  identityAgent?: string;
  hashKnownHosts?: boolean;
  hostKeyAlias?: string;
  /** Where each value was set, for error messages about it later. */
  origins: Record<string, SourceLocation>;
}

/** Values given on the command line (for this tool: the inventory's connection vars), which ssh sets before any file. */
export interface PresetValues {
  user?: string;
  port?: number;
}

const MAX_INCLUDE_DEPTH = 16;
// Keywords whose every occurrence adds a value instead of the first one winning.
const CUMULATIVE = new Set(['identityfile']);
// Read and checked; anything else is accepted and ignored, as it changes nothing this tool does.
const MATCH_CRITERIA = new Set(['all', 'canonical', 'final', 'exec', 'host', 'originalhost', 'user', 'localuser']);

/**
 * Splits an ssh_config line into words: `Key value`, `Key=value`, double quotes group words, and an unquoted word
 * starting with `#` ends the line (ssh's argv_split with terminate_on_comment).
 */
export function tokenizeConfigLine(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inQuote = false;
  let have = false;
  const s = text.replace(/^\s*([A-Za-z0-9]+)\s*=\s*/, '$1 ');
  for (const ch of s) {
    if (ch === '"') {
      inQuote = !inQuote;
      have = true;
    } else if (!inQuote && /\s/.test(ch)) {
      if (have) words.push(cur);
      cur = '';
      have = false;
    } else if (!inQuote && !have && ch === '#') {
      return words;
    } else {
      cur += ch;
      have = true;
    }
  }
  if (have) words.push(cur);
  return words;
}

function globRe(pattern: string, caseInsensitive: boolean): RegExp {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, caseInsensitive ? 'si' : 's');
}

/** OpenSSH's match_pattern: `*` and `?`, case-sensitive (Host patterns match as typed). */
export function sshGlob(pattern: string, name: string): boolean {
  return globRe(pattern, false).test(name);
}

/** A pattern list matches when some positive pattern matches and no `!negated` one does (match_pattern_list). */
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

function patternListMatch(list: string, name: string): boolean {
  return hostPatternsMatch(list.split(',').filter((p) => p !== ''), name);
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

/** State of one evaluation pass: what the Match criteria see. */
interface PassState {
  host: string;
  original: string;
  final: boolean;
  out: SshConfigValues;
  seen: Set<string>;
  localUser: string;
  memo: Map<Condition, boolean>;
}

function evalMatch(c: Extract<Condition, { kind: 'match' }>, st: PassState): boolean {
  // Criteria see the configuration as it stands at this line (ssh's match_cfg_line): HostName already set, or the host.
  const host = st.final ? st.host : st.out.hostName !== undefined ? st.out.hostName.replace(/%h/g, st.host) : st.host;
  const ruser = st.out.user ?? st.localUser;
  let result = true;
  for (const cr of c.criteria) {
    let r: boolean;
    switch (cr.name) {
      case 'all': r = true; break;
      case 'canonical': case 'final': r = st.final; break;
      // ssh compares host names in lower case on both sides here (match_pattern_list with dolower), unlike Host lines.
      case 'host': r = patternListMatch((cr.arg ?? '').toLowerCase(), host.toLowerCase()); break;
      case 'originalhost': r = patternListMatch((cr.arg ?? '').toLowerCase(), st.original.toLowerCase()); break;
      case 'user': r = patternListMatch(cr.arg ?? '', ruser); break;
      case 'localuser': r = patternListMatch(cr.arg ?? '', st.localUser); break;
      default: // exec: ssh runs it only while every earlier criterion held, so only then is it refused.
        if (!result) continue;
        throw new ConfigError(c.where, 'Match exec', `"Match exec ${cr.arg ?? ''}" would run a command to decide the configuration of ${st.original}; this tool does not run commands from ssh_config (deliberate: put the settings under Host or Match host instead)`);
    }
    if (r === cr.negate) result = false;
  }
  return result;
}

export class SshConfig {
  private constructor(private readonly lines: ConfigLine[], private readonly wantFinalPass: boolean) {}

  static empty(): SshConfig {
    return new SshConfig([], false);
  }

  /** Reads a config file and its Includes; a missing file is an empty config unless `required`. */
  static load(path: string, opts: { required?: boolean; home?: string } = {}): SshConfig {
    const lines: ConfigLine[] = [];
    readConfigFile(path, [], 0, lines, opts.home ?? homedir(), opts.required ?? false);
    return SshConfig.of(lines);
  }

  static parse(text: string, file = 'ssh_config', home = homedir()): SshConfig {
    const lines: ConfigLine[] = [];
    parseInto(text, file, [], 0, lines, home);
    return SshConfig.of(lines);
  }

  private static of(lines: ConfigLine[]): SshConfig {
    const conds = new Set(lines.flatMap((l) => l.conditions));
    const final = [...conds].some((c) => c.kind === 'match' && c.criteria.some((cr) => cr.name === 'final'));
    return new SshConfig(lines, final);
  }

  /**
   * What applies to `host` (the name as typed: the inventory address), first obtained value winning, after values
   * given on the command line (`preset`). With a `Match final` anywhere, ssh reads everything a second time with the
   * host set to the HostName found by the first pass, adding only what is still unset; so does this.
   */
  lookup(host: string, preset: PresetValues = {}, localUser = currentUser().name): SshConfigValues {
    const out: SshConfigValues = { identityFiles: [], origins: {} };
    const seen = new Set<string>();
    if (preset.user !== undefined) { out.user = preset.user; seen.add('user'); }
    if (preset.port !== undefined) { out.port = preset.port; seen.add('port'); }
    const st: PassState = { host, original: host, final: false, out, seen, localUser, memo: new Map() };
    this.pass(st);
    if (this.wantFinalPass) {
      const where = out.origins['hostname'] ?? { file: '(command line)' };
      const h = out.hostName === undefined ? host : expandTokens(out.hostName, { host, original: host, port: out.port ?? 22, user: out.user ?? localUser }, TOKENS.hostName, where, 'HostName');
      // ssh sets the host name to the one resolved before the second pass, so HostName lines there change nothing.
      out.hostName = h.toLowerCase();
      seen.add('hostname');
      this.pass({ ...st, host: h.toLowerCase(), final: true, memo: new Map() });
    }
    return out;
  }

  private pass(st: PassState): void {
    for (const l of this.lines) {
      if (!l.conditions.every((c) => this.holds(c, st))) continue;
      if (!CUMULATIVE.has(l.keyword)) {
        if (st.seen.has(l.keyword)) continue;
        st.seen.add(l.keyword);
      }
      applyValue(st.out, l);
    }
  }

  private holds(c: Condition, st: PassState): boolean {
    const known = st.memo.get(c);
    if (known !== undefined) return known;
    const r = c.kind === 'host' ? hostPatternsMatch(c.patterns, st.host) : evalMatch(c, st);
    st.memo.set(c, r);
    return r;
  }
}

function yesNo(l: ConfigLine, v: string): boolean {
  const s = v.toLowerCase();
  if (s === 'yes' || s === 'true') return true;
  if (s === 'no' || s === 'false') return false;
  throw new ConfigError({ file: l.file, line: l.line }, l.keyword, `expected yes or no, got "${v}"`);
}

function applyValue(out: SshConfigValues, l: ConfigLine): void {
  const v = l.args[0] ?? '';
  const where = { file: l.file, line: l.line };
  const num = (): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(where, l.keyword, `expected a whole number, got "${v}"`);
    return n;
  };
  if (!CUMULATIVE.has(l.keyword)) out.origins[l.keyword] = where;
  switch (l.keyword) {
    case 'hostname': out.hostName = v; break;
    case 'user': out.user = v; break;
    case 'port': {
      const n = num();
      if (n < 1 || n > 65535) throw new ConfigError(where, 'Port', `expected 1..65535, got "${v}"`);
      out.port = n;
      break;
    }
    case 'identityfile':
      if (v.toLowerCase() !== 'none') {
        out.identityFiles.push(v);
        out.origins[`identityfile:${v}`] = where;
      }
      break;
    case 'identitiesonly': out.identitiesOnly = yesNo(l, v); break;
    // ProxyJump and ProxyCommand exclude each other: whichever comes first is the one ssh uses.
    case 'proxyjump': if (out.proxyCommand === undefined) out.proxyJump = v; break;
    case 'proxycommand': if (out.proxyJump === undefined) out.proxyCommand = l.args.join(' '); break;
    case 'connecttimeout': out.connectTimeoutSec = num(); break;
    case 'serveraliveinterval': out.serverAliveIntervalSec = num(); break;
    case 'serveralivecountmax': out.serverAliveCountMax = num(); break;
    case 'userknownhostsfile': out.userKnownHostsFiles = l.args; break;
    case 'globalknownhostsfile': out.globalKnownHostsFiles = l.args; break;
    case 'stricthostkeychecking': {
      const s = v.toLowerCase();
      if (!['yes', 'no', 'true', 'false', 'ask', 'off', 'accept-new'].includes(s)) throw new ConfigError(where, 'StrictHostKeyChecking', `expected yes, accept-new, no, off or ask, got "${v}"`);
      out.strictHostKeyChecking = s;
      break;
    }
    case 'identityagent': out.identityAgent = v; break;
    case 'hashknownhosts': out.hashKnownHosts = yesNo(l, v); break;
    case 'hostkeyalias': out.hostKeyAlias = v; break;
    case 'canonicalizehostname':
      // ssh would look the name up in DNS under CanonicalDomains and re-read the config: not done here, so refused.
      if (!['no', 'false', 'none'].includes(v.toLowerCase())) {
        throw new ConfigError(where, 'CanonicalizeHostname', `"${v}" is not supported (deliberate: set HostName explicitly; this tool does not canonicalise names through DNS)`);
      }
      break;
    default: break; // keywords this tool does not use are accepted and ignored
  }
}

function readConfigFile(path: string, conditions: Condition[], depth: number, out: ConfigLine[], home: string, required: boolean): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigError({ file: path }, undefined, `cannot read ssh config: ${(err as Error).message}`);
  }
  parseInto(text, path, conditions, depth, out, home);
}

/** `Match` arguments: ssh's strdelim splits on blanks and on one `=`, so `host=a` reads as `host a`. */
function parseMatch(words: string[], where: SourceLocation): Criterion[] {
  const toks = words.flatMap((w) => w.split('=')).filter((w) => w !== '');
  if (toks.length === 0) throw new ConfigError(where, 'Match', 'expected at least one criterion (all, host, originalhost, user, localuser, exec, canonical, final)');
  const out: Criterion[] = [];
  for (let i = 0; i < toks.length; i++) {
    const raw = toks[i] as string;
    const negate = raw.startsWith('!');
    const name = (negate ? raw.slice(1) : raw).toLowerCase();
    if (!MATCH_CRITERIA.has(name)) throw new ConfigError(where, 'Match', `unsupported criterion "${raw}" (expected all, host, originalhost, user, localuser, exec, canonical or final)`);
    if (name === 'all' || name === 'canonical' || name === 'final') {
      out.push({ name, negate });
      continue;
    }
    const arg = toks[++i];
    if (arg === undefined) throw new ConfigError(where, 'Match', `criterion "${name}" needs an argument`);
    out.push({ name, negate, arg });
  }
  const all = out.findIndex((c) => c.name === 'all');
  if (all >= 0 && out.some((c) => c.name !== 'all' && c.name !== 'canonical' && c.name !== 'final')) {
    throw new ConfigError(where, 'Match', '"all" cannot be combined with other criteria');
  }
  return out;
}

/** IgnoreUnknown patterns met so far while reading (ssh: they spare the unknown keywords after them). */
const ignoreUnknown = new WeakMap<ConfigLine[], string[]>();

function parseInto(text: string, file: string, outer: Condition[], depth: number, out: ConfigLine[], home: string): void {
  let current = outer;
  const ignored = ignoreUnknown.get(out) ?? [];
  ignoreUnknown.set(out, ignored);
  const rows = text.split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] ?? '').trim();
    if (row === '' || row.startsWith('#')) continue;
    const words = tokenizeConfigLine(row);
    const keyword = (words.shift() ?? '').toLowerCase();
    const where = { file, line: i + 1, column: 1 };
    if (keyword === 'host') {
      if (words.length === 0) throw new ConfigError(where, 'Host', 'expected at least one host pattern');
      current = [...outer, { kind: 'host', patterns: words }];
    } else if (keyword === 'match') {
      current = [...outer, { kind: 'match', criteria: parseMatch(words, where), where }];
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
      if (!SSH_CONFIG_KEYWORDS.has(keyword)) {
        // ssh refuses a keyword it does not know (a typo such as "Usre" would otherwise silently log in as someone else).
        if (ignored.some((p) => patternListMatch(p, keyword))) continue;
        throw new ConfigError(where, keyword, `Bad configuration option "${row.split(/[\s=]/)[0]}": not an OpenSSH ssh_config keyword (ssh refuses it too; IgnoreUnknown lists keywords to skip)`);
      }
      if (words.length === 0) throw new ConfigError(where, keyword, 'missing value');
      if (keyword === 'ignoreunknown') ignored.push(...words.map((w) => w.toLowerCase()));
      out.push({ keyword, args: words, conditions: current, file, line: i + 1 });
    }
  }
}
