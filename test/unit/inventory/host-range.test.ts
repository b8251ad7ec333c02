import { describe, expect, it } from 'vitest';
import { expandHostPattern, expandHostRange, HostRangeError } from '../../../src/inventory/host-range.js';

describe('expandHostRange', () => {
  it('keeps zero padding of a numeric range', () => {
    const names = expandHostRange('compute[01:40]');
    expect(names).toHaveLength(40);
    expect(names[0]).toBe('compute01');
    expect(names[8]).toBe('compute09');
    expect(names[39]).toBe('compute40');
  });

  it('expands letters, steps, an empty begin and text after the range', () => {
    expect(expandHostRange('rack[a:d].dc1')).toEqual(['racka.dc1', 'rackb.dc1', 'rackc.dc1', 'rackd.dc1']);
    expect(expandHostRange('n[0:10:5]')).toEqual(['n0', 'n5', 'n10']);
    expect(expandHostRange('n[:2]')).toEqual(['n0', 'n1', 'n2']);
  });

  it('multiplies several ranges in one name', () => {
    expect(expandHostRange('r[1:2]-n[a:b]')).toEqual(['r1-na', 'r1-nb', 'r2-na', 'r2-nb']);
  });

  it('returns a plain name untouched', () => {
    expect(expandHostRange('compute01.example.com')).toEqual(['compute01.example.com']);
  });

  it.each([
    ['n[5:1]', /greater than end/],
    ['n[01:100]', /same width/],
    ['n[a:5]', /both numbers or both single letters/],
    ['n[1:5:0]', /step must be a positive/],
    ['n[1:]', /end value is missing/],
    ['n[1:2', /unbalanced/],
    ['n[1]', /begin:end/],
  ])('rejects %s', (name, msg) => {
    expect(() => expandHostRange(name)).toThrow(HostRangeError);
    expect(() => expandHostRange(name)).toThrow(msg);
  });
});

describe('expandHostPattern', () => {
  it('splits a port suffix and still expands the range', () => {
    expect(expandHostPattern('web[1:2]:2222')).toEqual({ names: ['web1', 'web2'], port: 2222 });
    expect(expandHostPattern('db1:22')).toEqual({ names: ['db1'], port: 22 });
    expect(expandHostPattern('web[1:2]')).toEqual({ names: ['web1', 'web2'] });
  });

  it('keeps IPv6 addresses whole and reads [addr]:port', () => {
    expect(expandHostPattern('fe80::1')).toEqual({ names: ['fe80::1'] });
    expect(expandHostPattern('[fe80::1]:2200')).toEqual({ names: ['fe80::1'], port: 2200 });
  });

  it('rejects a trailing colon and an out-of-range port', () => {
    expect(() => expandHostPattern('web1:')).toThrow(/must be followed by a port/);
    expect(() => expandHostPattern('web1:70000')).toThrow(/outside 1..65535/);
    expect(() => expandHostPattern('web1:ssh')).toThrow(/expected a port number/);
  });
});
