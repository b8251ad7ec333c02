// Benchmark floor: the least a controller can do for a sweep — ssh2 + p-queue, one connect, one gather exec, close, per host.
// Run: npx tsx test/bench/raw-floor.ts HOSTS.json KEY GATHER.sh [FORKS]   (HOSTS.json: [{"name","address","port","user"}])
// It imports nothing from src/ on purpose (the gather script comes in a file), so sweep-vs-floor.ts can run it compiled.
import { readFileSync } from 'node:fs';
import PQueue from 'p-queue';
import ssh2 from 'ssh2';

interface Target {
  name: string;
  address: string;
  port: number;
  user: string;
}

const [hostsFile, keyFile, gatherFile, forksArg] = process.argv.slice(2);
if (!hostsFile || !keyFile || !gatherFile) {
  process.stderr.write('usage: raw-floor HOSTS.json KEY GATHER.sh [FORKS]\n');
  process.exit(64);
}
const targets = JSON.parse(readFileSync(hostsFile, 'utf8')) as Target[];
const privateKey = readFileSync(keyFile);
const command = readFileSync(gatherFile, 'utf8');
const forks = Number(forksArg ?? 50);

/** Resolves with the byte count of stdout; rejects on connect error or a non-zero exit. */
function gather(t: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const conn = new ssh2.Client();
    let bytes = 0;
    conn.on('ready', () => {
      conn.exec(command, (err, stream) => {
        if (err) { conn.end(); reject(err); return; }
        stream.on('data', (d: Buffer) => { bytes += d.length; });
        stream.stderr.resume();
        stream.on('close', (code: number | null) => {
          conn.end();
          if (code === 0) resolve(bytes);
          else reject(new Error(`${t.name}: exit ${code}`));
        });
      });
    });
    conn.on('error', reject);
    conn.connect({ host: t.address, port: t.port, username: t.user, privateKey, readyTimeout: 60_000 });
  });
}

const queue = new PQueue({ concurrency: forks });
let ok = 0;
let bytes = 0;
const failed: string[] = [];
await Promise.all(targets.map((t) => queue.add(async () => {
  try {
    const got = await gather(t);
    bytes += got; // not `bytes += await`: that reads `bytes` before the await and loses other hosts' counts
    ok++;
  } catch (err) {
    failed.push(`${t.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
})));
process.stdout.write(`${JSON.stringify({ ok, failed, bytes })}\n`);
process.exitCode = failed.length ? 1 : 0;
