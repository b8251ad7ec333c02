// run asks before it changes hosts: with no terminal to answer on it refuses unless -y was given (the README says so).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { confirmed } from '../../../src/cli/commands/run.js';

const tty = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
afterEach(() => {
  vi.restoreAllMocks();
  if (tty) Object.defineProperty(process.stdin, 'isTTY', tty);
  else delete (process.stdin as { isTTY?: boolean }).isTTY;
});

describe('run confirmation', () => {
  it('refuses without a terminal and without -y, saying to pass -y', async () => {
    Object.defineProperty(process.stdin, 'isTTY', { value: undefined, configurable: true });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await confirmed('playbooks/remediate.yaml', {})).toBe(false);
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/pass -y\/--yes when there is no terminal/);
  });

  it('goes on with -y, asking nothing', async () => {
    Object.defineProperty(process.stdin, 'isTTY', { value: undefined, configurable: true });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await confirmed('playbooks/remediate.yaml', { yes: true })).toBe(true);
    expect(err).not.toHaveBeenCalled();
  });
});
