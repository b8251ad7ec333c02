// Debian versions: parsing as dpkg splits them, the ordering rules of Debian policy, the minimum rule, kernel names.
import { describe, expect, it } from 'vitest';
import { compareDebVersionStrings as cmp, debSatisfiesMinimum, DebVersionError, imagePackageRelease, newestDeb, parseDebUnameR, parseDebVersion } from '../../../src/deb/index.js';

describe('Debian versions', () => {
  it('splits the epoch at the first colon and the revision at the last hyphen', () => {
    expect(parseDebVersion('1:2.11+dfsg-1ubuntu7.13')).toEqual({ epoch: '1', version: '2.11+dfsg', release: '1ubuntu7.13' });
    expect(parseDebVersion('4.15.0.50.52')).toEqual({ epoch: null, version: '4.15.0.50.52', release: null });
    expect(parseDebVersion('1.0.0+git-20150424.a25a16d-0ubuntu2~cloud0')).toEqual({ epoch: null, version: '1.0.0+git-20150424.a25a16d', release: '0ubuntu2~cloud0' });
    expect(parseDebVersion('2:1.0:3-1')).toEqual({ epoch: '2', version: '1.0:3', release: '1' });
  });

  it('refuses what dpkg flags, with its reason', () => {
    for (const [v, why] of [['', 'empty'], ['1:', 'nothing after the colon'], ['a:1', 'epoch is not a number'], ['1.0-', 'revision is empty'], ['-1', 'version number is empty'], ['a1', 'does not start with a digit'], ['1_0', 'invalid character in version'], ['1.0-a_b', 'invalid character in revision'], ['1 0', 'blanks']] as const) {
      expect(() => parseDebVersion(v), v).toThrow(DebVersionError);
      expect(() => parseDebVersion(v), v).toThrow(why);
    }
  });

  it('orders as Debian policy says: ~ before everything, letters before non-letters, numbers by value', () => {
    expect(cmp('1.0~rc1', '1.0')).toBe(-1);
    expect(cmp('1.0~~', '1.0~')).toBe(-1);
    expect(cmp('1.0a', '1.0+')).toBe(-1);
    expect(cmp('1.0', '1.0a')).toBe(-1);
    expect(cmp('1.01', '1.1')).toBe(0);
    expect(cmp('1.9', '1.10')).toBe(-1);
    expect(cmp('1.0', '1.0-0')).toBe(0);
    expect(cmp('1:0.1', '9.9')).toBe(1);
    expect(cmp('0:1.0', '1.0')).toBe(0);
    // The Ubuntu Cloud Archive's rebuild of a fix sorts below the fix itself.
    expect(cmp('1:2.11+dfsg-1ubuntu7.13~cloud0', '1:2.11+dfsg-1ubuntu7.13')).toBe(-1);
    expect(cmp('99999999999999999999', '99999999999999999998')).toBe(1);
  });

  it('takes a minimum without an epoch as epoch 0, as dpkg does', () => {
    expect(debSatisfiesMinimum(parseDebVersion('1:2.11+dfsg-1ubuntu7.12'), '1:2.11+dfsg-1ubuntu7.13')).toBe(false);
    expect(debSatisfiesMinimum(parseDebVersion('1:2.11+dfsg-1ubuntu7.13'), '1:2.11+dfsg-1ubuntu7.13')).toBe(true);
    expect(debSatisfiesMinimum(parseDebVersion('1:2.5'), '2.11')).toBe(true);
    expect(debSatisfiesMinimum(parseDebVersion('2.11+dfsg-1ubuntu7.13'), '1:2.11+dfsg-1ubuntu7.13')).toBe(false);
    expect(newestDeb([parseDebVersion('4.15.0-48'), parseDebVersion('4.15.0-50'), parseDebVersion('4.15.0-45')])).toEqual(parseDebVersion('4.15.0-50'));
  });

  it('reads kernel releases from uname -r and from image package names', () => {
    expect(parseDebUnameR('4.15.0-50-generic')).toEqual({ release: '4.15.0-50', flavour: 'generic' });
    expect(parseDebUnameR('4.19.0-5-cloud-amd64')).toEqual({ release: '4.19.0-5', flavour: 'cloud-amd64' });
    expect(parseDebUnameR('3.10.0-957.el7.x86_64')).toBeNull();
    expect(imagePackageRelease('linux-image-4.15.0-50-generic')).toEqual({ release: '4.15.0-50', flavour: 'generic' });
    expect(imagePackageRelease('linux-image-unsigned-5.0.0-15-generic')).toEqual({ release: '5.0.0-15', flavour: 'generic' });
    expect(imagePackageRelease('linux-image-4.19.0-5-amd64-unsigned')).toEqual({ release: '4.19.0-5', flavour: 'amd64' });
    expect(imagePackageRelease('linux-image-generic')).toBeNull();
    expect(imagePackageRelease('linux-image-4.19.0-5-amd64-dbg')).toBeNull();
  });
});
