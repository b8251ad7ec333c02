// The lease file's form and whose it is.
import { describe, expect, it } from 'vitest';
import { describeLease, judgeLease, parseLease, renderLease, type Lease } from '../../../src/identity/lease.js';

const lease: Lease = { version: 1, runId: 'run-1', controller: 'jump-1', user: 'ops', stateDir: '/var/lib/mds-orchestrate', host: 'compute01', takenAt: '2026-01-01T00:00:00.000Z' };
const me = (runId: string, recorded: string[] = [], adopt?: string) => ({ runId, isOwnRun: (id: string) => recorded.includes(id), adopt });

describe('lease', () => {
  it('round-trips and names its holder', () => {
    expect(parseLease(renderLease(lease))).toEqual({ kind: 'held', lease });
    expect(describeLease(lease)).toBe('run run-1 of ops@jump-1 (state directory /var/lib/mds-orchestrate), since 2026-01-01T00:00:00.000Z');
  });

  it('a file this tool did not write is corrupt, never free', () => {
    for (const text of ['', 'garbage', '{}', JSON.stringify({ ...lease, version: 2 }), JSON.stringify({ ...lease, runId: '' }), 'null']) {
      expect(parseLease(text).kind).toBe('corrupt');
    }
    expect(judgeLease({ kind: 'corrupt', text: 'x' }, me('run-2')).kind).toBe('corrupt');
  });

  it('free, ours (this run or one recorded in this state directory), adopted, or foreign', () => {
    expect(judgeLease({ kind: 'none' }, me('run-2')).kind).toBe('free');
    expect(judgeLease({ kind: 'held', lease }, me('run-1')).kind).toBe('ours');
    expect(judgeLease({ kind: 'held', lease }, me('run-2', ['run-1'])).kind).toBe('ours');
    expect(judgeLease({ kind: 'held', lease }, me('run-2', [], 'run-1')).kind).toBe('adopted');
    expect(judgeLease({ kind: 'held', lease }, me('run-2', [], 'run-9')).kind).toBe('foreign');
    expect(judgeLease({ kind: 'held', lease }, me('run-2')).kind).toBe('foreign');
  });
});
