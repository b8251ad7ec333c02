// The shared section parses: equal to an uncached parse (real fixtures and generated variants), frozen, bounded, keyed by every input.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { deepFreeze, memoByText } from '../../../src/facts/memo.js';
import {
  sharedAgentSection, sharedCpuinfo, sharedDpkgQuery, sharedImageRpm, sharedKernelLog, sharedLayout, sharedMeta, sharedNovaConfTarget,
  sharedOsRelease, sharedPrivilege, sharedRpmQuery,
} from '../../../src/facts/shared-parses.js';
import { parseCpuinfo } from '../../../src/facts/cpuinfo.js';
import { parseDpkgQuery } from '../../../src/facts/dpkg-query.js';
import { kernelLogLines, kernelLogProvenance, parseKernelLog } from '../../../src/facts/kernel-log.js';
import { parseAgentSection } from '../../../src/facts/nova-compute-agent-section.js';
import { parsePrivilege } from '../../../src/facts/privilege.js';
import { parseNovaConfTarget } from '../../../src/facts/nova-conf-target.js';
import { parseOsRelease } from '../../../src/facts/os-release.js';
import { parseRpmQuery } from '../../../src/facts/rpm-query.js';
import { parseLayoutSection } from '../../../src/layout/parse-layout.js';
import { beginMarker, doneMarker, endMarkerPrefix } from '../../../src/facts/sections.js';
import type { GatherReport } from '../../../src/facts/parse-gather.js';

const shared = path.resolve(import.meta.dirname, '../../../../shared/fixtures');
const read = (...p: string[]) => readFileSync(path.join(shared, ...p), 'utf8');
const lines = (...p: string[]) => read(...p).split('\n').filter((l) => l.trim() !== '');

/** Every value, every level, frozen. */
function deeplyFrozen(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true;
  return Object.isFrozen(v) && Object.values(v).every(deeplyFrozen);
}

/** Calls the shared parse twice per input, interleaved with the others (hits after other entries), against the uncached one. */
function expectSameAsUncached<A extends unknown[]>(inputs: A[], sharedParse: (...a: A) => unknown, uncached: (...a: A) => unknown): void {
  expect(inputs.length).toBeGreaterThan(1);
  const first = inputs.map((a) => sharedParse(...a));
  inputs.forEach((a, i) => {
    const again = sharedParse(...a);
    expect(again).toBe(first[i]);
    expect(again).toEqual(uncached(...a));
    expect(deeplyFrozen(again)).toBe(true);
  });
}

// Generated variants: the same texts with the small differences real hosts have (a release, a flag, a status).
const rpmNames = [['kernel', 'microcode_ctl', 'qemu-kvm', 'libvirt'], ['kernel', 'microcode_ctl'], []];
const unameRs = lines('rpm', 'uname-r-cases.tsv').slice(1).map((l) => l.split('\t')[1] ?? '').filter(Boolean);
const rpmBodies = unameRs.slice(0, 12).flatMap((u) => {
  const m = /^(\d+\.\d+\.\d+)-(.+)\.(x86_64|aarch64|ppc64le|s390x|i686)/.exec(u);
  if (!m) return [];
  return [
    `kernel\t(none)\t${m[1]}\t${m[2]}\t${m[3]}\nmicrocode_ctl\t2\t2.1\t47.2.el7_6\tx86_64\npackage libvirt is not installed\n`,
    `kernel\t(none)\t${m[1]}\t${m[2]}\t${m[3]}\r\nkernel\t0\t${m[1]}\t${m[2]}.1\t${m[3]}\nqemu-kvm\t10\t2.12.0\t(none)\t(none)\n`,
  ];
});

