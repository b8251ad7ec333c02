// The per-run gather template: each stamped script is byte for byte the script built for that nonce, nonces differ per host.
import { describe, expect, it } from 'vitest';
import { buildGatherCommand } from '../../../src/facts/gather-command.js';
import { gatherTemplate, gatherTemplates } from '../../../src/facts/gather-template.js';
import { MARKER_PREFIX } from '../../../src/facts/sections.js';

const OPTS = { packages: ['kernel', "odd'name", 'qemu-kvm'], virshTimeoutSec: 60 };

describe('gatherTemplate', () => {
  it('stamps exactly the script buildGatherCommand builds for the same nonce', () => {
    const t = gatherTemplate(OPTS);
    expect(t.stamp('feedc0de')).toBe(buildGatherCommand({ ...OPTS, nonce: 'feedc0de' }));
    const layout = { novaConf: '/etc/kolla/nova-compute/nova.conf', basis: ['mds_nova_conf=/etc/kolla (inventory h.yml:3)'] };
    expect(gatherTemplate({ ...OPTS, layout }).stamp('abc123')).toBe(buildGatherCommand({ ...OPTS, layout, nonce: 'abc123' }));
  });

  it('gives each host its own random nonce, in every marker', () => {
    const t = gatherTemplate(OPTS);
    const nonceOf = (s: string) => [...s.matchAll(new RegExp(`${MARKER_PREFIX}([a-z0-9]+):`, 'g'))].map((m) => m[1]);
    const a = nonceOf(t.stamp());
    const b = nonceOf(t.stamp());
    expect(new Set(a).size).toBe(1);
    expect(new Set(b).size).toBe(1);
    expect(a[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(a[0]).not.toBe(b[0]);
    expect(a.length).toBe(b.length);
  });

  it('rejects a nonce that is not [a-z0-9]+', () => {
    expect(() => gatherTemplate(OPTS).stamp('a;b')).toThrow(/nonce/);
  });
});

describe('gatherTemplates', () => {
  it('shares one template per layout override and builds each one for its own layout', () => {
    const of = gatherTemplates(OPTS);
    expect(of(undefined)).toBe(of(undefined));
    const kolla = { name: 'kolla' as const, basis: ['mds_layout=kolla'] };
    expect(of(kolla)).toBe(of({ ...kolla }));
    expect(of(kolla)).not.toBe(of(undefined));
    expect(of(kolla).stamp('n1')).toBe(buildGatherCommand({ ...OPTS, layout: kolla, nonce: 'n1' }));
    expect(of(undefined).stamp('n1')).toBe(buildGatherCommand({ ...OPTS, nonce: 'n1' }));
  });

  it('past its bound still builds the right script, without keeping it', () => {
    const of = gatherTemplates(OPTS, 1);
    of(undefined);
    const other = { novaConf: '/srv/nova.conf', basis: [] };
    expect(of(other)).not.toBe(of(other));
    expect(of(other).stamp('n2')).toBe(buildGatherCommand({ ...OPTS, layout: other, nonce: 'n2' }));
  });
});
