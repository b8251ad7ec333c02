// YAML 1.1 plain scalars resolved as PyYAML resolves them (Ansible loads inventories and vars with it), not as the yaml package's
// 1.1 schema does: there `e01` is a float (NaN), `1e5` and `08` are numbers and `y`/`n` booleans; PyYAML keeps all four strings.
import type { ScalarTag, Tags } from 'yaml';

// The yaml package's implicit test (its regex source, as shipped) -> PyYAML's (yaml/resolver.py). A float needs a dot; an
// exponent needs a sign; a decimal int does not start with 0 (that is octal, and 08 is no number at all); y and n are text.
// Keyed by the exact source so that a yaml upgrade that changes a test fails the unit test instead of drifting silently.
export const PYYAML_REPLACEMENTS: ReadonlyMap<string, RegExp> = new Map([
  ['^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$', /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/],
  ['^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$', /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/],
  ['^[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+$', /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)[eE][-+][0-9]+$/],
  ['^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$', /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/],
  ['^[-+]?[0-9][0-9_]*$', /^[-+]?(?:0|[1-9][0-9_]*)$/],
  ['^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$', /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/],
  // A date alone needs two-digit month and day (2019-5-14 is text). The yaml package's resolver re-matches its own regex, so
  // this one stays a subset of it (PyYAML also takes an empty fraction and any two-digit offset; those stay text here).
  [
    '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$',
    /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[ \t]*(?:Z|[-+][012]?[0-9](?::[0-9]{2})?))?)$/,
  ],
]);

/** yaml's customTags hook: the 1.1 schema's implicit scalar tests narrowed to PyYAML's, everything else as it was. */
export function pyyamlScalarTags(tags: Tags): Tags {
  return tags.map((t) => {
    if (typeof t === 'string' || !('test' in t) || !t.default) return t;
    const test = PYYAML_REPLACEMENTS.get(t.test?.source ?? '');
    return test ? ({ ...t, test } as ScalarTag) : t;
  });
}
