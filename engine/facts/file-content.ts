// The bytes of a host file (null when absent), as a cached fact: lineinfile, blockinfile and the
// --diff of copy/template read through it, and a change on the host drops it like any fact.
import { readFileCommand } from '../transport/atomic-put.js';
import { ModuleError } from '../errors.js';
import type { Fact } from './types.js';

export interface FileContentArgs {
  path: string;
}

export const fileContent: Fact<Buffer | null, FileContentArgs> = {
  name: 'file_content',
  command: ({ path }) => readFileCommand(path),
  overlayKey: ({ path }) => path.replace(/\/+$/, '') || '/',
  parse(r, { path }) {
    if (r.exitCode === 3) return null;
    if (r.exitCode !== 0) throw new ModuleError(`cannot read ${path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    return r.stdoutBytes;
  },
};
