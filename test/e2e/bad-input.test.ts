// Bad input: a clear error naming file:line:col, a non-zero exit, and nothing changed.
import { expect } from 'chai';
import { mkdtemp, mkdir, writeFile, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

const INVENTORY = 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n';

describe('e2e: bad input is refused before any change', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-bad-'));
    await writeFile(join(dir, 'hosts.yml'), INVENTORY);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  // each playbook first writes a canary file, then has its fault further down
  const canary = (d: string) => `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { dest: "${d}/canary", content: "x" }\n`;
  const cases: { name: string; body: (d: string) => string; where: RegExp; message: RegExp; code?: number; pattern?: string }[] = [
    { name: 'malformed YAML', body: (d) => canary(d) + '    - debug: { msg: "unclosed\n', where: /site\.yml:\d+:\d+/, message: /invalid YAML/ },
    { name: 'unknown module', body: (d) => canary(d) + '    - name: typo\n      copyy: { dest: /tmp/x }\n', where: /site\.yml:6:7/, message: /unknown module "copyy"/ },
    { name: 'unknown parameter', body: (d) => canary(d) + '    - file: { path: /tmp/x, staet: directory }\n', where: /site\.yml:5:\d+/, message: /unknown parameter "staet"/ },
    { name: 'wrong parameter type', body: (d) => canary(d) + '    - lineinfile: { path: /tmp/x, line: "a", create: [1] }\n', where: /site\.yml:5:\d+/, message: /create/ },
    { name: 'undefined variable', body: (d) => canary(d).replace('content: "x"', 'content: "{{ nope }}"'), where: /site\.yml:4:\d+/, message: /nope/, code: 2 },
    { name: 'missing template file', body: (d) => canary(d) + '    - template: { src: missing.hbs, dest: /tmp/x }\n', where: /site\.yml:5:\d+/, message: /template "missing\.hbs" not found/ },
    { name: 'bad host pattern', body: (d) => canary(d).replace('hosts: all', 'hosts: "web[1:"'), where: /./, message: /pattern/ },
    { name: 'bad CEL condition', body: (d) => canary(d) + '    - debug: { msg: hi }\n      when: "x == = 1"\n', where: /site\.yml:5:7/, message: /invalid condition/ },
    { name: 'bad template syntax', body: (d) => canary(d) + '    - debug:\n        msg: "{{#if x}} open"\n', where: /site\.yml:6:\d+/, message: /template syntax error/ },
    { name: 'unknown play keyword', body: (d) => canary(d).replace('gather_facts: false', 'gather_fact: false'), where: /site\.yml:2:3/, message: /unknown play keyword "gather_fact"/ },
  ];
  for (const c of cases) {
    it(`${c.name}: exits non-zero naming file:line:col, changes nothing`, async () => {
      await writeFile(join(dir, 'site.yml'), c.body(dir));
      const r = await tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml')]);
      expect(r.code, r.stdout + r.stderr).to.equal(c.code ?? 4);
      const out = r.stderr + r.stdout;
      expect(out).to.match(c.message);
      expect(out).to.match(c.where);
      if (c.code === undefined) expect(await readdir(dir)).to.not.include('canary');
    });
  }

  it('a malformed inventory names its line', async () => {
    await writeFile(join(dir, 'site.yml'), canary(dir));
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    a: [\n');
    const r = await tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml')]);
    expect(r.code).to.equal(4);
    expect(r.stderr).to.match(/hosts\.yml:\d+/);
    expect(await readdir(dir)).to.not.include('canary');
  });

  it('a key written twice in group_vars names both lines, and nothing runs', async () => {
    // PyYAML keeps the last one silently: the connection a host gets would depend on which line is lower
    await writeFile(join(dir, 'site.yml'), canary(dir));
    await mkdir(join(dir, 'group_vars'));
    await writeFile(join(dir, 'group_vars', 'all.yml'), 'ansible_connection: ssh\nansible_user: deploy\nansible_connection: local\n');
    const r = await tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml')]);
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    const file = join(dir, 'group_vars', 'all.yml');
    expect(r.stderr).to.include(`${file}:3:1: duplicate key "ansible_connection": written at ${file}:1:1 and again at ${file}:3:1`);
    expect(await readdir(dir)).to.not.include('canary');
  });

  it('bad usage exits 5', async () => {
    const r = await tsplay(['run']);
    expect(r.code).to.equal(5);
  });
});