describe('shared section parses', () => {
  it('give what an uncached parse gives: kernel log sections built from the kernel fixtures', () => {
    const bugLines = [...lines('kernel', 'mds-dmesg-lines.txt'), ...lines('kernel', 'tsx_async_abort-dmesg-lines.txt'), ...lines('kernel', 'mmio_stale_data-dmesg-lines.txt')];
    const sections = bugLines.flatMap((l, i) => [
      `source\tdmesg\t0\nstart\t[    0.000000] Linux version 3.10.0\nline\t[    1.${i}] ${l}\n`,
      `source\tdmesg\t0\nstart\t[ 9999.1] late\nsource\tjournal\t0\nline\t${l}\n`,
      `source\tdmesg\t1\nsource\tjournal\t127\nsource\tvar-log-dmesg\t0\nline\tkernel: ${l}\n`,
    ]);
    const uncached = (t: string) => {
      const log = parseKernelLog(t);
      return { log, mdsLines: kernelLogLines(log, 'mds'), provenance: kernelLogProvenance(log) };
    };
    expectSameAsUncached([...sections, ''].map((t) => [t] as [string]), sharedKernelLog, uncached);
  });

  it('give what an uncached parse gives: rpm answers, every body with every name list', () => {
    expect(rpmBodies.length).toBeGreaterThan(8);
    const inputs = rpmBodies.flatMap((b) => rpmNames.map((n) => [b, n] as [string, string[]]));
    expectSameAsUncached(inputs, sharedRpmQuery, parseRpmQuery);
    const image = (b: string, n: readonly string[]) => {
      const rows = parseRpmQuery(b, []);
      const answered = n.every((x) => (rows[x]?.length ?? 0) > 0 || b.split('\n').some((l) => l.trim() === `package ${x} is not installed`));
      return answered ? parseRpmQuery(b, n) : null;
    };
    expectSameAsUncached(inputs, sharedImageRpm, image);
    // Same body, different names: different answers (the names are part of the key).
    expect(sharedRpmQuery(rpmBodies[0]!, rpmNames[0]!)).not.toEqual(sharedRpmQuery(rpmBodies[0]!, rpmNames[1]!));
  });

  it('give what an uncached parse gives: dpkg answers under several running kernels', () => {
    const body = 'linux-image-4.15.0-50-generic\t4.15.0-50.54\tamd64\tinstall ok installed\nlinux-image-4.15.0-45-generic\t4.15.0-45.48\tamd64\tinstall ok installed\n'
      + 'linux-image-4.15.0-50-lowlatency\t4.15.0-50.54\tamd64\tinstall ok installed\nqemu-kvm\t1:2.11+dfsg-1ubuntu7.13\tamd64\tinstall ok installed\nintel-microcode\t3.20190514.0ubuntu0.18.04.3\tamd64\tdeinstall ok config-files\n';
    const inputs = ['4.15.0-50-generic', '4.15.0-50-lowlatency', '4.15.0-45-generic', 'nonsense'].flatMap((u) =>
      [[body, ['kernel', 'qemu-kvm', 'intel-microcode'], u], [body, [], u]] as [string, string[], string][]);
    expectSameAsUncached(inputs, sharedDpkgQuery, parseDpkgQuery);
  });

  it('give what an uncached parse gives: os-release, cpuinfo, meta, whoami, nova.conf target, layout, agent', () => {
    expectSameAsUncached([['uid\t0\nuser\troot\n'], ['uid\t1000\nuser\tops\n'], ['uid\t\n'], ['']] as [string][], sharedPrivilege, parsePrivilege);
    const osInputs: [string | null, string | null][] = [
      ['ID="rhel"\nVERSION_ID="7.6"\nPRETTY_NAME="Red Hat Enterprise Linux Server 7.6 (Maipo)"\n', null],
      ['ID=ubuntu\nVERSION_ID="18.04"\nID_LIKE=debian\n', null], ['NAME=x\n', 'CentOS Linux release 7.6.1810 (Core)\n'],
      [null, 'CentOS Linux release 7.6.1810 (Core)\n'], [null, null], ['', 'Red Hat Enterprise Linux Server release 6.10 (Santiago)'],
    ];
    expectSameAsUncached(osInputs, sharedOsRelease, parseOsRelease);
    expectSameAsUncached(['vendor_id: GenuineIntel\nmd_clear: yes\n', 'vendor_id: AuthenticAMD\nmd_clear: no\n', 'flags : fpu md_clear\n', ''].map((t) => [t] as [string]),
      sharedCpuinfo, parseCpuinfo);
    const meta = (t: string) => {
      const ls = t.split('\n');
      const v = (k: string) => ls.filter((l) => l.startsWith(`${k}\t`)).map((l) => l.slice(k.length + 1));
      return { packageNames: v('package'), imagePackageNames: v('image-package'), novaConfPath: v('nova-conf-path')[0] ?? '' };
    };
    expectSameAsUncached(['nova-conf-path\t/etc/nova/nova.conf\npackage\tkernel\npackage\tlibvirt\nimage-package\tlibvirt\n', 'package\tkernel\n', ''].map((t) => [t] as [string]),
      sharedMeta, meta);
    const target = 'target\t/etc/nova/nova.conf\ndir-writable\tno\nmount\trw,relatime\nattrs\t--------------e----\t/etc/nova/nova.conf\nattrs\t----i---------e----\t/etc/nova\n';
    expectSameAsUncached([[target, 0], [target, 1000], [target, null], [null, 0], ['target\t/x\nattrs-missing\n', 0]] as [string | null, number | null][],
      sharedNovaConfTarget, parseNovaConfTarget);
    const layout = 'layout\tbare-metal\nsource\tdetected\nnova-conf\t/etc/nova/nova.conf\nvirsh\thost\nnova-compute\tunit:openstack-nova-compute\nvirt-packages\thost\nbasis\tno containers\n';
    expectSameAsUncached([[layout], [`${layout}unknown\tprobes disagree\n`], [''], [layout.replace('bare-metal', 'nonsense')]] as [string][], sharedLayout, parseLayoutSection);
    const agent = 'agent\tunit:openstack-nova-compute\nrc\t0\nout\tactive\n';
    expectSameAsUncached([[agent, 0], [agent, null], [agent, 4], [agent.replace('rc\t0', 'rc\t3').replace('active', 'inactive'), 0], ['', 0]] as [string, number | null][],
      sharedAgentSection, (body, rc) => parseAgentSection({ body, rc }));
  });
});

