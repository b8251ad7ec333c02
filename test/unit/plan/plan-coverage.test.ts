// run --plan's preflight: a saved plan that does not plan every selected host is refused (exit 4) before anything starts.
import { describe, expect, it } from 'vitest';
import type { HostSpec } from '../../../src/inventory/types.js';
import { checkPlanCovers, checkPlanPlaybook, planGaps } from '../../../src/plan/plan-coverage.js';
import { playbookDigest, type HostFingerprint, type SavedPlan } from '../../../src/plan/saved-plan.js';
import { ConfigError } from '../../../src/util/errors.js';

const print: HostFingerprint = { kernelRunning: 'k', bootId: 'b', novaConfSha256: null, packages: {}, instances: [] };
const spec = (name: string): HostSpec => ({ name, address: name, port: 22, user: 'root', become: false, novaHost: name, groups: ['all'], vars: {} });

const saved: SavedPlan = {
  schemaVersion: 1, kind: 'mds-orchestrate-plan', runId: 'r', playbook: 'p.yaml', createdAt: '',
  hosts: { c1: { fingerprint: print, steps: [] }, c2: { fingerprint: print, steps: [] }, c3: { fingerprint: null, steps: [] } },
};

describe('plan coverage', () => {
  it('accepts a selection the plan planned, all of it or a part', () => {
    expect(() => checkPlanCovers(saved, 'plan.json', [spec('c1'), spec('c2')])).not.toThrow();
    expect(() => checkPlanCovers(saved, 'plan.json', [spec('c2')])).not.toThrow();
  });

  it('names the hosts it does not cover: absent, or listed but never planned (unreachable then)', () => {
    expect(planGaps(saved, [spec('c1'), spec('c3'), spec('c9')])).toEqual([
      { host: 'c3', why: 'not planned (unreachable or cut short when the plan was made)' },
      { host: 'c9', why: 'not in the plan' },
    ]);
  });

  it('refuses with a configuration error (exit 4) naming the plan file, the hosts and both fixes', () => {
    let err: unknown;
    try {
      checkPlanCovers(saved, 'plan.json', [spec('c1'), spec('c9'), spec('toString')]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^plan\.json: hosts: the plan does not cover 2 of the 3 selected host\(s\): c9 \(not in the plan\), toString \(not in the plan\)/);
    expect(msg).toContain('It plans 2 host(s)');
    expect(msg).toContain('--out plan.json');
    expect(msg).toContain('-l/--limit');
  });

  it('names ten hosts and counts the rest', () => {
    const many = Array.from({ length: 25 }, (_, i) => spec(`x${i}`));
    expect(() => checkPlanCovers(saved, 'p.json', many)).toThrow(/x9 \(not in the plan\) and 15 more\./);
  });
});

describe('plan of this playbook', () => {
  const text = 'name: t\nhosts: all\nsteps:\n  - verify: {}\n';
  const of = (digest?: string): SavedPlan => ({ ...saved, ...(digest ? { playbookSha256: digest } : {}) });

  it('accepts the playbook the plan was made from, and a plan written before the digest was kept', () => {
    expect(() => checkPlanPlaybook(of(playbookDigest(text)), 'plan.json', 'pb.yaml', playbookDigest(text))).not.toThrow();
    expect(() => checkPlanPlaybook(of(), 'plan.json', 'pb.yaml', playbookDigest(text))).not.toThrow();
  });

  it('refuses (exit 4) another playbook or this one edited since, naming both files and the fix', () => {
    const edited = text.replace('verify', 'reboot');
    expect(() => checkPlanPlaybook(of(playbookDigest(text)), 'plan.json', 'pb.yaml', playbookDigest(edited))).toThrow(ConfigError);
    expect(() => checkPlanPlaybook(of(playbookDigest(text)), 'plan.json', 'pb.yaml', playbookDigest(edited)))
      .toThrow(/^plan\.json: playbookSha256: the plan was made from another playbook \(p\.yaml\), or from pb\.yaml before it was edited: .*Make a new plan with it \(mds-orchestrate plan pb\.yaml \.\.\. --out plan\.json\)$/);
  });
});
