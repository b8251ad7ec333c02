// addListItem: adds to a comma list keeping the existing items, order and spacing; respects an explicit '-item'.
import { describe, expect, it } from 'vitest';
import { addListItem } from '../../../src/ini/list-item.js';

const add = (text: string, item = 'md-clear') => addListItem(text, 'libvirt', 'cpu_model_extra_flags', item);

describe('addListItem', () => {
  it('appends after the existing items with the list\'s separator style', () => {
    expect(add('[libvirt]\ncpu_model_extra_flags = pcid, ssbd\n').text).toBe('[libvirt]\ncpu_model_extra_flags = pcid, ssbd, md-clear\n');
    expect(add('[libvirt]\ncpu_model_extra_flags=pcid,ssbd\n').text).toBe('[libvirt]\ncpu_model_extra_flags=pcid,ssbd,md-clear\n');
  });

  it('keeps trailing blanks and CRLF of the edited line', () => {
    expect(add('[libvirt]\r\ncpu_model_extra_flags = pcid  \r\n').text).toBe('[libvirt]\r\ncpu_model_extra_flags = pcid,md-clear  \r\n');
  });

  it('does nothing when the item is there in any case or with +', () => {
    for (const v of ['MD-CLEAR', '+md-clear', 'pcid, +MD-Clear']) {
      const text = `[libvirt]\ncpu_model_extra_flags = ${v}\n`;
      expect(add(text)).toEqual({ text, changed: false, present: true, disabled: false });
    }
  });

  it('reports an explicit -item instead of overriding it', () => {
    const text = '[libvirt]\ncpu_model_extra_flags = pcid, -md-clear\n';
    expect(add(text)).toEqual({ text, changed: false, present: false, disabled: true });
  });

  it('creates the key (replacing a commented-out line) or the section when missing', () => {
    expect(add('[libvirt]\n#cpu_model_extra_flags =\ncpu_mode = custom\n').text).toBe('[libvirt]\ncpu_model_extra_flags = md-clear\ncpu_mode = custom\n');
    expect(add('[DEFAULT]\n').text).toBe('[DEFAULT]\n\n[libvirt]\ncpu_model_extra_flags = md-clear\n');
  });

  it('fills an empty value', () => {
    expect(add('[libvirt]\ncpu_model_extra_flags =\n').text).toBe('[libvirt]\ncpu_model_extra_flags = md-clear\n');
  });

  it('edits the last of duplicated keys only', () => {
    const text = '[libvirt]\ncpu_model_extra_flags = pcid\ncpu_model_extra_flags = ssbd\n';
    expect(add(text).text).toBe('[libvirt]\ncpu_model_extra_flags = pcid\ncpu_model_extra_flags = ssbd,md-clear\n');
  });

  it('inserts inside quotes and after a trailing comma', () => {
    expect(add('[libvirt]\ncpu_model_extra_flags = "pcid, ssbd"\n').text).toBe('[libvirt]\ncpu_model_extra_flags = "pcid, ssbd, md-clear"\n');
    expect(add('[libvirt]\ncpu_model_extra_flags = pcid,\n').text).toBe('[libvirt]\ncpu_model_extra_flags = pcid,md-clear\n');
    expect(add('[libvirt]\ncpu_model_extra_flags = pcid, ssbd,\n').text).toBe('[libvirt]\ncpu_model_extra_flags = pcid, ssbd, md-clear\n');
  });

  it('extends a multi-line value on its last line', () => {
    expect(add('[libvirt]\ncpu_model_extra_flags = pcid,\n    ssbd\n').text).toBe('[libvirt]\ncpu_model_extra_flags = pcid,\n    ssbd,md-clear\n');
  });
});
