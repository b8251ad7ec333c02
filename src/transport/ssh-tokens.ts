// ssh_config percent tokens (%h %p %r %u %l %L %C %i %d %n %k %%) and ~ expansion, as OpenSSH 9.2 expands them.
import { createHash } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type SourceLocation } from '../util/errors.js';
import { localUser } from '../util/local-user.js';

/** What the tokens stand for when a value is expanded. */
export interface TokenContext {
  /** %h: the remote host name after HostName. */
  host: string;
  /** %n: the name as given (inventory address). */
  original: string;
  port: number;
  /** %r: the remote user. */
  user: string;
  home?: string;
  /** %k: HostKeyAlias when set, else the name as given. */
  hostKeyAlias?: string;
}

export function expandTilde(p: string, home = homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return p;
}


/**
 * Expands `%x` tokens; `allowed` lists the letters the keyword accepts (ssh refuses others, so do we, naming the
 * file and line). %C is ssh's SHA-1 of %l%h%p%r.
 */
export function expandTokens(value: string, t: TokenContext, allowed: string, where: SourceLocation, keyword: string): string {
  const home = t.home ?? homedir();
  const lu = localUser();
  const full = hostname();
  const values: Record<string, () => string> = {
    '%': () => '%',
    h: () => t.host,
    n: () => t.original,
    p: () => String(t.port),
    r: () => t.user,
    u: () => lu.name,
    i: () => String(lu.uid),
    d: () => home,
    l: () => full,
    L: () => full.split('.')[0] ?? full,
    k: () => t.hostKeyAlias ?? t.original,
    C: () => createHash('sha1').update(`${full}${t.host}${t.port}${t.user}`).digest('hex'),
  };
  return value.replace(/%(.?)/g, (_m, c: string) => {
    const f = values[c];
    if (f === undefined || (c !== '%' && !allowed.includes(c))) {
      throw new ConfigError(where, keyword, `unknown or unsupported token "%${c}" in ${JSON.stringify(value)}`);
    }
    return f();
  });
}

/** The tokens each keyword accepts (ssh_config(5), TOKENS). */
export const TOKENS = {
  hostName: 'h',
  identityFile: 'CdhikLlnpru',
  knownHostsFile: 'CdhikLlnpru',
  identityAgent: 'CdhikLlnpru',
  proxyCommand: 'hknpr',
} as const;

/** `${NAME}` from the environment (IdentityFile, IdentityAgent, UserKnownHostsFile); an unset one is an error, as in ssh. */
export function expandEnv(value: string, where: SourceLocation, keyword: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined) throw new ConfigError(where, keyword, `environment variable \${${name}} is not set`);
    return v;
  });
}
