// `tsplay lab up [--hosts N] | down | status`: the local systemd-nspawn lab.
import type { Command } from 'commander';
import { wholeNumber } from './numbers.js';
import { TsplayError } from '../errors.js';

/** hosts the lab can boot (engine/lab/hosts.ts; that module is not loaded to parse options) */
const LAB_HOST_COUNT = 6;

// the lab code (nspawn, image building) loads only when a `lab` subcommand runs
const labApi = () => import('../lab/index.js');

/**
 * A lab step that fails (a command on the controller, a host that does not boot) is a fault of
 * this machine, said in its message: printed as an error without a stack trace (exit 1).
 */
async function labStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof TsplayError || !(e instanceof Error)) throw e;
    throw new TsplayError(e.message, {}, { cause: e });
  }
}

export function addLabCommand(program: Command, exit: { code: number }): void {
  const lab = program.command('lab').description('the local lab of real Debian hosts (systemd-nspawn; needs root)');
  const log = (line: string) => process.stderr.write(line + '\n');
  lab
    .command('up')
    .description('build the image once, boot the hosts, write inventories/lab')
    .option('--hosts <n>', 'number of hosts (5: 3 masters + 2 workers; 6 adds a spare worker)', wholeNumber(1, LAB_HOST_COUNT), 5)
    .action(async (o) => {
      const s = await labStep(async () => (await labApi()).labUp({ hosts: o.hosts, log }));
      process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      exit.code = 0;
    });
  lab
    .command('down')
    .description('stop the hosts by pid, unmount, remove the bridge')
    .option('--wipe', "also delete each host's changes: the next up starts from the clean image")
    .action(async (o) => {
      await labStep(async () => (await labApi()).labDown({ log, wipe: !!o.wipe }));
      exit.code = 0;
    });
  lab.command('status').description('which hosts run and answer').action(async () => {
    process.stdout.write(JSON.stringify(await labStep(async () => (await labApi()).labStatus()), null, 2) + '\n');
  });
}
