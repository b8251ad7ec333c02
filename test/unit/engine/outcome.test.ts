// Errors become host outcomes in one place, and the exit code follows one order of precedence.
import { describe, expect, it } from 'vitest';
import { describeError, EXIT, EXIT_CODE_HELP, EXIT_CODE_ORDER, exitCodeFor, isStorageFull, type ExitCounts } from '../../../src/cli/exit-codes.js';
import { classifyError, isFailure, stepStatusOf } from '../../../src/engine/outcome.js';
import { PlanDriftError } from '../../../src/plan/saved-plan.js';
import { CommandFailedError, DeferredError, PreconditionError, RefusedError, UnknownEvidenceError } from '../../../src/steps/errors.js';
import { AbortedError, AuthError, UnreachableError } from '../../../src/transport/types.js';

const calm = { hard: new AbortController().signal, graceful: new AbortController().signal };
const aborted = (): AbortSignal => AbortSignal.abort();

describe('classifyError', () => {
  it.each([
    [new RefusedError('refusing to reboot: 1 instance'), 'refused'],
    [new PlanDriftError('c1', ['the host rebooted']), 'refused'],
    [new UnknownEvidenceError(['sysfs mds'], 'cannot read sysfs', 'set ansible_become'), 'unknown'],
    [new DeferredError('outside the maintenance window'), 'deferred'],
    [new UnreachableError('connect ECONNREFUSED'), 'unreachable'],
    [new AuthError('key refused'), 'unreachable'],
    [new PreconditionError('cpu_mode = none'), 'failed'],
    [new CommandFailedError('yum update failed'), 'failed'],
    [new Error('a bug'), 'failed'],
  ] as const)('%s -> %s', (err, outcome) => {
    expect(classifyError(err, 'step', calm)).toMatchObject({ result: outcome, step: 'step' });
  });

  it('after a hard cancel every error is the cancel; after a graceful one only an abort', () => {
    expect(classifyError(new RefusedError('x'), 's', { hard: aborted(), graceful: aborted() }).result).toBe('cancelled');
    expect(classifyError(new AbortedError(), 's', { hard: calm.hard, graceful: aborted() }).result).toBe('cancelled');
    expect(classifyError(new CommandFailedError('x'), 's', { hard: calm.hard, graceful: aborted() }).result).toBe('failed');
    expect(stepStatusOf('cancelled', true)).toBe('aborted');
    expect(stepStatusOf('cancelled', false)).toBe('skipped');
    expect(stepStatusOf('refused', false)).toBe('refused');
  });

  it('refused, unknown, failed and unreachable count against the failure limits; deferred does not', () => {
    expect(['failed', 'refused', 'unknown', 'unreachable', 'deferred', 'ok', null].map((r) => isFailure(r as never))).toEqual([true, true, true, true, false, false, false]);
  });
});

describe('exitCodeFor', () => {
  const none: ExitCounts = { failed: 0, refused: 0, unknown: 0, unreachable: 0, deferred: 0, pending: 0 };
  it('storage full 8 > SIGINT 130 / SIGTERM, SIGHUP 143 > failed 1 (refused too) > unknown 6 > unreachable 3 > deferred 7 > changes 2 > ok 0', () => {
    const all: ExitCounts = { failed: 1, refused: 1, unknown: 1, unreachable: 1, deferred: 1, pending: 1 };
    expect(exitCodeFor(all, { storageFull: true, signal: 'SIGINT' })).toBe(EXIT.STORAGE_FULL);
    expect(EXIT.STORAGE_FULL).toBe(8);
    expect(exitCodeFor(all, { signal: 'SIGINT' })).toBe(EXIT.INTERRUPTED);
    expect(exitCodeFor(all, { signal: 'SIGTERM' })).toBe(143);
    expect(exitCodeFor(none, { signal: 'SIGHUP' })).toBe(143);
    expect(exitCodeFor(all, {})).toBe(EXIT.FAILED);
    expect(exitCodeFor({ ...all, failed: 0 })).toBe(EXIT.FAILED);
    expect(exitCodeFor({ ...all, failed: 0, refused: 0 })).toBe(6);
    expect(exitCodeFor({ ...none, unreachable: 1, deferred: 1, pending: 1 })).toBe(3);
    expect(exitCodeFor({ ...none, deferred: 1, pending: 1 })).toBe(7);
    expect(exitCodeFor({ ...none, pending: 1 })).toBe(2);
    expect(exitCodeFor(none)).toBe(0);
  });

  it('the help table lists every code once, in the policy order', () => {
    expect([...EXIT_CODE_ORDER].sort((a, b) => a - b)).toEqual([...new Set(Object.values(EXIT))].sort((a, b) => a - b));
    const lines = EXIT_CODE_HELP.split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(lines).toEqual([...EXIT_CODE_ORDER]);
  });

  it('a full filesystem anywhere in the cause chain is exit 8; other errors stay 1', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(isStorageFull(new Error('cannot write state file', { cause: full }))).toBe(true);
    expect(describeError(new Error('wrapped', { cause: full })).code).toBe(8);
    expect(describeError(new Error('wrapped', { cause: full })).message).toMatch(/lock released/);
    expect(describeError(Object.assign(new Error('quota'), { code: 'EDQUOT' })).code).toBe(8);
    expect(describeError(Object.assign(new Error('io'), { code: 'EIO' })).code).toBe(1);
  });
});
