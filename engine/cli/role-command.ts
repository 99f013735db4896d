// `tsplay role doc [NAME] [--roles-path DIR]`: a role's parameters (type, default, description),
// from its schema.json or meta/argument_specs.yml, with the values of defaults/main.yml; without
// NAME, those of every role on the role path.
import type { Command } from 'commander';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addRoleCommand(program: Command, exit: { code: number }): void {
  const role = program.command('role').description('inspect roles');
  role
    .command('doc')
    .description("print a role's parameters: type, default and description (without NAME: every role on the role path)")
    .argument('[name]', 'role name')
    .option('--roles-path <dir>', 'extra role directory, searched before the shipped roles (repeatable)', collect)
    .action(async (name: string | undefined, o) => {
      // role-doc.ts (ajv, yaml, role lookup) loads only when this command runs
      const { roleDoc, allRoleDocs } = await import('./role-doc.js');
      process.stdout.write(name === undefined ? await allRoleDocs(o.rolesPath ?? []) : await roleDoc(name, o.rolesPath ?? []));
      exit.code = 0;
    });
}
