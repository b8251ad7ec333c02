// rpm's version-segment comparison (rpmio/rpmvercmp.cc), ported literally so every edge case sorts as rpm sorts it.

// rpm uses its own ASCII-only ctype (risalnum & co.): any non-ASCII code unit is a separator, never part of a segment.
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isAlnum(c: number): boolean {
  return isDigit(c) || isAlpha(c);
}

const TILDE = 0x7e;
const CARET = 0x5e;
/** Stands for the C string terminator: reading past the end yields 0, as in the original. */
const END = 0;

function at(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : END;
}

function cmpStrings(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** -1 when a is older than b, 1 when newer, 0 when rpm considers them equal. */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let one = 0;
  let two = 0;

  while (at(a, one) !== END || at(b, two) !== END) {
    while (at(a, one) !== END && !isAlnum(at(a, one)) && at(a, one) !== TILDE && at(a, one) !== CARET) one++;
    while (at(b, two) !== END && !isAlnum(at(b, two)) && at(b, two) !== TILDE && at(b, two) !== CARET) two++;
    const c1 = at(a, one);
    const c2 = at(b, two);

    // '~' sorts before everything, even the end of the string ("1.0~rc1" < "1.0").
    if (c1 === TILDE || c2 === TILDE) {
      if (c1 !== TILDE) return 1;
      if (c2 !== TILDE) return -1;
      one++;
      two++;
      continue;
    }

    // '^' sorts after the end of the string but before any other segment ("1.0" < "1.0^git1" < "1.0.1").
    if (c1 === CARET || c2 === CARET) {
      if (c1 === END) return -1;
      if (c2 === END) return 1;
      if (c1 !== CARET) return 1;
      if (c2 !== CARET) return -1;
      one++;
      two++;
      continue;
    }

    if (c1 === END || c2 === END) break;

    let end1 = one;
    let end2 = two;
    const isNum = isDigit(c1);
    const inSegment = isNum ? isDigit : isAlpha;
    while (at(a, end1) !== END && inSegment(at(a, end1))) end1++;
    while (at(b, end2) !== END && inSegment(at(b, end2))) end2++;

    // b has a segment of the other type here (empty in this type): a numeric segment is newer than an alpha one.
    if (two === end2) return isNum ? 1 : -1;

    let seg1 = a.slice(one, end1);
    let seg2 = b.slice(two, end2);
    if (isNum) {
      seg1 = seg1.replace(/^0+/, '');
      seg2 = seg2.replace(/^0+/, '');
      // Compared as digit strings, not numbers, so segments longer than any integer type still compare correctly.
      if (seg1.length > seg2.length) return 1;
      if (seg2.length > seg1.length) return -1;
    }
    const rc = cmpStrings(seg1, seg2);
    if (rc !== 0) return rc;
    one = end1;
    two = end2;
  }

  // All segments equal but the separators differed ("2.0" vs "2_0"): rpm calls that equal.
  if (at(a, one) === END && at(b, two) === END) return 0;
  return at(a, one) === END ? -1 : 1;
}
