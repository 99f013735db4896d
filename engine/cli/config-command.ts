// `tsplay config dump [--only-changed]`: each setting tsplay reads from the ANSIBLE_* environment
// and ansible.cfg, its value and where it came from, as `ansible-config dump` prints them.
import type { Command } from 'commander';

export function addConfigCommand(program: Command, exit: { code: number }): void {
  const config = program.command('config').description('the settings read from ANSIBLE_* variables and ansible.cfg, as ansible-config');
  config
    .command('dump')
    .description('every setting, its value and where it came from (env: NAME, FILE:LINE, or default)')
    .option('--only-changed', 'only the settings that are not at their default')
    .action(async (o: { onlyChanged?: boolean }) => {
      const { readAnsibleCfg, resolveSettings, dumpSettings } = await import('./ansible-cfg.js');
      const cfg = readAnsibleCfg(process.env, process.cwd(), (msg) => process.stderr.write(`[WARNING]: ${msg}\n`));
      process.stdout.write(dumpSettings(resolveSettings(process.env, process.cwd(), cfg), !!o.onlyChanged));
      exit.code = 0;
    });
}
