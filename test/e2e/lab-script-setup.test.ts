// script, setup, add_host and group_by over SSH on a lab host (worker2), in a private temp
// directory: script runs a controller file there with its arguments and leaves no copy behind,
// converges with creates and is predicted by --check; setup's facts are the host's; add_host and
// group_by make hosts and groups that later plays of the same run reach over SSH. Every playbook
// runs twice (the second changes nothing) and --check after predicts nothing.
import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { labSsh, labTempDirs, removeLabTempDirs } from './lab-ssh.js';

const HOST = 'worker2';
const IP = '10.77.0.22';
const INV = join(projectRoot(), 'inventories', 'lab');

describe('e2e: script, setup, add_host and group_by on worker2', function () {
  this.timeout(300_000);
  let root = '';
  let dir = '';

  before(async function () {
    ({ root, dir } = await labTempDirs(this, IP, 'script-setup'));
  });
  after(() => removeLabTempDirs(IP, root, dir));

  const run = (file: string, ...extra: string[]) => tsplay(['run', join(dir, file), '-i', INV, '--limit', HOST, '--no-lock', ...extra]);

  it('script: --check predicts, the run copies and runs it with its arguments and removes the copy, a rerun changes nothing', async () => {
    await mkdir(join(dir, 'files'));
    await writeFile(join(dir, 'files', 'record.sh'), '#!/bin/sh\n# where it ran from, its arguments, and who ran it\nprintf \'%s\\n\' "$0" "$2" "$3" "$(id -un)" > "$1"\necho recorded\n');
    await writeFile(
      join(dir, 'script.yml'),
      `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - script: record.sh ${root}/out "two words" '$HOME'
      args: { creates: ${root}/out, chdir: ${root} }
      register: s
`,
    );
    const check = await run('script.yml', '--check');
    expect(recapOf(check.stdout, HOST), check.stdout + check.stderr).to.include({ changed: 1, failed: 0 });
    expect((await labSsh(IP, `ls -A ${root}`)).stdout, '--check ran nothing').to.equal('');
    const first = await run('script.yml', '-v');
    expect(recapOf(first.stdout, HOST), first.stdout + first.stderr).to.include({ changed: 1, failed: 0 });
    expect(first.stdout).to.contain('recorded');
    const [ranFrom, two, home, user] = (await labSsh(IP, `cat ${root}/out`)).stdout.split('\n');
    expect([two, home, user]).to.deep.equal(['two words', '$HOME', 'root']);
    expect(ranFrom).to.match(/^\/tmp\/tmp\.\w+\/record\.sh$/);
    expect((await labSsh(IP, `test -e ${ranFrom.slice(0, ranFrom.lastIndexOf('/'))} && echo left || echo removed`)).stdout.trim()).to.equal('removed');
    for (const extra of [[], ['--check']]) {
      const again = await run('script.yml', ...extra);
      expect(recapOf(again.stdout, HOST), again.stdout).to.include({ changed: 0, failed: 0 });
    }
  });

  it("setup: the host's facts on demand, narrowed by filter and gather_subset", async () => {
    await writeFile(
      join(dir, 'setup.yml'),
      `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - setup: { filter: [ansible_hostname, ansible_distribution*] }
    - assert: { that: ["ansible_hostname == 'worker2'", "ansible_facts.distribution == 'Debian'", "!has(vars.ansible_default_ipv4)"] }
    - setup: { gather_subset: [network, '!hardware'] }
      register: net
    - assert: { that: ["ansible_default_ipv4.address == '${IP}'", "!has(net.ansible_facts.ansible_memtotal_mb)"] }
`,
    );
    for (const extra of [[], [], ['--check']]) {
      const r = await run('setup.yml', ...extra);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(recapOf(r.stdout, HOST)).to.include({ ok: 4, changed: 0, failed: 0 });
    }
  });

  it('add_host and group_by: later plays reach the new host and group over SSH', async () => {
    await writeFile(
      join(dir, 'inv.yml'),
      `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - group_by: { key: "picked_{{ inventory_hostname }}" }
    - add_host: { name: w2-again, groups: [again], ansible_host: ${IP}, marker: ${root}/again }
- hosts: picked_${HOST}
  gather_facts: false
  tasks:
    - command: hostname
      register: h
      changed_when: false
    - assert: { that: ["h.stdout == 'worker2'"] }
- hosts: again
  gather_facts: false
  tasks:
    - copy: { dest: "{{ marker }}", content: "{{ inventory_hostname }} {{ group_names }}\\n" }
`,
    );
    const runAll = (...extra: string[]) => tsplay(['run', join(dir, 'inv.yml'), '-i', INV, '--limit', `${HOST},w2-again`, '--no-lock', ...extra]);
    const first = await runAll();
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(recapOf(first.stdout, HOST)).to.include({ ok: 4, changed: 2, failed: 0 });
    expect(recapOf(first.stdout, 'w2-again')).to.include({ ok: 1, changed: 1, failed: 0 });
    expect((await labSsh(IP, `cat ${root}/again`)).stdout).to.equal('w2-again ["again"]\n');
    // the inventory is made anew each run: add_host and group_by change it again (as Ansible's);
    // on the host, nothing changes
    const again = await runAll();
    expect(recapOf(again.stdout, 'w2-again'), again.stdout).to.include({ ok: 1, changed: 0, failed: 0 });
    const check = await runAll('--check');
    expect(recapOf(check.stdout, 'w2-again'), check.stdout).to.include({ ok: 1, changed: 0, failed: 0 });
  });
});
