#!/usr/bin/env node
// tsplay's command line: parse argv, call the API, set the exit code. Nothing else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { projectRoot } from '../paths.js';
import { TsplayError } from '../errors.js';
import { addRunCommand } from './run-command.js';
import { addInventoryCommand } from './inventory-command.js';
import { addFactsCommand } from './facts-command.js';
import { addLabCommand } from './lab-command.js';
import { addVaultCommand } from './vault-command.js';
import { addRoleCommand } from './role-command.js';
import { addConfigCommand } from './config-command.js';
import { addPlanCommands } from './plan-command.js';
import { addMigrateCommand } from './migrate-command.js';
import { addDocCommand } from './doc-command.js';

const HELP_FOOTER = `
Exit codes (as ansible-playbook): 0 ok, 1 error (also a --limit that leaves no host, another
run of the inventory in progress), 2 a host failed, 4 a host unreachable or invalid input
(playbook, inventory, template), 5 bad usage (a bad number, a --start-at-task naming no task, no inventory),
6 the plan does not hold (tsplay apply: a host drifted since the plan and stopped there, the changes made
were not the planned ones, or the plan was refused: its inputs changed, --max-age, --plan-strict),
99 interrupted. With --check --detailed-exitcode: 10 when changes are pending, 0 when converged.`;

/** an error quotes file names, patterns and values: on a terminal their control characters must not act */
async function errorLine(text: string): Promise<string> {
  if (!process.stderr.isTTY) return text;
  // loaded only here: --version and --help load no view code
  const { escapeControls } = await import('../report/terminal-text.js');
  return escapeControls(text, { multiline: true });
}

export async function main(argv: string[]): Promise<number> {
  const exit = { code: 0 };
  const version = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version;
  const program = new Command('tsplay')
    .description('declarative playbooks over SSH, Ansible-compatible')
    .version(version)
    .addHelpText('after', HELP_FOOTER)
    .exitOverride()
    .showSuggestionAfterError();
  addRunCommand(program, exit);
  addInventoryCommand(program, exit);
  addFactsCommand(program, exit);
  addLabCommand(program, exit);
  addVaultCommand(program, exit);
  addRoleCommand(program, exit);
  addConfigCommand(program, exit);
  addPlanCommands(program, exit);
  addMigrateCommand(program, exit);
  addDocCommand(program, exit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 5;
    }
    if (e instanceof TsplayError) {
      process.stderr.write(await errorLine(`ERROR! ${e.describe()}\n`));
      return e.exitCode;
    }
    process.stderr.write(await errorLine(`ERROR! unexpected: ${(e as Error).stack ?? e}\n`));
    return 250;
  }
}

// `tsplay … | head`: a closed pipe ends the output quietly, not with a crash
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
