// Jinja where tsplay reads a template or a condition is an error when the playbook is loaded:
// exit 4 before any task runs (a canary task would write a file first), under --syntax-check
// too, naming file:line:col and what to write in tsplay's syntax.
import { expect } from 'chai';
import { mkdtemp, mkdir, writeFile, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

describe('e2e: Jinja is an error at load time, with its equivalent', function () {
  this.timeout(60_000);
  let dir: string;
  const canaryWritten = async () => (await readdir(dir)).includes('canary');
  const write = async (tasks: string, template = 'port={{ port }}\n') => {
    await mkdir(join(dir, 'templates'), { recursive: true });
    await writeFile(join(dir, 'templates', 'site.conf.j2'), template);
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: localhost
  gather_facts: false
  vars:
    port: 80
    users: [ann, bo]
  tasks:
    - name: write canary
      copy: {dest: "${dir}/canary", content: "x"}
${tasks}`,
    );
  };
  const run = async (...args: string[]) => {
    const r = await tsplay(['run', join(dir, 'site.yml'), '-i', 'localhost,', '-c', 'local', ...args]);
    const s = await tsplay(['run', join(dir, 'site.yml'), '-i', 'localhost,', '-c', 'local', '--syntax-check', ...args]);
    expect(s.code, 'the same error under --syntax-check').to.equal(4);
    expect(s.stderr.trim().split("\n").pop()).to.equal(r.stderr.trim().split("\n").pop());
    return r;
  };
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'tsplay-jinja-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('a .j2 template with {% for %}: file:line:col of the tag and the each block', async () => {
    await write(`    - template: {src: site.conf.j2, dest: "${dir}/out.conf"}\n`, 'port={{ port }}\n{% for u in users %}\nuser={{ u }}\n{% endfor %}\n');
    const r = await run();
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    expect(r.stderr).to.include(`${join(dir, 'templates', 'site.conf.j2')}:2:1, task "template": Jinja syntax "{% for u in users %}": write {{#each users as |u|}} … {{/each}}`);
    expect(r.stderr).not.to.match(/\n\s+at /); // no stack trace
    expect(await canaryWritten()).to.equal(false);
  });

  it('a filter in a task argument: the position of the value and the helper call', async () => {
    await write(`    - debug:\n        msg: "{{ port | default(8080) }}"\n`);
    const r = await run();
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    expect(r.stderr).to.include(`site.yml:10:9, task "debug": Jinja syntax "{{ port | default(8080) }}": write {{default port 8080}}`);
    expect(await canaryWritten()).to.equal(false);
  });

  it('when: x is defined: the CEL form', async () => {
    await write(`    - debug: {msg: hi}\n      when: port is defined and users | length > 1\n`);
    const r = await run();
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    expect(r.stderr).to.include('site.yml:9:7, task "debug": condition "port is defined and users | length > 1" is Jinja; conditions are CEL: write `has(vars.port) && size(users) > 1`');
    expect(await canaryWritten()).to.equal(false);
  });

  it('a loop over dict2items', async () => {
    await write(`    - debug: {msg: "{{ item.key }}"}\n      loop: "{{ users | dict2items }}"\n`);
    const r = await run();
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    expect(r.stderr).to.include('write {{dict2items users}}');
  });

  it('misused Handlebars is named, never its internals', async () => {
    await write(`    - debug: {msg: "{{ port users }}"}\n`);
    const r = await run();
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    expect(r.stderr).to.include('"port" is not a helper, so port … cannot call it with arguments');
    expect(r.stderr).not.to.match(/lookupProperty|stack1|alias\d|is not a function/);
    expect(await canaryWritten()).to.equal(false);
  });

  it('the suggested forms run: converged on the second run', async () => {
    await write(
      `    - template: {src: site.conf.j2, dest: "${dir}/out.conf"}\n    - debug: {msg: "{{default nothing 8080}}"}\n      when: has(vars.port) && size(users) > 1\n`,
      'port={{ port }}\n{{#each users as |u|}}\nuser={{ u }}\n{{/each}}\n',
    );
    const r = await tsplay(['run', join(dir, 'site.yml'), '-i', 'localhost,', '-c', 'local']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include('8080');
  });
});