describe('memoByText', () => {
  it('freezes what it shares, so a change downstream throws instead of reaching the next host', () => {
    const memo = memoByText((t: string) => ({ rows: t.split(',').map((name) => ({ name })) }), (t) => t);
    const a = memo('x,y');
    expect(memo('x,y')).toBe(a);
    expect(deeplyFrozen(a)).toBe(true);
    expect(() => a.rows.push({ name: 'z' })).toThrow(TypeError);
    expect(() => { (a.rows[0] as { name: string }).name = 'w'; }).toThrow(TypeError);
    expect(memo('x,y').rows.map((r) => r.name)).toEqual(['x', 'y']);
  });

  it('holds at most its bound, dropping the least recently used first', () => {
    const parse = vi.fn((t: string) => ({ t }));
    const memo = memoByText(parse, (t) => t, 3);
    for (let i = 0; i < 50; i++) memo(`text ${i}`);
    expect(memo.size).toBe(3);
    memo('text 47'); // used again: now the most recent
    memo('new');
    expect(memo.size).toBe(3);
    parse.mockClear();
    memo('text 47');
    expect(parse).not.toHaveBeenCalled();
    memo('text 48'); // the least recently used one went when 'new' came
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('does not remember a parse that threw: the next host with that text is refused again', () => {
    const parse = vi.fn((t: string) => {
      if (t === 'bad') throw new Error('not parsable');
      return { t };
    });
    const memo = memoByText(parse, (t) => t);
    expect(() => memo('bad')).toThrow('not parsable');
    expect(() => memo('bad')).toThrow('not parsable');
    expect(parse).toHaveBeenCalledTimes(2);
    expect(memo.size).toBe(0);
  });

  it('keys on every input it is given: same text, other second input, other answer', () => {
    const memo = memoByText((t: string, uid: number | null) => ({ t, uid }), (t, uid) => JSON.stringify([t, uid]));
    expect(memo('a', 0)).toEqual({ t: 'a', uid: 0 });
    expect(memo('a', null)).toEqual({ t: 'a', uid: null });
    expect(memo('a', 0)).toEqual({ t: 'a', uid: 0 });
  });

  it('deepFreeze leaves primitives alone and freezes nested arrays', () => {
    expect(deepFreeze(3)).toBe(3);
    const v = deepFreeze({ a: [{ b: [1] }] });
    expect(Object.isFrozen(v.a[0]!.b)).toBe(true);
  });
});

/** Frames sections the way the script prints them. */
function frame(nonce: string, sections: [string, string, number][]): string {
  let out = '';
  for (const [name, body, rc] of sections) out += `${beginMarker(nonce, name)}\n${body}\n${endMarkerPrefix(nonce, name)}${rc}@@\n`;
  return `${out}${doneMarker(nonce)}\n`;
}

describe('parseGatherReport with shared parses', () => {
  it('reports on a fleet of generated hosts exactly what a fresh parser reports on each one alone', async () => {
    const nova = readdirSync(path.join(shared, 'nova-conf')).map((f) => read('nova-conf', f));
    const outputs = Array.from({ length: 24 }, (_, i) => frame(`n${i}x`, [
      ['meta', `nova-conf-path\t/etc/nova/nova.conf\n${rpmNames[i % 2]!.map((n) => `package\t${n}\n`).join('')}`, 0],
      ['whoami', i % 5 === 0 ? 'uid\t1000\nuser\tops\n' : 'uid\t0\nuser\troot\n', 0],
      ['hostname', `compute-${i}\n`, 0],
      ['os-release', i % 3 === 0 ? 'ID="rhel"\nVERSION_ID="7.6"\n' : 'ID="centos"\nVERSION_ID="7"\n', 0],
      ['redhat-release', '', 3],
      ['uname-r', '3.10.0-957.12.2.el7.x86_64\n', 0],
      ['boot-id', `0b5a3c52-8c9d-4f0e-9a57-${String(i).padStart(12, '0')}\n`, 0],
      ['rpm', rpmBodies[i % 4]!, i % 7 === 0 ? 2 : 0],
      ['sysfs-mds', i % 4 === 0 ? 'Vulnerable; SMT vulnerable\n' : 'Mitigation: Clear CPU buffers; SMT vulnerable\n', 0],
      ['cpuinfo', 'vendor_id: GenuineIntel\nmd_clear: yes\n', 0],
      ['kernel-log', `source\tdmesg\t0\nstart\t[    0.000000] Linux version\nline\t[    0.1] ${lines('kernel', 'mds-dmesg-lines.txt')[i % 3]}\n`, 0],
      ['nova-conf', nova[i % nova.length]!, i % 6 === 0 ? 4 : 0],
      ['nova-conf-target', 'target\t/etc/nova/nova.conf\ndir-writable\tno\n', 0],
      ['guests', `guest\t${i}-uuid\trunning\nname\tvm-${i}\ndumpxml\t0\n`, 0],
    ]));
    const { parseGatherReport } = await import('../../../src/facts/parse-gather.js');
    const fleet: GatherReport[] = [...outputs, ...outputs].map((o) => parseGatherReport(o));
    for (const [i, o] of outputs.entries()) {
      vi.resetModules();
      const fresh = await import('../../../src/facts/parse-gather.js');
      const alone = fresh.parseGatherReport(o);
      expect(fleet[i]).toEqual(alone);
      expect(fleet[i + outputs.length]).toEqual(alone);
    }
    // Hosts of one generation share their parses; host-unique facts stay their own.
    expect(fleet[4]!.facts.packages).toBe(fleet[8]!.facts.packages);
    expect(fleet[4]!.facts.hostname).not.toBe(fleet[8]!.facts.hostname);
  });
});
