// `tsplay migrate PATH [--write | --diff]`: a role or playbook written for Ansible, rewritten in
// tsplay's syntax (engine/migrate/). Without --write nothing is changed: the files that would
// change are listed (with --diff, their diffs). What is left to convert by hand is listed as
// file:line:col; then the exit code is 1.
import { writeFileSync, renameSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

export function addMigrateCommand(program: Command, exit: { code: number }): void {
  program
    .command('migrate')
    .description("rewrite a role or playbook written for Ansible in tsplay's syntax (Jinja -> Handlebars and CEL, with_* -> loop, k=v -> maps)")
    .argument('<path>', 'a role directory, a playbook directory, or one file')
    .option('--write', 'write the files in place')
    .option('--diff', 'show each change as a diff')
    .action(async (path: string, o: { write?: boolean; diff?: boolean }) => {
      try {
        statSync(path);
      } catch {
        throw new UsageError(`migrate: ${path} does not exist`);
      }
      // loaded only for this command
      const { migrate } = await import('../migrate/migrate.js');
      const { files, left } = migrate(path);
      const out: string[] = [];
      if (o.diff) {
        const { createTwoFilesPatch } = await import('diff');
        for (const f of files) out.push(createTwoFilesPatch(f.file, f.file, f.before, f.after, '', '', { context: 2 }).replace(/^=+\n/, ''));
      }
      for (const f of files) {
        if (o.write) {
          // a whole file or the old one, never half of each
          const tmp = `${f.file}.tsplay-migrate`;
          writeFileSync(tmp, f.after, { mode: statSync(f.file).mode & 0o7777 });
          renameSync(tmp, f.file);
        }
        if (!o.diff) out.push(`${o.write ? 'rewrote' : 'would rewrite'} ${f.file}\n`);
      }
      if (left.length > 0) {
        out.push(`\n${left.length} thing(s) left to convert by hand:\n`);
        for (const l of left) out.push(`${l.file}:${l.line}:${l.col}: ${l.what ? `${JSON.stringify(l.what.length > 80 ? `${l.what.slice(0, 80)}…` : l.what)}: ` : ''}${l.why}\n`);
      }
      out.push(`\n${files.length} file(s) ${o.write ? 'rewritten' : 'to rewrite'}, ${left.length} left${o.write || files.length === 0 ? '' : ' (--write writes them)'}\n`);
      process.stdout.write(out.join(''));
      exit.code = left.length > 0 ? 1 : 0;
    });
}
