// The box reached against the host meant: every mismatch names both sides.
import { describe, expect, it } from 'vitest';
import { identityMessage, identityMismatches, type IdentityEvidence } from '../../../src/identity/identity-check.js';

const base: IdentityEvidence = { own: 'compute01', inventoryName: 'compute01', reachedAt: '127.0.0.1:22', novaHost: 'compute01.localdomain', novaBasis: '[DEFAULT] host in /etc/nova/nova.conf', hypervisorHostname: 'compute01.localdomain' };

describe('identityMismatches', () => {
  it('none when the host name, the inventory, Nova and the hypervisor agree (short names and FQDNs)', () => {
    expect(identityMismatches(base)).toEqual([]);
  });

  it('a box answering for another: its name against the inventory and Nova, both named', () => {
    const e = { ...base, own: 'compute02' };
    const found = identityMismatches(e);
    expect(found).toEqual([
      "the inventory names it 'compute01'",
      "Nova knows it as 'compute01.localdomain' ([DEFAULT] host in /etc/nova/nova.conf)",
      "Nova's hypervisor for compute01.localdomain is named 'compute01.localdomain'",
    ]);
    expect(identityMessage(e, found)).toMatch(/^the host reached at 127\.0\.0\.1:22 says its name is 'compute02', but the inventory names it 'compute01', and Nova knows it/);
    expect(identityMessage(e, found)).toMatch(/Nothing was changed on it/);
  });

  it('an inventory name that is an IP address is not compared; the hypervisor is, where Nova has one', () => {
    expect(identityMismatches({ ...base, inventoryName: '192.0.2.7' })).toEqual([]);
    expect(identityMismatches({ ...base, hypervisorHostname: 'other.localdomain' })).toEqual(["Nova's hypervisor for compute01.localdomain is named 'other.localdomain'"]);
    expect(identityMismatches({ ...base, hypervisorHostname: null })).toEqual([]);
  });

  it("says which compute service the box reached is when its own nova.conf agrees with its name", () => {
    const e = { ...base, own: 'compute02', novaHost: 'compute02', hypervisorHostname: 'compute02' };
    const found = identityMismatches(e);
    expect(found).toEqual(["the inventory names it 'compute01'"]);
    expect(identityMessage(e, found)).toContain("(Nova knows the box reached as 'compute02', from [DEFAULT] host in /etc/nova/nova.conf)");
  });
});
