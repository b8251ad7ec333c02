// Errors become host outcomes in one place, and the exit code follows one order of precedence.
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor, type ExitCounts } from '../../../src/cli/exit-codes.js';
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
  it('interrupted 130 > failed 1 (refused too) > unknown 6 > unreachable 3 > deferred 7 > changes 2 > ok 0', () => {
    const all: ExitCounts = { failed: 1, refused: 1, unknown: 1, unreachable: 1, deferred: 1, pending: 1 };
    expect(exitCodeFor(all, true)).toBe(EXIT.INTERRUPTED);
    expect(exitCodeFor(all, false)).toBe(EXIT.FAILED);
    expect(exitCodeFor({ ...all, failed: 0 }, false)).toBe(EXIT.FAILED);
    expect(exitCodeFor({ ...all, failed: 0, refused: 0 }, false)).toBe(6);
    expect(exitCodeFor({ ...none, unreachable: 1, deferred: 1, pending: 1 }, false)).toBe(3);
    expect(exitCodeFor({ ...none, deferred: 1, pending: 1 }, false)).toBe(7);
    expect(exitCodeFor({ ...none, pending: 1 }, false)).toBe(2);
    expect(exitCodeFor(none, false)).toBe(0);
  });
});
