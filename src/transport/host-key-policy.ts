// Decides whether a presented host key is acceptable under strict / accept-new / off, and says why not.
import type { HostKeyPolicy } from '../inventory/types.js';
import { fingerprintSha256, keyTypeOfBlob, type KnownHosts } from './known-hosts.js';
import { HostKeyError } from './types.js';

export interface HostKeyCheck {
  /** Inventory name, for error messages. */
  host: string;
  /** Forms the host may be recorded under; the first is used when recording a new key. */
  names: string[];
  policy: HostKeyPolicy;
  store: KnownHosts;
}

/**
 * Resolves when the key is acceptable (recording it under accept-new); rejects with HostKeyError otherwise.
 * A revoked or changed key (another key of the same type, or only keys of other types on record) is refused under
 * every policy, `off` included: `off` only stops unknown hosts from being refused. ssh's StrictHostKeyChecking=no
 * would go on with a changed key (public-key auth only); this tool, which reboots what it logs in to, does not.
 */
export async function verifyHostKey(check: HostKeyCheck, keyBlob: Buffer): Promise<void> {
  const verdict = check.store.check(check.names, keyBlob);
  const shown = check.names[0] ?? check.host;
  const ctx = { host: check.host };
  switch (verdict.kind) {
    case 'match':
      return;
    case 'revoked':
      throw new HostKeyError(
        `host key for ${shown} (${keyTypeOfBlob(keyBlob)} ${verdict.fingerprint}) is marked @revoked in ${verdict.line.file}:${verdict.line.line}; refusing to connect`,
        ctx,
      );
    case 'mismatch':
      throw new HostKeyError(
        `HOST KEY CHANGED for ${shown}: it offered ${keyTypeOfBlob(keyBlob)} ${verdict.fingerprint}, but known_hosts has ` +
          `${verdict.knownFingerprints.join(', ')} (${verdict.lines.map((l) => `${l.file}:${l.line}`).join(', ')})` +
          (verdict.reason === 'type' ? ' and no key of the offered type: a host does not switch key types on its own' : '') +
          `; refusing to connect under every host key policy (remove the old line with ssh-keygen -R if the change is known)`,
        ctx,
      );
    case 'unknown':
      if (check.policy === 'off') return;
      if (check.policy === 'accept-new') {
        await check.store.add(shown, keyBlob);
        return;
      }
      throw new HostKeyError(
        `host key for ${shown} is not in known_hosts (${check.store.paths.join(', ') || 'none configured'}): ` +
          `${keyTypeOfBlob(keyBlob)} ${fingerprintSha256(keyBlob)}` +
          certNote(check) +
          `; policy is strict (use accept-new to record unknown hosts)`,
        ctx,
      );
  }
}

/** Says so when only a @cert-authority line covers the host: ssh would accept a certificate, this tool does not. */
function certNote(check: HostKeyCheck): string {
  const ca = check.store.certAuthoritiesFor(check.names);
  if (ca.length === 0) return '';
  return ` (${ca.map((l) => `${l.file}:${l.line}`).join(', ')} vouch for it as @cert-authority, but host certificates are not accepted by this tool: record the host's own key)`;
}

const HOST_KEY_ALGOS_BY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Host key algorithms with the already-known types first, so a host with several keys shows the one we know. */
export function preferredHostKeyAlgorithms(knownTypes: string[]): string[] {
  const first = knownTypes.flatMap((t) => HOST_KEY_ALGOS_BY_TYPE[t] ?? []);
  return [...new Set([...first, ...DEFAULT_HOST_KEY_ALGOS])];
}
