// exec's last line: the count of hosts selected agrees in number with its noun.
import { describe, expect, it } from 'vitest';
import { execSummary } from '../../../src/cli/commands/exec.js';

describe('exec summary line', () => {
  it('says "1 host" for one host and "N hosts" otherwise', () => {
    expect(execSummary(1, { ok: 1, failed: 0, unreachable: 0 })).toBe('1 host: 1 ok, 0 failed, 0 unreachable');
    expect(execSummary(3, { ok: 1, failed: 1, unreachable: 1 })).toBe('3 hosts: 1 ok, 1 failed, 1 unreachable');
    expect(execSummary(0, { ok: 0, failed: 0, unreachable: 0 })).toBe('0 hosts: 0 ok, 0 failed, 0 unreachable');
  });
});
