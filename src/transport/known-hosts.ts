// OpenSSH known_hosts: parsing (plain, [host]:port, hashed |1|, patterns, @revoked/@cert-authority), lookup and atomic append.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

export type KnownHostMarker = 'revoked' | 'cert-authority' | null;

export interface KnownHostLine {
  marker: KnownHostMarker;
  /** Raw host field: comma-separated patterns, or one hashed `|1|salt|hash` entry. */
  hosts: string;
  keyType: string;
  key: Buffer;
  file: string;
  line: number;
}

/**
 * `mismatch` is OpenSSH's "host key has changed": a different key of the offered type is recorded (`reason: 'key'`),
 * or only keys of other types are (`reason: 'type'`: a host that recorded ECDSA and now offers ED25519).
 */
export type KnownHostVerdict =
  | { kind: 'match'; line: KnownHostLine }
  | { kind: 'revoked'; fingerprint: string; line: KnownHostLine }
  | { kind: 'mismatch'; reason: 'key' | 'type'; fingerprint: string; knownFingerprints: string[]; lines: KnownHostLine[] }
  | { kind: 'unknown'; fingerprint: string };

/** OpenSSH's fingerprint form: `SHA256:` + unpadded base64 of the SHA-256 of the key blob. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH wire-format public key blob (its first string). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return '';
  const len = blob.readUInt32BE(0);
  if (len > blob.length - 4) return '';
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** The SSH strings of a wire-format blob, or undefined if a length runs past the end. */
function blobStrings(blob: Buffer): Buffer[] | undefined {
  const out: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return undefined;
    const len = blob.readUInt32BE(at);
    if (at + 4 + len > blob.length) return undefined;
    out.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

const EC_POINT = { 'ecdsa-sha2-nistp256': ['nistp256', 65], 'ecdsa-sha2-nistp384': ['nistp384', 97], 'ecdsa-sha2-nistp521': ['nistp521', 133] } as const;

/** Whether a public key blob has the fields its type needs (ssh parses the whole key and skips a line that fails). */
export function wellFormedKey(blob: Buffer, type: string): boolean {
  const f = blobStrings(blob);
  if (f === undefined) return false;
  if (type === 'ssh-ed25519') return f.length === 2 && f[1]!.length === 32;
  if (type === 'sk-ssh-ed25519@openssh.com') return f.length === 3 && f[1]!.length === 32;
  if (type === 'ssh-rsa') return f.length === 3 && f[1]!.length > 0 && f[2]!.length > 0;
  if (type === 'ssh-dss') return f.length === 5 && f.slice(1).every((x) => x.length > 0);
  const ec = EC_POINT[type as keyof typeof EC_POINT];
  if (ec) return f.length === 3 && f[1]!.toString('latin1') === ec[0] && f[2]!.length === ec[1] && f[2]![0] === 4;
  if (type === 'sk-ecdsa-sha2-nistp256@openssh.com') return f.length === 4 && f[1]!.toString('latin1') === 'nistp256' && f[2]!.length === 65;
  // Certificates: their structure is long; this tool never accepts one, so the type check above is enough.
  return type.endsWith('-cert-v01@openssh.com');
}

/** How a host is written in known_hosts: bare for port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** For `[host]:port` with a port other than 22, the bare `host` ssh also accepts a matching key under; else undefined. */
export function bareHostName(name: string): string | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(name);
  return m && m[2] !== '22' ? m[1] : undefined;
}

export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const trimmed = (lines[i] ?? '').trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostMarker = null;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue; // unknown marker: OpenSSH ignores the line too
    }
    const [hosts, keyType, b64] = fields;
    if (hosts === undefined || keyType === undefined || b64 === undefined) continue;
    // Strict base64 (padded to a multiple of 4, as ssh's decoder wants) of a well-formed key of the named type;
    // ssh skips any other line, so a truncated or mistyped key never makes a host "changed".
    if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) continue;
    const key = Buffer.from(b64, 'base64');
    if (keyTypeOfBlob(key) !== keyType || !wellFormedKey(key, keyType)) continue;
    out.push({ marker, hosts, keyType, key, file, line: i + 1 });
  }
  return out;
}

/** OpenSSH's glob: `*` any run, `?` one character, case-insensitive as host names are. */
function globRegExp(pattern: string): RegExp {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i');
}

function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

interface HashedField {
  salt: Buffer;
  hash: Buffer;
}

function parseHashed(entry: string): HashedField | null {
  const parts = entry.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return null;
  return { salt: Buffer.from(parts[2] ?? '', 'base64'), hash: Buffer.from(parts[3] ?? '', 'base64') };
}

/** ssh lowercases the host name before hashing it, so `Compute-1` finds the entry `ssh-keygen -H` wrote for compute-1. */
function hashedMatch(field: HashedField, name: string): boolean {
  const got = createHmac('sha1', field.salt).update(name.toLowerCase()).digest();
  return got.length === field.hash.length && got.equals(field.hash);
}

interface HostPattern {
  negated: boolean;
  re: RegExp;
}

