// become to the user the commands already run as is no become (Ansible's default,
// become_allow_same_user off): no sudo is called, so a host without sudo (or a login that may not
// use it) still runs `become_user: <itself>` tasks. A `sudo` first on PATH that only records its
// call and fails proves which commands went through it, locally and through a whole playbook.
import { expect } from 'chai';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { LocalTransport } from '../../../engine/transport/local.js';
import { transportFor } from '../../../engine/transport/factory.js';
import { prepareCommand } from '../../../engine/transport/command-line.js';
import { sh } from '../../../engine/transport/quote.js';
import { runPlaybook } from '../../../engine/runner/run.js';
import type { HostResultEvent } from '../../../engine/report/types.js';

describe('become to the login user runs without sudo', () => {
  const me = userInfo().username;
  let dir: string;
  let path: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-become-'));
    await writeFile(join(dir, 'sudo'), `#!/bin/sh\necho "$*" >> ${dir}/sudo-calls\necho 'sudo: not here' >&2\nexit 97\n`);
    await chmod(join(dir, 'sudo'), 0o755);
    path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
  });
  afterEach(async () => {
    process.env.PATH = path;
    await rm(dir, { recursive: true, force: true });
  });
  const sudoCalls = () => readFile(join(dir, 'sudo-calls'), 'utf8').catch(() => '');

  it('a local command with become to the current user runs as it is; to another user through sudo', async () => {
    const t = new LocalTransport();
    expect(t.user).to.equal(me);
    const same = await t.exec(sh`id -un`, { become: { method: 'sudo', user: me } });
    expect([same.exitCode, same.stdout]).to.deep.equal([0, `${me}\n`]);
    expect(await sudoCalls()).to.equal('');
    const other = await t.exec(sh`id -un`, { become: { method: 'sudo', user: me === 'nobody' ? 'root' : 'nobody' } });
    expect(other.exitCode).to.equal(97);
    expect(await sudoCalls()).to.include('-u');
  });

  it('a playbook task with become_user the connected user runs, without calling sudo', async () => {
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    h1:\n      ansible_connection: local\n');
    await writeFile(
      join(dir, 'pb.yml'),
      `- hosts: all
  gather_facts: false
  become: true
  become_user: ${JSON.stringify(me)}
  tasks:
    - name: who
      command: id -un
      register: who
    - name: a file as that user
      copy: {dest: ${join(dir, 'f')}, content: "x\\n", mode: "0600"}
`,
    );
    const events: HostResultEvent[] = [];
    const r = await runPlaybook({ playbook: join(dir, 'pb.yml'), inventory: [join(dir, 'hosts.yml')], forks: 1, reporters: [{ onHostResult: (ev) => events.push(ev) }] });
    expect(events.map((e) => `${e.task.name} ${e.status}`), JSON.stringify(events.map((e) => e.result))).to.deep.equal(['who changed', 'a file as that user changed']);
    expect(r.exitCode).to.equal(0);
    expect(events[0].result.stdout).to.equal(me);
    expect(await readFile(join(dir, 'f'), 'utf8')).to.equal('x\n');
    expect(await sudoCalls()).to.equal('');
  });

  it('over SSH the login user is the one the connection uses', () => {
    const t = transportFor('web1', { ansible_user: 'deploy' }, { home: '/nonexistent', env: {}, currentUser: 'me' });
    expect([t.kind, t.user]).to.deep.equal(['ssh', 'deploy']);
    expect(transportFor('web1', {}, { home: '/nonexistent', env: {}, currentUser: 'me' }).user).to.equal('me');
    const same = prepareCommand(sh`id`, { become: { method: 'sudo', user: 'deploy' } }, t.user);
    expect(same.line.text).to.not.include('sudo');
    const root = prepareCommand(sh`id`, { become: { method: 'sudo', user: 'root' } }, t.user);
    expect(root.line.text).to.match(/^sudo -H -n -u root -- /);
    // su too: becoming yourself needs no password
    expect(prepareCommand(sh`id`, { become: { method: 'su', user: 'deploy', password: 'p' } }, 'deploy').stdin).to.equal(undefined);
  });
});
