// The gather command text and parseGather over framed output built here (no shell is run in unit tests).
import { describe, expect, it } from 'vitest';
import { ABSENT_RC, buildGatherCommand } from '../../../src/facts/gather-command.js';
import { GatherError } from '../../../src/facts/errors.js';
import { parseGather, parseGatherReport } from '../../../src/facts/parse-gather.js';
import { beginMarker, doneMarker, endMarkerPrefix, splitSections } from '../../../src/facts/sections.js';

/** Frames sections the way the script prints them: begin line, stdout, '\n', end line with rc. */
function frame(nonce: string, sections: [string, string, number][], done = true): string {
  let out = '';
  for (const [name, body, rc] of sections) out += `${beginMarker(nonce, name)}\n${body}\n${endMarkerPrefix(nonce, name)}${rc}@@\n`;
  return done ? `${out}${doneMarker(nonce)}\n` : out;
}

const N = 'feedc0de';
const nova = '[libvirt]\ncpu_mode = custom\ncpu_models = IvyBridge\ncpu_model_extra_flags = ssbd\n';
const domcaps = "<domainCapabilities><cpu><mode name='host-passthrough' supported='yes'/><mode name='host-model' supported='yes'><model fallback='forbid'>IvyBridge-IBRS</model><vendor>Intel</vendor><feature policy='require' name='md-clear'/></mode><mode name='custom' supported='yes'><model usable='yes'>IvyBridge</model></mode></cpu></domainCapabilities>\n";
const full: [string, string, number][] = [
  ['meta', 'nova-conf-path\t/etc/nova/nova.conf\npackage\tkernel\npackage\tmicrocode_ctl\npackage\tlibvirt\n', 0],
  ['whoami', 'uid\t0\nuser\troot\n', 0],
  ['hostname', 'compute-7\n', 0],
  ['os-release', 'ID="rhel"\nVERSION_ID="7.6"\nPRETTY_NAME="Red Hat Enterprise Linux Server 7.6 (Maipo)"\n', 0],
  ['redhat-release', 'Red Hat Enterprise Linux Server release 7.6 (Maipo)\n', 0],
  ['uname-r', '3.10.0-957.12.2.el7.x86_64\n', 0],
  ['boot-id', '0b5a3c52-8c9d-4f0e-9a57-2a8f1d0c6e11\n', 0],
  ['rpm', 'kernel\t(none)\t3.10.0\t957.el7\tx86_64\nkernel\t(none)\t3.10.0\t957.12.2.el7\tx86_64\nmicrocode_ctl\t2\t2.1\t47.2.el7_6\tx86_64\npackage libvirt is not installed\n', 1],
  ['sysfs-mds', 'Mitigation: Clear CPU buffers; SMT vulnerable\n', 0],
  ['sysfs-tsx_async_abort', '', ABSENT_RC],
  ['sysfs-mmio_stale_data', '', 0],
  ['cpuinfo', 'vendor_id: GenuineIntel\nmd_clear: yes\n', 0],
  ['kernel-log', 'source\tdmesg\t0\nstart\t[    0.000000] Linux version 3.10.0-957.12.2.el7.x86_64\nline\t[    0.042000] MDS: Mitigation: Clear CPU buffers\n', 0],
  ['nova-conf', nova, 0],
  ['domcaps', domcaps, 0],
  ['guests', "guest\tabc\trunning\ndumpxml\t0\nname\tvm1\ncpu\t<cpu mode='custom'>\n", 0],
];

describe('buildGatherCommand', () => {
  const cmd = buildGatherCommand({ packages: ['kernel', "odd'name", 'a b'], novaConfPath: '/etc/nova/nova conf', nonce: N });
  it('quotes every value for the shell', () => {
    expect(cmd).toContain(`'odd'\\''name' 'a b'`);
    expect(cmd).toContain(`_mo_o_nc='/etc/nova/nova conf'`);
  });
  it('frames every section with the nonce and ends with the done marker', () => {
    for (const s of ['meta', 'whoami', 'hostname', 'os-release', 'redhat-release', 'uname-r', 'boot-id', 'rpm', 'sysfs-mds', 'sysfs-tsx_async_abort', 'sysfs-mmio_stale_data', 'cpuinfo', 'kernel-log', 'nova-conf', 'domcaps', 'guests']) {
      expect(cmd).toContain(beginMarker(N, s));
      expect(cmd).toContain(endMarkerPrefix(N, s));
    }
    expect(cmd.trimEnd().endsWith(`printf '%s\\n' ${doneMarker(N)}`)).toBe(true);
  });
  it('uses a fresh random nonce by default and rejects unsafe ones', () => {
    const a = buildGatherCommand({ packages: [], novaConfPath: '/x' });
    const b = buildGatherCommand({ packages: [], novaConfPath: '/x' });
    expect(a).not.toBe(b);
    expect(() => buildGatherCommand({ packages: [], novaConfPath: '/x', nonce: 'a;b' })).toThrow();
  });
});

