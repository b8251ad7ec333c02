// setOption: in-place edits that keep every other byte (comments, blanks, order, CRLF, missing final newline).
import { describe, expect, it } from 'vitest';
import { setOption } from '../../../src/ini/set-option.js';

const conf = [
  '[DEFAULT]',
  '# Keep this comment',
  'debug = true',
  '',
  '[libvirt]',
  '#',
  '# The CPU mode (string value)',
  '#cpu_mode=<None>',
  'virt_type  =  kvm',
  '',
  '# Workarounds for bugs',
  '[workarounds]',
  'skip_cpu_compare_on_dest = true',
  '',
].join('\n');

describe('setOption', () => {
  it('replaces an active value in place, keeping its spacing style', () => {
    const out = setOption(conf, 'libvirt', 'virt_type', 'qemu');
    expect(out).toBe(conf.replace('virt_type  =  kvm', 'virt_type  =  qemu'));
  });

  it('returns the very same text when the value is already set', () => {
    expect(setOption(conf, 'libvirt', 'virt_type', 'kvm')).toBe(conf);
  });

  it('replaces a commented-out line in place, in its own style', () => {
    expect(setOption(conf, 'libvirt', 'cpu_mode', 'custom')).toBe(conf.replace('#cpu_mode=<None>', 'cpu_mode=custom'));
    const spaced = conf.replace('#cpu_mode=<None>', '# cpu_mode = host-model');
    expect(setOption(spaced, 'libvirt', 'cpu_mode', 'custom')).toBe(conf.replace('#cpu_mode=<None>', 'cpu_mode = custom'));
  });

  it('prefers the commented default `#key =` over an indented example in the help text above it', () => {
    const text = '[libvirt]\n# For example:\n#     cpu_model_extra_flags = pcid\n# (list value)\n#cpu_model_extra_flags =\n';
    expect(setOption(text, 'libvirt', 'cpu_model_extra_flags', 'md-clear'))
      .toBe('[libvirt]\n# For example:\n#     cpu_model_extra_flags = pcid\n# (list value)\ncpu_model_extra_flags = md-clear\n');
  });

  it('appends a missing key after the last line of the section, before the next section\'s leading comment', () => {
    const out = setOption(conf, 'libvirt', 'cpu_models', 'IvyBridge');
    expect(out).toBe(conf.replace('virt_type  =  kvm\n', 'virt_type  =  kvm\ncpu_models = IvyBridge\n'));
  });

  it('keeps a comment that follows a key directly inside that key\'s section', () => {
    const text = '[a]\nx = 1\n# about x\n\n[b]\n';
    expect(setOption(text, 'a', 'y', '2')).toBe('[a]\nx = 1\n# about x\ny = 2\n\n[b]\n');
  });

  it('copies the file\'s `key=value` style when new keys are added', () => {
    expect(setOption('[a]\nx=1\n', 'a', 'y', '2')).toBe('[a]\nx=1\ny=2\n');
  });

  it('creates a missing section at the end, separated by a blank line', () => {
    expect(setOption('[a]\nx = 1\n', 'libvirt', 'cpu_mode', 'custom')).toBe('[a]\nx = 1\n\n[libvirt]\ncpu_mode = custom\n');
    expect(setOption('', 'libvirt', 'cpu_mode', 'custom')).toBe('[libvirt]\ncpu_mode = custom\n');
  });

  it('keeps CRLF line endings and writes new lines with CRLF', () => {
    const crlf = '[libvirt]\r\nvirt_type = kvm\r\n\r\n[b]\r\nz = 1\r\n';
    expect(setOption(crlf, 'libvirt', 'cpu_mode', 'custom')).toBe('[libvirt]\r\nvirt_type = kvm\r\ncpu_mode = custom\r\n\r\n[b]\r\nz = 1\r\n');
  });

  it('adds a line ending only where one is needed when the file lacks a final newline', () => {
    expect(setOption('[a]\nx = 1', 'a', 'y', '2')).toBe('[a]\nx = 1\ny = 2');
    expect(setOption('[a]\nx = 1', 'a', 'x', '3')).toBe('[a]\nx = 3');
  });

  it('edits the LAST of duplicated keys (the one oslo uses) and leaves the others', () => {
    const text = '[libvirt]\ncpu_mode = host-model\n\n[other]\n\n[LIBVIRT]\ncpu_mode = none\n';
    expect(setOption(text, 'libvirt', 'cpu_mode', 'custom')).toBe('[libvirt]\ncpu_mode = host-model\n\n[other]\n\n[LIBVIRT]\ncpu_mode = custom\n');
  });

  it('treats keys as case-sensitive, as oslo does', () => {
    expect(setOption('[a]\nCPU_MODE = x\n', 'a', 'cpu_mode', 'y')).toBe('[a]\nCPU_MODE = x\ncpu_mode = y\n');
  });

  it('replaces a multi-line value as a whole', () => {
    expect(setOption('[a]\nflags = a,\n  b\nz = 1\n', 'a', 'flags', 'c')).toBe('[a]\nflags = c\nz = 1\n');
  });

  it('keeps a value that is empty style-consistent', () => {
    expect(setOption('[a]\nflags =\n', 'a', 'flags', 'md-clear')).toBe('[a]\nflags = md-clear\n');
    expect(setOption('[a]\nflags=\n', 'a', 'flags', 'md-clear')).toBe('[a]\nflags=md-clear\n');
  });
});

describe('setOption on a long commented sample', () => {
  it('touches exactly one line', async () => {
    const { unifiedDiff } = await import('../../../src/ini/unified-diff.js');
    const body = Array.from({ length: 200 }, (_, i) => `# help text ${i}\n#opt_${i}=<None>\n`).join('\n');
    const text = `[DEFAULT]\n${body}\n[libvirt]\n${body}#cpu_mode=<None>\n\n[vnc]\n${body}`;
    const out = setOption(text, 'libvirt', 'cpu_mode', 'host-model');
    const changed = unifiedDiff(text, out, 'f').split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed).toEqual(['-#cpu_mode=<None>', '+cpu_mode=host-model']);
  });
});
