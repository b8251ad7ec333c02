// A bounded least-recently-used memo for pure section parsers, keyed by their input text: a fleet's hosts print a handful of distinct texts.

/** Freezes a parse result all the way down: one result is shared by every host that printed the same text. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export interface TextMemo<A extends unknown[], R> {
  (...args: A): R;
  /** Entries held now (never more than the bound). */
  readonly size: number;
}

/** The key of a parser with more than one input: every input, unambiguously (JSON keeps null apart from "" and names apart). */
export const keyOfAll = (...args: unknown[]): string => JSON.stringify(args);

/**
 * Wraps a pure parser so each distinct input is parsed once and the frozen result shared. `key` must name EVERY input the
 * parse reads, or two hosts with different evidence would share one answer. A parse that throws is not remembered: the
 * next host with that text is refused again, in the same words. Why it pays: a sweep of a few hundred hosts calls each
 * parser a few hundred times, enough for V8 to spend background CPU optimising every one of them, for texts that repeat.
 */
export function memoByText<A extends unknown[], R>(parse: (...args: A) => R, key: (...args: A) => string, bound = 64): TextMemo<A, R> {
  const entries = new Map<string, R>();
  const memo = (...args: A): R => {
    const k = key(...args);
    const hit = entries.get(k);
    if (hit !== undefined || entries.has(k)) {
      entries.delete(k); // least recently used goes first
      entries.set(k, hit as R);
      return hit as R;
    }
    const parsed = deepFreeze(parse(...args));
    // A section body is a slice of the host's whole gather output, and a slice keeps its parent alive: the key is copied.
    entries.set(ownCopy(k), parsed);
    if (entries.size > bound) entries.delete(entries.keys().next().value as string);
    return parsed;
  };
  return Object.defineProperty(memo, 'size', { get: () => entries.size }) as TextMemo<A, R>;
}

/** The same text in a string of its own (JSON.parse builds a fresh one), not a view into a larger one. */
function ownCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
