// Privilege escalation: wraps a command in non-interactive sudo, with the password (if any) fed first on stdin.
import { shq } from './shell-quote.js';

export type BecomeMode = 'none' | 'nopasswd' | 'password';

export interface Wrapped {
  command: string;
  /** Bytes to send on stdin before the command's own stdin (the sudo password line), or undefined. */
  stdinPrefix: string | undefined;
}

/** Probe run once per connection: succeeds when sudo needs no password. */
export const SUDO_PROBE = 'sudo -n true 2>/dev/null';

/**
 * `-n` never waits for a password that will not come. With a password, `-k` makes sudo always read it, so
 * the password line can never slip through to the command's stdin because of a cached credential; `-p ''`
 * keeps the prompt out of stderr. Only use `password` mode after the probe has shown NOPASSWD is not set.
 */
export function wrapBecome(command: string, mode: BecomeMode, password?: string): Wrapped {
  if (mode === 'none') return { command, stdinPrefix: undefined };
  if (mode === 'password' && password !== undefined) {
    return { command: `sudo -k -S -p '' -- sh -c ${shq(command)}`, stdinPrefix: `${password}\n` };
  }
  return { command: `sudo -n -- sh -c ${shq(command)}`, stdinPrefix: undefined };
}
