// The log of API calls (method, path, user, status) that tests read to prove, e.g., that a dry run only made GETs.

export interface RequestLogEntry {
  time: string;
  method: string;
  /** Path and query; never a token or a body (bodies can carry passwords). */
  path: string;
  user: string | null;
  /** null when the fake deliberately never answered (a hang fault) or the client went away first. */
  status: number | null;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  clear(): void {
    this.entries = [];
  }
}
