// ansible-playbook's -u/-b/--become-user/--become-method on a real host (worker2, as its `deploy`
// user, whose sudo asks for a password): they act as ansible_user/ansible_become… would, and the
// inventory's and the play's own settings win over them, as in Ansible.
import { expect } from 'chai';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';
import { Terminal } from './terminal.js';

const W2 = '10.77.0.22';

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { status: string; stdout?: string }> }[] }[];
}

describe('e2e: ansible-playbook\'s user and become flags on the lab (worker2)', function () {
  this.timeout(180_000);
  let dir: string;
  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await labSsh(W2, 'id deploy');
    } catch (e) {
      console.log(`      (skipped: the lab is not up: ${(e as Error).message.split('\n')[0]}; run \`tsplay lab up\`)`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-lab-habits-'));
    const reach = `ansible_host: ${W2}, ansible_ssh_private_key_file: ${LAB}/id_ed25519, ansible_ssh_known_hosts_file: ${LAB}/known_hosts`;
    await writeFile(join(dir, 'w2.yml'), `all:\n  hosts:\n    w2: { ${reach} }\n    w2-root: { ${reach}, ansible_user: root }\n`);
    const who = '    - name: who\n      command: id -un\n';
    await writeFile(join(dir, 'who.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n${who}`);
    await writeFile(join(dir, 'no-become.yml'), `- hosts: all\n  gather_facts: false\n  become: false\n  tasks:\n${who}`);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** who each host's task ran as */
  async function who(playbook: string, ...flags: string[]): Promise<Record<string, string | undefined>> {
    const r = await tsplay(['run', join(dir, playbook), '-i', join(dir, 'w2.yml'), '--json', ...flags]);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    const hosts = (JSON.parse(r.stdout) as JsonRun).plays[0].tasks[0].hosts;
    return Object.fromEntries(Object.entries(hosts).map(([h, v]) => [h, v.stdout]));
  }

  it('-u deploy connects as deploy; a host whose inventory sets ansible_user keeps it', async () => {
    expect(await who('who.yml', '-u', 'deploy')).to.deep.equal({ w2: 'deploy', 'w2-root': 'root' });
  });

  it('-b (with sudo\'s password) runs as root, --become-user as that user, --become-method sudo as sudo does', async () => {
    const pass = ['-e', 'ansible_become_password=deploy'];
    expect(await who('who.yml', '-u', 'deploy', '-b', ...pass)).to.deep.equal({ w2: 'root', 'w2-root': 'root' });
    expect(await who('who.yml', '-u', 'deploy', '-b', '--become-user', 'nobody', '--become-method', 'sudo', ...pass)).to.deep.equal({ w2: 'nobody', 'w2-root': 'nobody' });
    // --become-user alone does not turn become on, as in Ansible
    expect(await who('who.yml', '-u', 'deploy', '--become-user', 'nobody', ...pass)).to.deep.equal({ w2: 'deploy', 'w2-root': 'root' });
  });

  it('a play\'s become: false wins over -b', async () => {
    expect(await who('no-become.yml', '-u', 'deploy', '-b', '-e', 'ansible_become_password=deploy')).to.deep.equal({ w2: 'deploy', 'w2-root': 'root' });
  });

  it('-vvv names the SSH user and address and shows the command with its become', async () => {
    const r = await tsplay(['run', join(dir, 'who.yml'), '-i', join(dir, 'w2.yml'), '-l', 'w2', '-u', 'deploy', '-b', '-e', 'ansible_become_password=deploy', '-vvv']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`^<w2> ESTABLISH SSH CONNECTION FOR USER: deploy \\(ssh deploy@${W2.replace(/\./g, '\\.')}:22\\)$`, 'm'));
    expect(r.stdout).to.match(/^<w2> EXEC \(become root via sudo\) .*id -un/m);
    // above -vv the result is printed on many lines, as Ansible's default callback does
    expect(r.stdout).to.match(/^changed: \[w2\] => \{\n[\s\S]*?^ {4}"stdout": "root"/m);
  });

  it('-K / -k on a terminal: the password typed (not echoed) is the one sudo / sshd gets; -u deploy -b then runs as root, and a wrong password is never shown', async function () {
    try {
      await promisify(execFile)('tmux', ['-V']);
    } catch {
      this.skip();
    }
    const term = new Terminal(dir);
    await term.start();
    try {
      const run = (password: string) =>
        term.tsplay(['run', join(dir, 'who.yml'), '-i', join(dir, 'w2.yml'), '-l', 'w2', '-u', 'deploy', '-b', '-K', '-v'], {
          cols: 200,
          rows: 40,
          answers: [{ after: 'BECOME password:', keys: [password, 'Enter'] }],
        });
      const right = await run('deploy');
      expect(right.code, right.joined).to.equal(0);
      expect(right.joined).to.match(/✔ changed: \[w2\] .*"stdout": "root"/);
      expect(right.joined).to.match(/^BECOME password: *$/m);
      // -k: the SSH password typed is the one sshd gets (no key offered: a HOME without keys, no agent)
      await writeFile(join(dir, 'by-password.yml'), `all:\n  hosts:\n    w2: { ansible_host: ${W2}, ansible_ssh_known_hosts_file: ${LAB}/known_hosts }\n`);
      // the user's number, not its name: its name is the password here, and so shown as ********
      await writeFile(join(dir, 'uid.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: uid\n      command: id -u\n');
      const byPassword = await term.tsplay(['run', join(dir, 'uid.yml'), '-i', join(dir, 'by-password.yml'), '-u', 'deploy', '-k', '-v'], {
        cols: 200,
        rows: 40,
        env: { HOME: dir, SSH_AUTH_SOCK: '' },
        answers: [{ after: 'SSH password:', keys: ['deploy', 'Enter'] }],
      });
      expect(byPassword.code, byPassword.joined).to.equal(0);
      const uid = (await labSsh(W2, 'id -u deploy')).stdout.trim();
      expect(byPassword.joined).to.match(new RegExp(`✔ changed: \\[w2\\] .*"stdout": "${uid}"`));
      // a wrong one: sudo refuses it, the task fails (and the typed text shows nowhere)
      const wrong = await run('not-the-password-31337');
      expect(wrong.code, wrong.joined).to.equal(2);
      expect(wrong.joined).to.not.include('not-the-password-31337');
    } finally {
      await term.stop();
    }
  });
});
