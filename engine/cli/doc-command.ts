// `tsplay doc [MODULE]`: the modules, template helpers and CEL functions; or one module's
// parameters, as ansible-doc shows them (module-doc.ts).
import type { Command } from 'commander';

export function addDocCommand(program: Command, exit: { code: number }): void {
  program
    .command('doc')
    .description('list the modules, template helpers and CEL functions; with MODULE, its parameters (as ansible-doc)')
    .argument('[module]', 'a module name (ansible.builtin.NAME too)')
    .action(async (name: string | undefined) => {
      // every module's code loads here (their schemas): only for this command
      const [{ builtinModules }, { docIndex, moduleDoc }] = await Promise.all([import('../modules/registry.js'), import('./module-doc.js')]);
      const modules = await builtinModules();
      process.stdout.write(name === undefined ? docIndex(modules) : moduleDoc(name, modules));
      exit.code = 0;
    });
}