function compilePatterns(hosts: string): HostPattern[] {
  return hosts.split(',').filter((raw) => raw !== '').map((raw) => {
    const negated = raw.startsWith('!');
    return { negated, re: globRegExp(negated ? raw.slice(1) : raw) };
  });
}

function patternsMatch(patterns: HostPattern[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.re.test(name)) {
      if (p.negated) return false; // a negated match vetoes the whole line
      matched = true;
    }
  }
  return matched;
}

/** Whether a host field covers `name` (already in `[host]:port` form when the port is not 22). */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|')) {
    const field = parseHashed(hosts);
    return field !== null && hashedMatch(field, name);
  }
  return patternsMatch(compilePatterns(hosts), name);
}

/** `|1|salt|HMAC-SHA1(salt, name)` of the lower-case name, as ssh-keygen -H and HashKnownHosts write it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name.toLowerCase()).digest('base64');
  return `|1|${salt.toString('base64')}|${hash}`;
}

/**
 * Lines indexed for lookup. A fleet's known_hosts has a line per host, and every host of a run looks itself up, so a
 * scan per lookup would cost hosts x lines: plain names go into a map; only hashed and wildcard lines are scanned
 * (hashed ones cost an HMAC each, as in ssh itself).
 */
class KnownHostsIndex {
  private seq = 0;
  private readonly order = new Map<KnownHostLine, number>();
  private readonly byName = new Map<string, KnownHostLine[]>();
  private readonly hashed: { line: KnownHostLine; field: HashedField }[] = [];
  private readonly patterned: { line: KnownHostLine; patterns: HostPattern[] }[] = [];
  private readonly revoked = new Map<string, KnownHostLine[]>();
  private readonly memo = new Map<string, KnownHostLine[]>();
  readonly authorities: KnownHostLine[] = [];

  add(line: KnownHostLine): void {
    this.order.set(line, this.seq++);
    this.memo.clear();
    if (line.marker === 'revoked') {
      // Indexed by key, but it applies only to the hosts its host field names (checked at lookup).
      const k = line.key.toString('base64');
      const list = this.revoked.get(k);
      if (list) list.push(line);
      else this.revoked.set(k, [line]);
      return;
    }
    if (line.marker !== null) {
      // @cert-authority lines vouch for host certificates, which this tool does not accept: kept only to say so.
      this.authorities.push(line);
      return;
    }
    if (line.hosts.startsWith('|')) {
      const field = parseHashed(line.hosts);
      if (field) this.hashed.push({ line, field });
      return;
    }
    const names = line.hosts.split(',').filter((n) => n !== '');
    if (names.some((n) => n.startsWith('!') || isGlob(n))) {
      this.patterned.push({ line, patterns: compilePatterns(line.hosts) });
      return;
    }
    for (const n of new Set(names.map((x) => x.toLowerCase()))) {
      const list = this.byName.get(n);
      if (list) list.push(line);
      else this.byName.set(n, [line]);
    }
  }

  /** The first @revoked line for this key whose host field covers one of `names`. */
  revokedLine(keyBlob: Buffer, names: string[]): KnownHostLine | undefined {
    const lines = this.revoked.get(keyBlob.toString('base64')) ?? [];
    return lines.find((l) => names.some((n) => hostFieldMatches(l.hosts, n)));
  }

  /** Unmarked lines covering any of `names`, in file order. */
  forNames(names: string[]): KnownHostLine[] {
    const found = new Set<KnownHostLine>();
    for (const name of names) for (const l of this.forName(name)) found.add(l);
    return [...found].sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
  }

  private forName(rawName: string): KnownHostLine[] {
    const name = rawName.toLowerCase(); // ssh compares host names in lower case, plain, wildcard and hashed alike
    const cached = this.memo.get(name);
    if (cached) return cached;
    const out = [...(this.byName.get(name) ?? [])];
    for (const h of this.hashed) if (hashedMatch(h.field, name)) out.push(h.line);
    for (const p of this.patterned) if (patternsMatch(p.patterns, name)) out.push(p.line);
    this.memo.set(name, out);
    return out;
  }
}

/** The known_hosts files of a run, read once and shared by every host's connection. */
export class KnownHosts {
  private readonly index = new KnownHostsIndex();
  private loading: Promise<void> = Promise.resolve();
  private batch: PendingAppend | null = null;
  private appendChain: Promise<void> = Promise.resolve();

  constructor(
    /** User files (the first receives new keys); global files' lines come in through `lines` only. */
    readonly paths: string[],
    lines: KnownHostLine[] = [],
    private readonly hashNewEntries = false,
  ) {
    for (const l of lines) this.index.add(l);
  }

  /**
   * `paths` are the user files (new keys go to the first, as UserKnownHostsFile); `globalPaths` are read only
   * (GlobalKnownHostsFile, /etc/ssh/ssh_known_hosts by default). Missing files are empty.
   */
  static async load(paths: string[], opts: { hashNewEntries?: boolean; globalPaths?: string[] } = {}): Promise<KnownHosts> {
    const store = KnownHosts.deferred(paths, opts);
    await store.ready();
    return store;
  }

