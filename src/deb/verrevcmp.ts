// dpkg's version-part comparison (lib/dpkg/version.c verrevcmp), written from Debian policy 5.6.12 and checked against dpkg itself.

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

const TILDE = 0x7e;
/** Reading past the end yields 0, the C string terminator the original walks to. */
function at(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : 0;
}

/**
 * The weight of one non-digit character: letters sort by ASCII, before every non-letter; '~' before everything, even
 * the end of the part ("1.0~rc1" < "1.0"); the end of the part and a digit weigh 0.
 */
function order(c: number): number {
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === TILDE) return -1;
  if (c !== 0) return c + 256;
  return 0;
}

/**
 * Compares an upstream version or a Debian revision: alternately the longest non-digit prefix (by `order`, character by
 * character) and the longest digit run (as a number, leading zeros ignored, compared digit by digit so any length works).
 * Negative, zero or positive like strcmp; only the sign means anything.
 */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (at(a, i) !== 0 || at(b, j) !== 0) {
    let firstDiff = 0;
    while ((at(a, i) !== 0 && !isDigit(at(a, i))) || (at(b, j) !== 0 && !isDigit(at(b, j)))) {
      const ac = order(at(a, i));
      const bc = order(at(b, j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (at(a, i) === 0x30) i++;
    while (at(b, j) === 0x30) j++;
    while (isDigit(at(a, i)) && isDigit(at(b, j))) {
      if (firstDiff === 0) firstDiff = at(a, i) - at(b, j);
      i++;
      j++;
    }
    // The longer digit run (zeros stripped) is the bigger number; equal lengths go by their first differing digit.
    if (isDigit(at(a, i))) return 1;
    if (isDigit(at(b, j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}
