// Unit tests: private key loading (OpenSSH, PEM, PKCS#8, encrypted) and the secret source.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSecretSource, type SecretSource } from '../../../src/transport/secrets.js';
import { KeyStore } from '../../../src/transport/ssh-keys.js';
import { AuthError } from '../../../src/transport/types.js';

const dir = mkdtempSync(join(tmpdir(), 'mds-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASS = 'unit-Passphrase-77';

function gen(name: string, args: string[]): string {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-f', f, ...args]);
  return f;
}

const keys = {
  ed: gen('ed', ['-t', 'ed25519', '-N', '']),
  edEnc: gen('ed_enc', ['-t', 'ed25519', '-N', PASS]),
  ecPem: gen('ec_pem', ['-t', 'ecdsa', '-m', 'PEM', '-N', '']),
  rsaPemEnc: gen('rsa_pem_enc', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', PASS]),
  rsaP8: gen('rsa_p8', ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8', '-N', '']),
  ecP8Enc: gen('ec_p8_enc', ['-t', 'ecdsa', '-m', 'PKCS8', '-N', PASS]),
};

function counting(answer: string | undefined): SecretSource & { asked: number } {
  const s = { asked: 0, passphrase: async () => { s.asked++; return answer; }, password: async () => undefined, becomePassword: async () => undefined };
  return s;
}

describe('KeyStore', () => {
  it.each([
    ['ed25519 OpenSSH', 'ed', 'ssh-ed25519'],
    ['ecdsa PEM', 'ecPem', 'ecdsa-sha2-nistp256'],
    ['rsa PKCS#8', 'rsaP8', 'ssh-rsa'],
  ] as const)('loads an unencrypted %s key without asking for a passphrase', async (_n, k, type) => {
    const secrets = counting(undefined);
    const key = await new KeyStore(secrets).load(keys[k]);
    expect(key.type).toBe(type);
    expect(key.isPrivateKey()).toBe(true);
    expect(secrets.asked).toBe(0);
  });

  it.each([
    ['ed25519 OpenSSH', 'edEnc', 'ssh-ed25519'],
    ['rsa PEM', 'rsaPemEnc', 'ssh-rsa'],
    ['ecdsa PKCS#8', 'ecP8Enc', 'ecdsa-sha2-nistp256'],
  ] as const)('decrypts an encrypted %s key with the passphrase, asking once', async (_n, k, type) => {
    const secrets = counting(PASS);
    const store = new KeyStore(secrets);
    const [a, b] = await Promise.all([store.load(keys[k]), store.load(keys[k])]);
    expect(a.type).toBe(type);
    expect(b).toBe(a);
    expect(secrets.asked).toBe(1);
  });

  it('a wrong or missing passphrase is AuthError naming the file, never the passphrase', async () => {
    const wrong = await new KeyStore(counting('not-the-Passphrase-99')).load(keys.edEnc).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(AuthError);
    expect((wrong as Error).message).toContain(keys.edEnc);
    expect(`${(wrong as Error).message} ${(wrong as Error).stack}`).not.toContain('not-the-Passphrase-99');
    const none = await new KeyStore(counting(undefined)).load(keys.rsaPemEnc).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(AuthError);
    expect((none as Error).message).toMatch(/encrypted and no passphrase/);
  });

  it('an unreadable or garbage file is AuthError', async () => {
    await expect(new KeyStore(counting(undefined)).load(join(dir, 'absent'))).rejects.toBeInstanceOf(AuthError);
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'not a key');
    await expect(new KeyStore(counting(undefined)).load(junk)).rejects.toThrow(/cannot parse private key/);
  });
});

describe('createSecretSource', () => {
  it('reads the named env vars and never prompts when there is no prompt', async () => {
    const s = createSecretSource({ env: { MDS_SSH_PASSPHRASE: 'p1', MY_PW: 'p2' }, passwordEnv: 'MY_PW', prompt: null });
    expect(await s.passphrase('/k')).toBe('p1');
    expect(await s.password('root', 'h')).toBe('p2');
    expect(await s.becomePassword('stack', 'h')).toBeUndefined();
  });

  it('prompts once per key (and once per user for passwords), serialised', async () => {
    const questions: string[] = [];
    const s = createSecretSource({ env: {}, prompt: async (q) => { questions.push(q); return 'answer'; } });
    await Promise.all([s.passphrase('/a'), s.passphrase('/a'), s.passphrase('/b'), s.password('root', 'h1'), s.password('root', 'h2')]);
    expect(questions).toEqual(["Enter passphrase for key '/a': ", "Enter passphrase for key '/b': ", "root@h1's password: "]);
  });

  it('the key file content is never modified by loading', async () => {
    const before = readFileSync(keys.edEnc, 'utf8');
    await new KeyStore(counting(PASS)).load(keys.edEnc);
    expect(readFileSync(keys.edEnc, 'utf8')).toBe(before);
  });
});
