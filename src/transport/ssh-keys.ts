// Loads private key files (OpenSSH, PEM, PKCS#8; encrypted ones via the secret source) into ssh2 keys, once per run.
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { AuthError } from './types.js';
import type { SecretSource } from './secrets.js';

const { utils } = ssh2;

function firstKey(parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  if (Array.isArray(parsed)) return parsed[0] ?? new Error('no key in file');
  return parsed;
}

/**
 * ssh2 reads OpenSSH and PKCS#1/SEC1 PEM keys but not PKCS#8; Node's crypto converts RSA and EC PKCS#8 into
 * the PEM forms ssh2 knows. (Ed25519 keys are always written in OpenSSH format by ssh-keygen.)
 */
function parsePkcs8(data: Buffer, passphrase: string | undefined): ParsedKey | Error {
  try {
    const key = createPrivateKey({ key: data, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) });
    let pem: string;
    if (key.asymmetricKeyType === 'rsa') pem = key.export({ type: 'pkcs1', format: 'pem' }).toString();
    else if (key.asymmetricKeyType === 'ec') pem = key.export({ type: 'sec1', format: 'pem' }).toString();
    else return new Error(`unsupported PKCS#8 key type ${key.asymmetricKeyType ?? 'unknown'}`);
    return firstKey(utils.parseKey(pem));
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function parseAny(data: Buffer, passphrase: string | undefined): ParsedKey | Error {
  if (data.includes('-----BEGIN PRIVATE KEY-----') || data.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    return parsePkcs8(data, passphrase);
  }
  return firstKey(utils.parseKey(data, passphrase));
}

function isEncrypted(data: Buffer, firstError: Error): boolean {
  return /no passphrase given|encrypted/i.test(firstError.message) || data.includes('ENCRYPTED PRIVATE KEY') || data.includes('Proc-Type: 4,ENCRYPTED');
}

/** Key files are read and decrypted once and shared by every host's connection. */
export class KeyStore {
  private readonly cache = new Map<string, Promise<ParsedKey>>();

  constructor(private readonly secrets: SecretSource) {}

  load(path: string, host?: string): Promise<ParsedKey> {
    let p = this.cache.get(path);
    if (p === undefined) {
      p = this.read(path, host);
      this.cache.set(path, p);
      // A failure (e.g. no passphrase yet) is not cached: the next host may try again.
      p.catch(() => this.cache.delete(path));
    }
    return p;
  }

  private async read(path: string, host: string | undefined): Promise<ParsedKey> {
    const ctx = host === undefined ? {} : { host };
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (err) {
      throw new AuthError(`cannot read private key ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, ctx);
    }
    const plain = parseAny(data, undefined);
    if (!(plain instanceof Error)) return plain;
    if (!isEncrypted(data, plain)) throw new AuthError(`cannot parse private key ${path}: ${plain.message}`, ctx);
    const passphrase = await this.secrets.passphrase(path);
    if (passphrase === undefined) {
      throw new AuthError(`private key ${path} is encrypted and no passphrase was given (set MDS_SSH_PASSPHRASE or run on a terminal)`, ctx);
    }
    const decrypted = parseAny(data, passphrase);
    // The library's message may echo input; ours names only the file.
    if (decrypted instanceof Error) throw new AuthError(`cannot decrypt private key ${path}: wrong passphrase?`, ctx);
    return decrypted;
  }
}