  /** A store whose files are read in the background; `ready()` settles when they are (every lookup waits for it). */
  static deferred(paths: string[], opts: { hashNewEntries?: boolean; globalPaths?: string[] } = {}): KnownHosts {
    const store = new KnownHosts(paths, [], opts.hashNewEntries ?? false);
    store.loading = readLines([...paths, ...(opts.globalPaths ?? [])]).then((lines) => {
      for (const l of lines) store.index.add(l);
    });
    store.loading.catch(() => undefined); // reported to whoever awaits ready()
    return store;
  }

  ready(): Promise<void> {
    return this.loading;
  }

  /** @cert-authority lines covering one of `names`: the host may expect a certificate, which is not accepted here. */
  certAuthoritiesFor(names: string[]): KnownHostLine[] {
    return this.index.authorities.filter((l) => names.some((n) => hostFieldMatches(l.hosts, n.toLowerCase())));
  }

  /** Key types already recorded for any of `names`, so the handshake can prefer them (as ssh does). */
  knownKeyTypes(names: string[]): string[] {
    return [...new Set(this.index.forNames(names).map((l) => l.keyType))];
  }

  /**
   * `names` are the forms the host may be recorded under, e.g. `[10.0.0.5]:2222` and an alias. OpenSSH's order
   * (9.2, checked against the real client by test/differential): a @revoked line naming the host refuses; a recorded
   * copy of the key matches; any other key recorded for the host, of the same type or not, is a changed key; only
   * when nothing at all is recorded under `[host]:port` does a matching key recorded for the bare host count, and a
   * different key there leaves the host unknown, not changed.
   */
  check(names: string[], keyBlob: Buffer): KnownHostVerdict {
    const fingerprint = fingerprintSha256(keyBlob);
    const revoked = this.index.revokedLine(keyBlob, names);
    if (revoked) return { kind: 'revoked', fingerprint, line: revoked };
    const forHost = this.index.forNames(names);
    const match = forHost.find((l) => l.key.equals(keyBlob));
    if (match) return { kind: 'match', line: match };
    if (forHost.length > 0) {
      const type = keyTypeOfBlob(keyBlob);
      const sameType = forHost.filter((l) => l.keyType === type);
      const lines = sameType.length > 0 ? sameType : forHost;
      return { kind: 'mismatch', reason: sameType.length > 0 ? 'key' : 'type', fingerprint, knownFingerprints: lines.map((l) => `${l.keyType} ${fingerprintSha256(l.key)}`), lines };
    }
    const bare = [...new Set(names.map(bareHostName).filter((n): n is string => n !== undefined))];
    const viaBare = bare.length > 0 ? this.index.forNames(bare).find((l) => l.key.equals(keyBlob)) : undefined;
    if (viaBare) return { kind: 'match', line: viaBare };
    return { kind: 'unknown', fingerprint };
  }

  /**
   * Records a key for `name` in the first file: whole-file rewrite through a temp file + fsync + rename. Lines that
   * arrive while a rewrite runs go out together in the next one, so a first contact with thousands of hosts under
   * accept-new costs a few rewrites, not one per host.
   */
  add(name: string, keyBlob: Buffer): Promise<void> {
    const target = this.paths[0];
    if (target === undefined) return Promise.reject(new Error('no known_hosts file to record the host key in'));
    const hostField = this.hashNewEntries ? hashHostName(name) : name;
    const keyType = keyTypeOfBlob(keyBlob);
    this.index.add({ marker: null, hosts: hostField, keyType, key: keyBlob, file: target, line: 0 });
    let batch = this.batch;
    if (batch === null) {
      const fresh: PendingAppend = { lines: [], done: Promise.resolve() };
      // Serialised behind the previous rewrite: parallel hosts under accept-new would otherwise lose each other's lines.
      fresh.done = this.appendChain.then(() => {
        if (this.batch === fresh) this.batch = null;
        return appendAtomically(target, fresh.lines.join(''));
      });
      this.appendChain = fresh.done.catch(() => undefined);
      this.batch = batch = fresh;
    }
    batch.lines.push(`${hostField} ${keyType} ${keyBlob.toString('base64')}\n`);
    return batch.done;
  }
}

async function readLines(paths: string[]): Promise<KnownHostLine[]> {
  const lines: KnownHostLine[] = [];
  for (const p of paths) {
    let text: string;
    try {
      text = await readFile(p, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    lines.push(...parseKnownHosts(text, p));
  }
  return lines;
}

/** Lines waiting for the next rewrite of the file, and that rewrite. */
interface PendingAppend {
  lines: string[];
  done: Promise<void>;
}

async function appendAtomically(path: string, lines: string): Promise<void> {
  let current = '';
  let mode = 0o600;
  try {
    current = await readFile(path, 'utf8');
    const fh = await open(path, 'r');
    try {
      mode = (await fh.stat()).mode & 0o7777;
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (current !== '' && !current.endsWith('\n')) current += '\n';
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(current + lines);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
}
