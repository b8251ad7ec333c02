// Reads apt-get's output: what a simulated install would do (`Inst` lines), and the errors that mean "try again" or "finish dpkg first".

export interface AptInstall {
  /** The package name, without a `:arch` qualifier. */
  name: string;
  /** The version installed now; null for a package the install would add (a new kernel image). */
  from: string | null;
  to: string;
}

// Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])
// Inst linux-image-4.15.0-50-generic (4.15.0-50.54 Ubuntu:18.04/bionic-updates [amd64])
const INST = /^Inst (\S+?)(?::[a-z0-9-]+)? (?:\[(\S+)\] )?\((\S+)[ )]/;

/** The `Inst` lines of `apt-get -s install ...`; `Conf`, `Remv` and the prose around them are skipped. */
export function parseAptSimulation(stdout: string): AptInstall[] {
  const out: AptInstall[] = [];
  for (const line of stdout.split('\n')) {
    const m = INST.exec(line.trim());
    if (m) out.push({ name: m[1]!, from: m[2] ?? null, to: m[3]! });
  }
  return out;
}

/**
 * apt and dpkg refuse at once (E: Could not get lock /var/lib/dpkg/lock-frontend ..., Unable to acquire the dpkg frontend
 * lock, Unable to lock the administration directory) when another apt, dpkg or unattended-upgrades holds the lock:
 * a reason to wait and retry, not a failure of the update itself.
 */
export function isAptLockError(output: string): boolean {
  return /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock the administration directory|Unable to lock directory \/var\/lib\/apt\/lists/.test(output);
}

/** `E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.` */
export function isDpkgInterrupted(output: string): boolean {
  return /dpkg was interrupted/.test(output);
}
