// Keystone tokens of the fake cloud: issue, resolve, expire (by TTL or all at once as a fault).
import { randomBytes } from 'node:crypto';

export interface TokenInfo {
  userId: string;
  userName: string;
  projectId: string | null;
  roles: string[];
  issuedAt: number;
  expiresAt: number;
  auditId: string;
  /** How it was obtained, so validating it later (GET /v3/auth/tokens) renders the same token document. */
  method: 'password' | 'application_credential';
  appCred?: { id: string; name: string };
}

export type TokenLookup = { ok: true; info: TokenInfo } | { ok: false; why: 'missing' | 'unknown' | 'expired' };

export class TokenStore {
  private readonly tokens = new Map<string, TokenInfo>();

  constructor(private readonly now: () => number) {}

  issue(
    user: { id: string; name: string }, projectId: string | null, roles: string[], ttlMs: number,
    how: Pick<TokenInfo, 'method' | 'appCred'> = { method: 'password' },
  ): { token: string; info: TokenInfo } {
    // Random, not seeded: tokens are bearer secrets even in a lab.
    const token = randomBytes(16).toString('hex');
    const issuedAt = this.now();
    const info: TokenInfo = {
      userId: user.id, userName: user.name, projectId, roles, issuedAt, expiresAt: issuedAt + ttlMs,
      auditId: randomBytes(16).toString('base64url').slice(0, 22), ...how,
    };
    this.tokens.set(token, info);
    return { token, info };
  }

  lookup(token: string | undefined): TokenLookup {
    if (token === undefined || token === '') return { ok: false, why: 'missing' };
    const info = this.tokens.get(token);
    if (!info) return { ok: false, why: 'unknown' };
    if (this.now() >= info.expiresAt) return { ok: false, why: 'expired' };
    return { ok: true, info };
  }

  /** DELETE /v3/auth/tokens: the token is gone at once, for Keystone and for every service that validates it. */
  revoke(token: string): boolean {
    return this.tokens.delete(token);
  }

  expireAll(): void {
    const t = this.now();
    for (const info of this.tokens.values()) info.expiresAt = Math.min(info.expiresAt, t);
  }
}
