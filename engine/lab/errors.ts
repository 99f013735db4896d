// A lab command that cannot go on for a reason a person can fix (not root, a missing program):
// the CLI prints its message, without a stack trace, and exits 1.
import { TsplayError } from '../errors.js';

export class LabError extends TsplayError {}
