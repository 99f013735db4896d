// `tsplay doc` as a person runs it: the index and a module's page on stdout with exit 0; an
// unknown module exits 5 naming the closest one, as a playbook naming it does.
import { expect } from 'chai';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

describe('e2e: tsplay doc', function () {
  this.timeout(60_000);

  it('lists the modules, helpers and CEL functions', async () => {
    const r = await tsplay(['doc']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^MODULES /);
    expect(r.stdout).to.match(/^  find +Find files under directories/m);
    expect(r.stdout).to.contain('TEMPLATE HELPERS').and.contain('{{default x "fallback"}}');
    expect(r.stdout).to.contain('CEL (conditions').and.contain('has(m.key), has(vars.name)');
  });

  it("shows a module's parameters as ansible-doc does", async () => {
    const r = await tsplay(['doc', 'find']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^> FIND\n/);
    expect(r.stdout).to.contain('= paths\n').and.contain('        aliases: [name, path]\n');
    expect(r.stdout).to.contain('- file_type\n        The kind of entry to return.\n        type: str\n        choices: [any, directory, file, link]\n        default: file\n');
  });

  it('an unknown module: exit 5, the closest name, and where the list is; a playbook naming it says the same', async () => {
    const r = await tsplay(['doc', 'stta']);
    expect(r.code).to.equal(5);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal('ERROR! unknown module "stta" (did you mean "stat"?); `tsplay doc` lists the modules\n');
    const dir = await mkdtemp(join(tmpdir(), 'tsplay-doc-'));
    try {
      await writeFile(join(dir, 'pb.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - stta: { path: /etc }\n');
      const p = await tsplay(['run', join(dir, 'pb.yml'), '-i', 'localhost,']);
      expect(p.code).to.equal(4);
      expect(p.stderr).to.contain('pb.yml:4:7: unknown module "stta" (did you mean "stat"?); `tsplay doc` lists the modules');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
