// Typos are errors, found before any host is contacted: a notify naming no handler, a --limit
// that leaves no host, a --start-at-task naming no task, a bad number for a numeric option.
// A --tags naming no tag and a play whose hosts match nothing are warnings, as in Ansible.
// Each run's first task would write a canary file: where the run is refused, it is not there.
import { expect } from 'chai';
import { mkdtemp, mkdir, writeFile, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

const INVENTORY = `all:
  vars: {ansible_connection: local}
  hosts: {web1: null, db1: null}
  children:
    webservers: {hosts: {web1: null}}
`;

describe('e2e: typos are errors before any host', function () {
  this.timeout(60_000);
  let dir: string;
  const run = (...args: string[]) => tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml'), ...args]);
  const canaryWritten = async () => (await readdir(dir)).includes('canary');
  const playbook = (d: string, more = '') => `- hosts: webservers
  gather_facts: false
  handlers:
    - name: restart nginx
      debug: {msg: restarted}
  tasks:
    - name: write canary
      copy: {dest: "${d}/canary", content: "x"}
      tags: [canary]
    - name: deploy
      command: "true"
      notify: restart nginx
      tags: [deploy]
${more}`;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-typos-'));
    await writeFile(join(dir, 'hosts.yml'), INVENTORY);
    await writeFile(join(dir, 'site.yml'), playbook(dir));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('notify naming no handler: exit 4 at load, file:line:col of the notify, did you mean', async () => {
    await writeFile(join(dir, 'site.yml'), playbook(dir).replace('notify: restart nginx', 'notify: restart nginxx'));
    const r = await run();
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    expect(r.stderr).to.match(/site\.yml:12:7: notify: no handler named "restart nginxx" .*\(did you mean "restart nginx"\?\)/);
    expect(await canaryWritten()).to.equal(false);
    // --syntax-check finds it too
    const s = await run('--syntax-check');
    expect(s.code).to.equal(4);
    expect(s.stderr).to.include('no handler named "restart nginxx"');
  });

  it('--limit matching no host: exit 1 with Ansible\'s message and the closest host', async () => {
    const r = await run('--limit', 'wbe1');
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stderr).to.include('ERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target; could not match "wbe1" (did you mean "web1"?)');
    expect(await canaryWritten()).to.equal(false);
    const g = await run('--limit', 'webservres', '--syntax-check');
    expect(g.code).to.equal(1);
    expect(g.stderr).to.include('(did you mean "webservers"?)');
  });

  it('--limit with one pattern matching: a warning for the other, the run goes on', async () => {
    const r = await run('--limit', 'web1,wbe2');
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include('[WARNING]: Could not match supplied host pattern, ignoring: wbe2');
    expect(await canaryWritten()).to.equal(true);
  });

  it("a play's hosts matching nothing: warning, \"skipping: no hosts matched\", the other plays run, exit 0", async () => {
    await writeFile(join(dir, 'site.yml'), `- hosts: webservres\n  gather_facts: false\n  tasks:\n    - debug: {msg: never}\n${playbook(dir)}`);
    const r = await run();
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/\[WARNING\]: Could not match supplied host pattern, ignoring: webservres \(did you mean "webservers"\?\)\n\nPLAY \[webservres\] \*+\nskipping: no hosts matched\n/);
    expect(await canaryWritten()).to.equal(true);
  });

  it('--start-at-task naming no task: exit 5 with the closest task name, nothing run', async () => {
    const r = await run('--start-at-task', 'deplyo');
    expect(r.code, r.stdout + r.stderr).to.equal(5);
    expect(r.stderr).to.include('--start-at-task "deplyo": no task of the playbook has this name (did you mean "deploy"?)');
    expect(await canaryWritten()).to.equal(false);
    const ok = await run('--start-at-task', 'deploy');
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.include('TASK [deploy]');
    expect(await canaryWritten()).to.equal(false);
  });

  it('--tags / --skip-tags naming a tag no task has: a warning listing the tags there are', async () => {
    const r = await run('--tags', 'deplyo,always', '--skip-tags', 'nope');
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include('[WARNING]: --tags deplyo: no task has the tag "deplyo" (did you mean "deploy"?); the playbook\'s tags: canary, deploy');
    expect(r.stdout).to.include('[WARNING]: --skip-tags nope: no task has the tag "nope"; the playbook\'s tags: canary, deploy');
    expect(r.stdout).to.not.include('tag "always"');
    const known = await run('--tags', 'deploy');
    expect(known.stdout).to.not.include('[WARNING]');
  });

  for (const [opt, value] of [
    ['--forks', 'abc'],
    ['--forks', ''],
    ['--forks', '0'],
    ['--forks', '2.5'],
    ['--forks', '3x'],
    ['--interrupt-grace', 'abc'],
    ['--interrupt-grace', ''],
    ['--interrupt-grace', '-1'],
    ['--interrupt-grace', '1e12'],
  ]) {
    it(`${opt} ${JSON.stringify(value)}: exit 5 naming the option, nothing run (with --check --detailed-exitcode too)`, async () => {
      for (const extra of [[], ['--check', '--detailed-exitcode']]) {
        const r = await run(`${opt}=${value}`, ...extra);
        expect(r.code, r.stdout + r.stderr).to.equal(5);
        expect(r.stderr).to.include(`option '${opt === '--forks' ? '-f, --forks <n>' : '--interrupt-grace <seconds>'}' argument '${value}' is invalid. must be`);
        expect(await canaryWritten()).to.equal(false);
      }
    });
  }

  it('facts --forks takes whole numbers only', async () => {
    const r = await tsplay(['facts', '-i', join(dir, 'hosts.yml'), '--forks', 'abc']);
    expect(r.code).to.equal(5);
    expect(r.stderr).to.include("argument 'abc' is invalid");
  });

  describe('everything static is checked before any host, --syntax-check too', () => {
    const cases: { name: string; files: Record<string, string>; task: string; where: RegExp; message: RegExp }[] = [
      {
        name: 'a block left open in a template file',
        files: { 'templates/app.conf.hbs': 'line one\nport={{ port }}\n{{#if tls}}\nssl on\n{{/each}}\n' },
        task: '    - name: config\n      template: {src: app.conf.hbs, dest: "DIR/out"}\n',
        where: /templates\/app\.conf\.hbs:3:4, task "config"/,
        message: /template syntax error: if doesn't match each/,
      },
      {
        name: 'an unclosed expression in a template file',
        files: { 'templates/app.conf.hbs': 'a\n  {{ foo bar }\nz\n' },
        task: '    - name: config\n      template: {src: app.conf.hbs, dest: "DIR/out"}\n',
        where: /templates\/app\.conf\.hbs:2:14, task "config"/,
        message: /template syntax error: unexpected token INVALID on line 2/,
      },
      {
        name: "a syntax error in a role's template file",
        files: {
          'roles/web/templates/site.hbs': '{{#each sites}}\n{{name}}\n',
          'roles/web/tasks/main.yml': '- name: site config\n  template: {src: site.hbs, dest: "DIR/out"}\n',
        },
        task: '    - include_role: {name: web}\n',
        where: /roles\/web\/templates\/site\.hbs:\d+(:\d+)?, task "site config"/,
        message: /template syntax error/,
      },
      {
        name: 'a syntax error in an assert condition',
        files: {},
        task: '    - name: check\n      assert:\n        that:\n          - "1 == 1"\n          - "x == = 1"\n',
        where: /site\.yml:18:13, task "check"/,
        message: /invalid condition/,
      },
      {
        name: 'a syntax error in a single assert condition',
        files: {},
        task: '    - name: check\n      assert: {that: "x ==="}\n',
        where: /site\.yml:15:\d+, task "check"/,
        message: /invalid condition/,
      },
      {
        name: 'a missing import_tasks file',
        files: {},
        task: '    - import_tasks: nowhere.yml\n',
        where: /site\.yml:14:\d+/,
        message: /import_tasks: file not found/,
      },
    ];
    for (const c of cases) {
      it(`${c.name}: exit 4 naming file:line:col, in --syntax-check and before the first task of a run`, async () => {
        for (const [rel, text] of Object.entries(c.files)) {
          await mkdir(join(dir, rel, '..'), { recursive: true });
          await writeFile(join(dir, rel), text.replaceAll('DIR', dir));
        }
        await writeFile(join(dir, 'site.yml'), playbook(dir) + c.task.replaceAll('DIR', dir));
        for (const extra of [['--syntax-check'], []]) {
          const r = await run(...extra);
          expect(r.code, r.stdout + r.stderr).to.equal(4);
          expect(r.stderr).to.match(c.where);
          expect(r.stderr).to.match(c.message);
          expect(await canaryWritten()).to.equal(false);
        }
      });
    }

    it('a templated assert condition or template src is left for the run', async () => {
      await writeFile(join(dir, 'site.yml'), playbook(dir) + '    - assert: {that: "{{ cond }}"}\n      vars: {cond: "1 == 1"}\n    - template: {src: "{{ name }}", dest: "' + dir + '/out"}\n      vars: {name: nowhere.hbs}\n      when: false\n');
      const r = await run('--syntax-check');
      expect(r.code, r.stdout + r.stderr).to.equal(0);
    });
  });
});
