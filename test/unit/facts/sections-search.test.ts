// splitSections' string search finds what the regex it replaced found, on framed output with traps in the bodies.
import { describe, expect, it } from 'vitest';
import { beginMarker, doneMarker, endMarkerPrefix, MARKER_PREFIX, splitSections, type SplitOutput } from '../../../src/facts/sections.js';

/** The previous implementation, kept as the reference. */
function regexSplit(output: string): SplitOutput {
  const sections = new Map<string, { body: string; rc: number | null }>();
  const first = new RegExp(`(?:^|\\n)${MARKER_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([a-z0-9]+):begin:`).exec(output);
  const nonce = first?.[1] ?? null;
  if (nonce === null) return { sections, complete: false, nonce };
  const beginRe = new RegExp(`(?:^|\\n)${beginMarker(nonce, '([a-z0-9_-]+)')}\\n`, 'g');
  let pos = 0;
  for (;;) {
    beginRe.lastIndex = pos;
    const m = beginRe.exec(output);
    if (!m) break;
    const name = m[1] ?? '';
    const bodyStart = m.index + m[0].length;
    const endPrefix = `\n${endMarkerPrefix(nonce, name)}`;
    const endAt = output.indexOf(endPrefix, bodyStart);
    if (endAt < 0) {
      sections.set(name, { body: output.slice(bodyStart), rc: null });
      return { sections, complete: false, nonce };
    }
    const tail = /^(\d+)@@(?:\n|$)/.exec(output.slice(endAt + endPrefix.length));
    const rc = tail ? Number(tail[1]) : null;
    sections.set(name, { body: output.slice(bodyStart, endAt), rc });
    pos = endAt + endPrefix.length + (tail ? tail[0].length - 1 : 0);
  }
  return { sections, complete: output.includes(`\n${doneMarker(nonce)}`) || output.startsWith(doneMarker(nonce)), nonce };
}

/** A small deterministic generator, so a failure names its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const N = 'c0ffee42';
const PIECES = [
  'plain text', '', '\n', '@@', '@@\n', MARKER_PREFIX, `${MARKER_PREFIX}${N}:begin:`, `${MARKER_PREFIX}other:begin:x@@\n`,
  `${beginMarker(N, 'bad name')}\n`, `${beginMarker(N, 'x')}`, `${beginMarker(N, 'x')}\n`, `\n${endMarkerPrefix(N, 'x')}`, `\n${endMarkerPrefix(N, 'x')}7@@`,
  `\n${endMarkerPrefix(N, 'x')}12@@\n`, `\n${endMarkerPrefix(N, 'x')}zz@@\n`, doneMarker(N), `\n${doneMarker(N)}\n`,
];

describe('splitSections', () => {
  it('agrees with the regex it replaced on 3000 generated outputs', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      const pick = () => PIECES[Math.floor(r() * PIECES.length)]!;
      let out = r() < 0.5 ? '' : pick();
      const sections = Math.floor(r() * 5);
      for (let i = 0; i < sections; i++) {
        const name = r() < 0.3 ? 'x' : `s${i}`;
        let body = '';
        for (let k = Math.floor(r() * 4); k > 0; k--) body += pick();
        out += `${r() < 0.1 ? '' : '\n'}${beginMarker(N, name)}\n${body}`;
        if (r() < 0.9) out += `\n${endMarkerPrefix(N, name)}${Math.floor(r() * 130)}@@${r() < 0.9 ? '\n' : ''}`;
        if (r() < 0.2) out += pick();
      }
      if (r() < 0.7) out += `${doneMarker(N)}\n`;
      const want = regexSplit(out);
      const got = splitSections(out);
      expect({ seed, nonce: got.nonce, complete: got.complete, sections: [...got.sections] })
        .toEqual({ seed, nonce: want.nonce, complete: want.complete, sections: [...want.sections] });
    }
  });

  it('finds a begin marker at the very start and one after a candidate that is not a marker line', () => {
    const out = `${beginMarker(N, 'a')}\nA\n${endMarkerPrefix(N, 'a')}0@@\n${MARKER_PREFIX}${N}:begin:bad name@@\n\n${beginMarker(N, 'b')}\nB\n${endMarkerPrefix(N, 'b')}3@@\n${doneMarker(N)}\n`;
    const s = splitSections(out);
    expect([...s.sections]).toEqual([['a', { body: 'A', rc: 0 }], ['b', { body: 'B', rc: 3 }]]);
    expect(s.complete).toBe(true);
  });
});
