// One error hierarchy. Every error that reaches a person names where it comes from:
// file:line:col for inputs, host and task for run-time faults.

export interface SourcePos {
  file?: string;
  line?: number; // 1-based
  col?: number; // 1-based
}

export interface ErrorWhere extends SourcePos {
  host?: string;
  task?: string;
}

export class TsplayError extends Error {
  /** ansible-playbook compatible exit code for a run that ends on this error */
  exitCode = 1;
  where: ErrorWhere;
  constructor(message: string, where: ErrorWhere = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.where = { ...where };
  }
  /** "file:line:col" or "" */
  location(): string {
    const { file, line, col } = this.where;
    if (!file) return '';
    return line ? `${file}:${line}${col ? `:${col}` : ''}` : file;
  }
  /** message prefixed with location, host and task: what the CLI prints */
  describe(): string {
    const parts: string[] = [];
    const loc = this.location();
    if (loc) parts.push(loc);
    if (this.where.host) parts.push(`host ${this.where.host}`);
    if (this.where.task) parts.push(`task "${this.where.task}"`);
    return parts.length ? `${parts.join(', ')}: ${this.message}` : this.message;
  }
  withWhere(extra: ErrorWhere): this {
    for (const [k, v] of Object.entries(extra)) {
      if (v !== undefined && (this.where as Record<string, unknown>)[k] === undefined) {
        (this.where as Record<string, unknown>)[k] = v;
      }
    }
    return this;
  }
}

/** Bad playbook, inventory, role, vars file or template: found before any host is contacted. */
export class InputError extends TsplayError {
  override exitCode = 4;
}

/** A template or condition that cannot be rendered (undefined variable, bad syntax). */
export class TemplateError extends InputError {}

/** Bad command-line usage. */
export class UsageError extends TsplayError {
  override exitCode = 5;
}

/** A host could not be reached, or its connection broke. The host is UNREACHABLE. */
export class ConnectError extends TsplayError {
  override exitCode = 4;
}

/** A module could not do its work for a reason other than a failed command (which is a value). */
export class ModuleError extends TsplayError {
  override exitCode = 2;
}

/** The run was interrupted by a signal. */
export class InterruptedError extends TsplayError {
  override exitCode = 99;
}

export function isTsplayError(e: unknown): e is TsplayError {
  return e instanceof TsplayError;
}
