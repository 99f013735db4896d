// include_vars through the real CLI on this machine: variables land at Ansible's include_vars
// precedence (above play and task vars, below set_fact, below -e) and outlive the play; a bad
// file fails the task naming file:line:col.
import { expect } from 'chai';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay, recapOf } from './run-tsplay.js';

describe('e2e: include_vars precedence', function () {
  this.timeout(60_000);
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-incvars-'));
    await mkdir(join(dir, 'vars'));
    await writeFile(join(dir, 'vars', 'inc.yml'), 'x: inc\ny: inc\nz: inc\nw: inc\n');
    await writeFile(join(dir, 'vars', 'bad.yml'), 'a: 1\n- b\n');
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('above play and task vars, below set_fact and -e; kept for the next play', async () => {
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: localhost
  gather_facts: false
  vars: { x: play }
  tasks:
    - set_fact: { y: fact }
    - include_vars: inc.yml
    - assert: { that: ['x == "inc"', 'y == "fact"', 'w == "extra"'] }
    - assert: { that: ['z == "inc"'] }
      vars: { z: task }
- hosts: localhost
  gather_facts: false
  tasks:
    - assert: { that: ['x == "inc"'] }
`,
    );
    const r = await tsplay(['run', join(dir, 'site.yml'), '-i', 'localhost,', '--no-lock', '-e', 'w=extra']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(recapOf(r.stdout, 'localhost')).to.include({ ok: 5, changed: 0, failed: 0 });
  });

  it('a bad vars file fails the task with file:line:col', async () => {
    await writeFile(join(dir, 'bad.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - include_vars: { file: bad.yml }\n`);
    const r = await tsplay(['run', join(dir, 'bad.yml'), '-i', 'localhost,', '--no-lock']);
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stdout).to.match(new RegExp(`${join(dir, 'vars', 'bad.yml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:\\d+`));
  });
});