describe('splitSections', () => {
  it('keeps bodies byte-exact and tells an empty file from a missing one', () => {
    const { sections, complete } = splitSections(frame(N, [['a', '', 0], ['b', '\n', 0], ['c', 'x', 3]]));
    expect(complete).toBe(true);
    expect(sections.get('a')).toEqual({ body: '', rc: 0 });
    expect(sections.get('b')).toEqual({ body: '\n', rc: 0 });
    expect(sections.get('c')).toEqual({ body: 'x', rc: 3 });
  });
  it('ignores marker lines with another nonce inside a body', () => {
    const forged = `[DEFAULT]\n${endMarkerPrefix('0000', 'nova-conf')}0@@\n${beginMarker('0000', 'x')}\n`;
    const { sections } = splitSections(frame(N, [['nova-conf', forged, 0]]));
    expect(sections.get('nova-conf')?.body).toBe(forged);
  });
  it('marks a section cut short', () => {
    const out = frame(N, [['a', 'one', 0]], false) + `${beginMarker(N, 'b')}\npartial`;
    const { sections, complete } = splitSections(out);
    expect(complete).toBe(false);
    expect(sections.get('b')).toEqual({ body: 'partial', rc: null });
  });
});

describe('parseGather', () => {
  it('assembles HostFacts from every section', () => {
    const f = parseGather(frame(N, full));
    expect(f.hostname).toBe('compute-7');
    expect(f.os).toEqual({ id: 'rhel', versionId: '7.6', dist: 'el7', prettyName: 'Red Hat Enterprise Linux Server 7.6 (Maipo)' });
    expect(f.kernelRunning).toBe('3.10.0-957.12.2.el7.x86_64');
    expect(f.bootId).toBe('0b5a3c52-8c9d-4f0e-9a57-2a8f1d0c6e11');
    expect(f.packages['kernel']?.map((p) => p.release)).toEqual(['957.el7', '957.12.2.el7']);
    expect(f.packages['libvirt']).toEqual([]);
    expect(f.sysfs).toEqual({ mds: 'Mitigation: Clear CPU buffers; SMT vulnerable\n', tsxAsyncAbort: null, mmioStaleData: '' });
    expect(f.mds).toEqual({ kind: 'mitigated', smt: 'vulnerable' });
    expect(f.cpu).toEqual({ vendor: 'intel', mdClearFlag: true });
    expect(f.dmesgMds).toEqual(['MDS: Mitigation: Clear CPU buffers']);
    expect(f.novaConfPath).toBe('/etc/nova/nova.conf');
    expect(f.novaConf).toBe(nova);
    expect(f.novaLibvirt).toEqual({ cpuMode: 'custom', cpuModels: ['IvyBridge'], extraFlags: ['ssbd'], virtType: null });
    expect(f.domcaps?.hostModel?.model).toBe('IvyBridge-IBRS');
    expect(f.guests).toEqual([{ uuid: 'abc', state: 'running', name: 'vm1', mdClear: false }]);
  });
  it('reports failed sections as problems without failing the rest', () => {
    const broken = full.map(([n, b, rc]): [string, string, number] => (n === 'domcaps' || n === 'guests' ? [n, '', 127] : n === 'nova-conf' ? [n, '', ABSENT_RC] : [n, b, rc]));
    const r = parseGatherReport(frame(N, broken));
    expect(r.facts.domcaps).toBeNull();
    expect(r.facts.guests).toEqual([]);
    expect(r.facts.novaConf).toBeNull();
    expect(r.problems).toEqual(['domcaps: exit status 127', 'guests: exit status 127']);
    expect(r.sections['rpm']).toBe(1);
  });
  it('notes domcapabilities that are not XML', () => {
    const bad = full.map(([n, b, rc]): [string, string, number] => (n === 'domcaps' ? [n, 'garbage <', 0] : [n, b, rc]));
    const r = parseGatherReport(frame(N, bad));
    expect(r.facts.domcaps).toBeNull();
    expect(r.problems[0]).toMatch(/^domcaps: /);
  });
  it('throws GatherError without markers, or when uname -r / boot_id are missing', () => {
    expect(() => parseGather('bash: line 1: syntax error\n')).toThrow(GatherError);
    const cut = frame(N, full.slice(0, 4), false);
    expect(() => parseGather(cut)).toThrow(/uname -r.*cut short/);
  });
});
