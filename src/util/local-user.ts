// The user running the tool, read from the system once: every host's default login and ssh's %u/%i/%r tokens use it.
import { userInfo } from 'node:os';

let cached: { name: string; uid: number } | undefined;

/** os.userInfo() reads the password database on each call; the answer cannot change while the process runs. */
export function localUser(): { name: string; uid: number } {
  if (cached === undefined) {
    const u = userInfo();
    cached = { name: u.username, uid: u.uid };
  }
  return cached;
}
