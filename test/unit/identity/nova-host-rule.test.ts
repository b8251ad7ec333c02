// Nova's name for a host by Nova's own rule, and when two host names name one host.
import { describe, expect, it } from 'vitest';
import type { HostFacts } from '../../../src/facts/types.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import { isAddress, novaHostByRule, sameHostName } from '../../../src/openstack/nova-host-rule.js';
import { hostFacts, novaConfText } from '../../helpers/host-facts.js';

const spec = (o: Partial<HostSpec> = {}): HostSpec => ({
  name: 'compute-0', address: '192.0.2.10', port: 22, user: 'root', become: true, novaHost: 'compute-0', novaHostFrom: 'name', groups: ['all'], vars: {}, ...o,
});
const withConf = (text: string | null, hostname = 'compute-0'): HostFacts => hostFacts({ hostname, novaConf: text });
const unreadable = (): HostFacts => {
  const f = withConf(null);
  return { ...f, evidence: { ...f.evidence, 'nova-conf': { state: 'unreadable', reason: 'permission denied' } } as HostFacts['evidence'] };
};

describe("Nova's host name by Nova's rule", () => {
  it('[DEFAULT] host of the nova.conf read wins over the host name (TripleO writes the FQDN there)', () => {
    const r = novaHostByRule(spec(), withConf(`[DEFAULT]\nhost = compute-0.localdomain\n${novaConfText()}`));
    expect(r).toEqual({ name: 'compute-0.localdomain', basis: '[DEFAULT] host in /etc/nova/nova.conf' });
  });

  it('the last assignment counts, as oslo.config reads it; a host key in another section is not [DEFAULT] host', () => {
    expect(novaHostByRule(spec(), withConf('[DEFAULT]\nhost = a\n[libvirt]\nhost = b\n[DEFAULT]\nhost = c\n')).name).toBe('c');
    expect(novaHostByRule(spec(), withConf('[libvirt]\nhost = b\n', 'node-7')).name).toBe('node-7');
  });

  it('without [DEFAULT] host it is the host\'s own name (socket.gethostname), not the inventory name', () => {
    const r = novaHostByRule(spec({ name: 'alias-7' }), withConf(novaConfText(), 'cmp-7.example.com'));
    expect(r.name).toBe('cmp-7.example.com');
    expect(r.basis).toMatch(/the host's own name \(uname -n; \/etc\/nova\/nova.conf sets no \[DEFAULT\] host\)/);
  });

  it('nova_host in the inventory overrides everything', () => {
    const r = novaHostByRule(spec({ novaHost: 'legacy-3', novaHostFrom: 'nova_host' }), withConf('[DEFAULT]\nhost = compute-0.localdomain\n'));
    expect(r).toEqual({ name: 'legacy-3', basis: 'nova_host in the inventory' });
  });

  it('canonical_hostname stands in when nova.conf could not be read, and loses to a file that was read', () => {
    const tripleo = spec({ novaHost: 'compute-0.example.com', novaHostFrom: 'canonical_hostname' });
    expect(novaHostByRule(tripleo, unreadable()).name).toBe('compute-0.example.com');
    expect(novaHostByRule(tripleo, withConf('[DEFAULT]\nhost = compute-0.localdomain\n')).name).toBe('compute-0.localdomain');
  });

  it('is only provisional (the host name, marked so) when nova.conf is unreadable or missing and the inventory names nothing', () => {
    expect(novaHostByRule(spec(), unreadable())).toEqual({
      name: 'compute-0', provisional: true,
      basis: "the host's own name (/etc/nova/nova.conf could not be read, so its [DEFAULT] host is unknown)",
    });
    expect(novaHostByRule(spec(), withConf(null))).toMatchObject({ name: 'compute-0', provisional: true });
    expect(novaHostByRule(spec(), { ...withConf(null), hostname: '' }).name).toBeNull();
  });
});

describe('sameHostName', () => {
  it.each([
    ['compute01', 'compute01', true],
    ['compute01', 'COMPUTE01.localdomain', true],
    ['compute01.localdomain.', 'compute01', true],
    ['compute01.a.example', 'compute01.b.example', false],
    ['compute01', 'compute02.localdomain', false],
    ['compute01', '', false],
  ])('%s vs %s: %s', (a, b, same) => {
    expect(sameHostName(a, b)).toBe(same);
    expect(sameHostName(b, a)).toBe(same);
  });

  it('an IP address names no host', () => {
    expect(isAddress('192.0.2.10')).toBe(true);
    expect(isAddress('fe80::1')).toBe(true);
    expect(isAddress('compute01')).toBe(false);
  });
});
