// ssh -G (OpenSSH's own resolution of a config for a host) against SshConfig + resolveSshTarget.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import type { HostSpec } from '../../src/inventory/types.js';
import { SshConfig } from '../../src/transport/ssh-config.js';
import { resolveSshTarget } from '../../src/transport/ssh-target.js';
import { ConfigError } from '../../src/util/errors.js';
import { run } from './references.js';

/** A host to resolve, with what the command line would give ssh first (-o User=...). */
export interface Query {
  host: string;
  user?: string;
}

export type Resolved = { ok: true; values: Record<string, string> } | { ok: false; error: string };

export const FIELDS = ['user', 'port', 'hostname', 'identityfile', 'proxyjump', 'proxycommand', 'stricthostkeychecking', 'userknownhostsfile', 'globalknownhostsfile', 'hostkeyalias', 'identityagent'] as const;

const PW_HOME = userInfo().homedir;

/** Hosts worth asking a config about: every Host pattern made concrete, Match originalhost names, a miss. */
export function queriesFor(text: string): Query[] {
  const out = new Map<string, Query>();
  const add = (q: Query) => out.set(`${q.host}|${q.user ?? ''}`, q);
  for (const raw of text.split('\n')) {
    const words = raw.replace(/#.*/, '').trim().split(/[\s=]+/);
    const kw = (words.shift() ?? '').toLowerCase();
    if (kw === 'host') for (const w of words.filter((w) => w !== '' && !w.startsWith('!'))) add({ host: w.replace(/\*/g, 'x1').replace(/\?/g, 'q') });
    if (kw === 'match') {
      for (let i = 0; i < words.length; i++) {
        const c = (words[i] ?? '').toLowerCase();
        if ((c === 'originalhost' || c === 'host') && words[i + 1]) for (const p of words[i + 1]!.split(',')) if (!p.startsWith('!')) add({ host: p.replace(/\*/g, 'x1').replace(/\?/g, 'q') });
      }
    }
  }
  add({ host: 'nomatch.invalid' });
  const first = [...out.values()][0];
  if (first) add({ host: first.host.toUpperCase() });
  return [...out.values()].slice(0, 40);
}

/**
 * A scratch home holding the config's folder as ~/.ssh, so relative Includes resolve for both sides; ssh is run in
 * a private mount namespace with that home bind-mounted over the real one (ssh takes ~ from the password file).
 */
export function scratchHome(configDir: string): string {
  const home = mkdtempSync(path.join(tmpdir(), 'mds-diff-home-'));
  mkdirSync(path.join(home, '.ssh'));
  for (const e of readdirSync(configDir)) {
    const src = path.join(configDir, e);
    cpSync(src, path.join(home, '.ssh', e), { recursive: statSync(src).isDirectory() });
  }
  return home;
}

const SEP = '@@@mds-diff@@@';

export function sshResolve(file: string, home: string, queries: readonly Query[]): Resolved[] {
  const script = queries.map((q, i) => `echo "${SEP} ${i}"; ssh -G -F "$1" ${q.user ? `-o User=${q.user}` : ''} '${q.host.replace(/'/g, '')}' 2>&1; echo "${SEP} rc $?"`).join('\n');
  const r = run('unshare', ['-m', 'sh', '-c', `mount --bind "$2" "$3" || exit 99\n${script}`, 'sh', file, home, PW_HOME]);
  if (r.code === 99) throw new Error(`cannot bind-mount a scratch home: ${r.stderr}`);
  const parts = r.stdout.split(new RegExp(`${SEP} \\d+\\n`)).slice(1);
  if (parts.length !== queries.length) throw new Error(`ssh -G gave ${parts.length} answers for ${queries.length} queries: ${r.stdout.slice(0, 2000)}`);
  return parts.map((p) => {
    const rc = /@@@mds-diff@@@ rc (\d+)/.exec(p)?.[1];
    const body = p.replace(/@@@mds-diff@@@ rc \d+\n?/, '');
    if (rc !== '0') return { ok: false, error: body.trim() };
    const values: Record<string, string[]> = {};
    for (const line of body.split('\n')) {
      const m = /^(\S+) (.*)$/.exec(line);
      if (m && (FIELDS as readonly string[]).includes(m[1]!)) (values[m[1]!] ??= []).push(m[2]!);
    }
    return { ok: true, values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.join(' | ')])) };
  });
}

const SHKC: Record<string, string> = { yes: 'true', true: 'true', no: 'false', off: 'false', false: 'false', ask: 'ask', 'accept-new': 'accept-new' };

export function ourResolve(file: string, home: string, queries: readonly Query[], env: NodeJS.ProcessEnv): Resolved[] {
  let config: SshConfig;
  try {
    config = SshConfig.load(file, { required: true, home });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return queries.map(() => ({ ok: false, error: err.message }));
  }
  const local = userInfo().username;
  return queries.map((q) => {
    const spec: HostSpec = { name: q.host, address: q.host, port: 22, user: q.user ?? local, become: false, novaHost: q.host, groups: ['all'], vars: q.user ? { ansible_user: q.user } : {} };
    try {
      const t = resolveSshTarget(spec, config, { home: PW_HOME, env });
      const c = t.config;
      const v: Record<string, string> = {
        user: t.user,
        port: String(t.port),
        hostname: t.address,
        stricthostkeychecking: SHKC[c.strictHostKeyChecking ?? 'ask'] ?? `?${c.strictHostKeyChecking}`,
        userknownhostsfile: (t.knownHostsFiles ?? [`${PW_HOME}/.ssh/known_hosts`, `${PW_HOME}/.ssh/known_hosts2`]).join(' ') || 'none',
        globalknownhostsfile: (t.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']).join(' ') || 'none',
      };
      if (c.identityFiles.length > 0) v['identityfile'] = [...new Set(c.identityFiles)].join(' | ');
      if (c.proxyJump !== undefined && c.proxyJump.toLowerCase() !== 'none') v['proxyjump'] = c.proxyJump;
      if (c.proxyCommand !== undefined && c.proxyCommand.toLowerCase() !== 'none') v['proxycommand'] = c.proxyCommand;
      if (c.hostKeyAlias !== undefined) v['hostkeyalias'] = t.knownHostNames[0] ?? '';
      if (t.identityAgent !== undefined) v['identityagent'] = t.identityAgent ?? 'none';
      return { ok: true, values: v };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return { ok: false, error: err.message };
    }
  });
}
