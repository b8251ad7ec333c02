// The gather's whoami section to who ran it: the uid decides what an unreadable file or a not-writable directory means.
import type { Privilege } from './evidence.js';

/** The whoami section: `uid\t<n>` and `user\t<name>`. */
export function parsePrivilege(text: string): Privilege {
  let uid: number | null = null;
  let user: string | null = null;
  for (const line of text.split('\n')) {
    const [k, v = ''] = line.split('\t');
    if (k === 'uid' && /^\d+$/.test(v.trim())) uid = Number(v.trim());
    else if (k === 'user' && v.trim() !== '') user = v.trim();
  }
  return { uid, user };
}
