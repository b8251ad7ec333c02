// Where secrets come from: named environment variables first, then (only on a TTY) a no-echo prompt; cached, never logged.

export type Prompt = (question: string) => Promise<string | undefined>;

export interface SecretSourceOptions {
  /** Env var holding the private key passphrase. */
  passphraseEnv?: string;
  /** Env var holding the SSH login password. */
  passwordEnv?: string;
  /** Env var holding the sudo password. */
  becomePasswordEnv?: string;
  env?: NodeJS.ProcessEnv;
  /** Interactive prompt; default: a no-echo TTY prompt when stdin and stderr are TTYs, else none. */
  prompt?: Prompt | null;
}

export interface SecretSource {
  passphrase(keyFile: string): Promise<string | undefined>;
  password(user: string, host: string): Promise<string | undefined>;
  becomePassword(user: string, host: string): Promise<string | undefined>;
}

export const DEFAULT_SECRET_ENV = {
  passphrase: 'MDS_SSH_PASSPHRASE',
  password: 'MDS_SSH_PASSWORD',
  becomePassword: 'MDS_BECOME_PASSWORD',
} as const;

/** Builds the run's secret source; answers are cached so a fleet prompts once, not once per host. */
export function createSecretSource(opts: SecretSourceOptions = {}): SecretSource {
  const env = opts.env ?? process.env;
  const prompt = opts.prompt === undefined ? defaultTtyPrompt() : opts.prompt;
  const cache = new Map<string, Promise<string | undefined>>();
  const get = (cacheKey: string, envName: string, question: string): Promise<string | undefined> => {
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv !== '') return Promise.resolve(fromEnv);
    if (prompt === null) return Promise.resolve(undefined);
    let p = cache.get(cacheKey);
    if (p === undefined) {
      p = serialPrompt(() => prompt(question));
      cache.set(cacheKey, p);
    }
    return p;
  };
  return {
    passphrase: (keyFile) =>
      get(`passphrase:${keyFile}`, opts.passphraseEnv ?? DEFAULT_SECRET_ENV.passphrase, `Enter passphrase for key '${keyFile}': `),
    // One login password per user name: fleets share it, and asking per host would be unusable.
    password: (user, host) =>
      get(`password:${user}`, opts.passwordEnv ?? DEFAULT_SECRET_ENV.password, `${user}@${host}'s password: `),
    becomePassword: (user) =>
      get(`become:${user}`, opts.becomePasswordEnv ?? DEFAULT_SECRET_ENV.becomePassword, `[sudo] password for ${user}: `),
  };
}

// Prompts from many hosts at once must take turns on the one terminal.
let promptChain: Promise<unknown> = Promise.resolve();
function serialPrompt<T>(fn: () => Promise<T>): Promise<T> {
  const run = promptChain.then(fn, fn);
  promptChain = run.catch(() => undefined);
  return run;
}

function defaultTtyPrompt(): Prompt | null {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  return ttyPrompt;
}

/** Reads one line from the terminal without echo. */
export function ttyPrompt(question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let answer = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    const finish = (value: string | undefined): void => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(answer);
        if (ch === '\u0003' || ch === '\u0004') return finish(undefined); // Ctrl-C / Ctrl-D: no answer
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}
