// Sorting text for reports and choices: by code point, the same on every machine (no locale, no ICU start-up).
/**
 * `String.prototype.localeCompare` orders by the controller's locale, so two controllers could print one fleet in two
 * orders, and its first call loads ICU's collator (about 5 ms of a sweep's start-up). Host names, ids and project ids are
 * ASCII identifiers: code-point order is the order an operator expects and the same everywhere.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
