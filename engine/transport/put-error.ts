import type { ExecResult } from './types.js';

/** A file could not be written or read on the host (permissions, disk full...). */
export class PutError extends Error {
  constructor(readonly path: string, readonly result: ExecResult, op = 'write') {
    super(`cannot ${op} ${path}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  }
}
