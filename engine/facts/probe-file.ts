// Reading a file's exact bytes inside a larger probe command: "present" + base64 lines, or
// "absent". base64 keeps trailing newlines and odd bytes intact through the sections split.
import { sh, ShellCommand } from '../transport/quote.js';

export function probeFileCommand(path: string): ShellCommand {
  return sh`if [ -f ${path} ]; then echo present; base64 < ${path}; else echo absent; fi`;
}

/** Section text -> file content, or null when the file is absent (or unreadable). */
export function parseProbedFile(section: string | undefined): string | null {
  const lines = (section ?? '').split('\n');
  if (lines[0]?.trim() !== 'present') return null;
  return Buffer.from(lines.slice(1).join(''), 'base64').toString('utf8');
}
