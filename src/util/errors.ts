// Error classes shared by every module: each carries a stable code and, where known, the host and step it concerns.

export interface ErrorContext {
  host?: string;
  step?: string;
  cause?: unknown;
}

/** Base of every error this tool raises on purpose; anything else is a bug. */
export class OrchestratorError extends Error {
  readonly code: string;
  readonly host: string | undefined;
  readonly step: string | undefined;

  constructor(code: string, message: string, ctx: ErrorContext = {}) {
    super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.name = new.target.name;
    this.code = code;
    this.host = ctx.host;
    this.step = ctx.step;
  }
}

/** Where in a user's file a bad value sits; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/**
 * Bad input (inventory, playbook, lab description, CLI value). Raised before any host is contacted;
 * the message always names the file, the position, the field and what was expected.
 */
export class ConfigError extends OrchestratorError {
  readonly location: SourceLocation;
  readonly field: string | undefined;

  constructor(location: SourceLocation, field: string | undefined, problem: string, ctx: ErrorContext = {}) {
    const pos = location.line === undefined ? '' : `:${location.line}${location.column === undefined ? '' : `:${location.column}`}`;
    const where = `${location.file}${pos}`;
    super('E_CONFIG', `${where}: ${field === undefined ? '' : `${field}: `}${problem}`, ctx);
    this.location = location;
    this.field = field;
  }
}

/** Several config problems found in one pass, so the user fixes them all at once. */
export class ConfigErrors extends OrchestratorError {
  readonly errors: ConfigError[];
  constructor(errors: ConfigError[]) {
    super('E_CONFIG', errors.map((e) => e.message).join('\n'));
    this.errors = errors;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
